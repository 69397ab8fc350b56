package org.attentioncourse.aft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.attentioncourse.bench.AttentionBenchmark;
import org.attentioncourse.bench.Mechanism;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class AftMechanismsTest {

  @Test
  void theAftCoresRunInTheBenchmarkHarnessCausalOrNot() {
    for (boolean causal : new boolean[] {false, true}) {
      AttentionBenchmark bench =
          AttentionBenchmark.builder().lengths(16, 33).d(8).heads(2).batch(2).repeats(2).warmup(1).causal(causal).build();
      List<Mechanism> mechanisms =
          List.of(AftMechanisms.full(), AftMechanisms.simple(), AftMechanisms.local(4), AftMechanisms.conv(3));
      Table t = bench.run(mechanisms);
      assertEquals(8, t.rowCount());
      for (int r = 0; r < t.rowCount(); r++) {
        assertTrue(t.doubleColumn(AttentionBenchmark.MEDIAN_MS).get(r) > 0, t.printAll());
        assertTrue(!t.stringColumn(AttentionBenchmark.NOTE).get(r).contains("NaN"), t.printAll());
      }
      // the declared largest intermediate: T×T for AFT-full, one (B, H, T, d) array for the linear forms
      assertEquals(33L * 33 * 4, AftMechanisms.full().bytesOfLargestIntermediate(1, 1, 33, 8));
      assertEquals(2L * 2 * 33 * 8 * 4, AftMechanisms.simple().bytesOfLargestIntermediate(2, 2, 33, 8));
    }
  }

  @Test
  void theBaselineMainKnowsTheAftMechanisms(@TempDir Path dir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        org.attentioncourse.bench.SoftmaxBaselineAccess.run(
            new String[] {"--lengths", "16,32", "--d", "8", "--repeats", "2", "--mechanisms",
              "aft-full,aft-simple,aft-local,aft-conv", "--out", dir.resolve("t.csv").toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    for (String name : new String[] {"aft-full", "aft-simple", "aft-local (s=32)", "aft-conv (s=11)"}) {
      assertTrue(text.contains(name + ": time ratio"), name + " in\n" + text);
    }
  }
}
