package org.attentioncourse.synthesizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.attentioncourse.bench.AttentionBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class SynthesizerMechanismsTest {

  @Test
  void theSynthesizerCoresRunInTheBenchmarkHarness() {
    AttentionBenchmark bench = AttentionBenchmark.builder().lengths(16, 32).d(8).heads(2).repeats(2).warmup(1).build();
    Table t =
        bench.run(
            List.of(SynthesizerMechanisms.random(), SynthesizerMechanisms.factorizedRandom(4), SynthesizerMechanisms.dense()));
    assertEquals(6, t.rowCount());
    for (int r = 0; r < t.rowCount(); r++) {
      assertTrue(t.doubleColumn(AttentionBenchmark.MEDIAN_MS).get(r) > 0, t.printAll());
    }
  }

  /**
   * The cached parameters (R, R₁, R₂, W₁, W₂) live as long as the mechanism; what a call computes from them must not.
   * Counts every array the engine still holds after repeated calls, each in its own manager that is then closed.
   */
  @Test
  void repeatedCallsLeaveNoArraysBehind() {
    try (ai.djl.ndarray.NDManager base = ai.djl.ndarray.NDManager.newBaseManager()) {
      ai.djl.ndarray.NDManager system = base.getParentManager();
      ai.djl.ndarray.NDArray q = base.randomNormal(new ai.djl.ndarray.types.Shape(1, 2, 24, 8));
      for (org.attentioncourse.bench.Mechanism mech :
          List.of(SynthesizerMechanisms.random(), SynthesizerMechanisms.factorizedRandom(4), SynthesizerMechanisms.dense())) {
        try (ai.djl.ndarray.NDManager call = base.newSubManager()) {
          q.tempAttach(call); // as the benchmark lends Q, K, V to each call
          mech.forward().run(call, q, q, q, false); // the first call makes and caches the parameters
        }
        int before = system.getManagedArrays().size();
        for (int i = 0; i < 5; i++) {
          try (ai.djl.ndarray.NDManager call = base.newSubManager()) {
            q.tempAttach(call);
            mech.forward().run(call, q, q, q, i % 2 == 0);
          }
        }
        assertEquals(before, system.getManagedArrays().size(), mech.name() + ": arrays piled up across calls");
      }
    }
  }

  @Test
  void theBaselineMainTakesAListOfMechanismsAndRejectsUnknownOnes(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        org.attentioncourse.bench.SoftmaxBaselineAccess.run(
            new String[] {"--lengths", "16,32", "--d", "8", "--repeats", "2", "--mechanisms", "softmax,random,dense",
              "--out", dir.resolve("t.csv").toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("random: time ratio") && text.contains("dense: time ratio"), text);
    ByteArrayOutputStream err2 = new ByteArrayOutputStream();
    int bad =
        org.attentioncourse.bench.SoftmaxBaselineAccess.run(
            new String[] {"--mechanisms", "softmax,magic"}, new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err2, true, StandardCharsets.UTF_8));
    assertEquals(2, bad);
    assertTrue(err2.toString(StandardCharsets.UTF_8).contains("unknown mechanism 'magic'"), err2.toString());
  }
}
