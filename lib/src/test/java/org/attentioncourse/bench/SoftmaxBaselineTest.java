package org.attentioncourse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The command line: help, argument errors (exit status 2) and a tiny end-to-end run. */
class SoftmaxBaselineTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return SoftmaxBaseline.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpPrintsUsage() {
    assertEquals(0, run("--help"));
    assertTrue(out().contains("--lengths") && out().contains("--causal") && out().contains("--out"), out());
  }

  @Test
  void badArgumentsExitWithTwoAndSayWhy() {
    assertEquals(2, run("--lengths", "256,abc"));
    assertTrue(err().contains("'abc'"), err());
    err.reset();
    assertEquals(2, run("--frobnicate"));
    assertTrue(err().contains("'--frobnicate'"), err());
    err.reset();
    assertEquals(2, run("--d"));
    assertTrue(err().contains("--d needs a value"), err());
    err.reset();
    assertEquals(2, run("--lengths", "256,0"));
    assertTrue(err().contains("T = 0"), err());
    err.reset();
    assertEquals(2, run("--repeats=0"));
    assertTrue(err().contains("got 0"), err());
    assertEquals("", out());
  }

  @Test
  void tinyRunPrintsTheTableWritesTheCsvAndTheRatio(@TempDir Path dir) {
    Path csv = dir.resolve("out/baseline.csv");
    assertEquals(
        0,
        run("--lengths", "16,32", "--d", "8", "--repeats", "2", "--warmup", "1", "--causal", "--out", csv.toString()));
    assertTrue(out().contains("softmax attention baseline") && out().contains("time ratio T=32 / T=16"), out());
    Table t = AttentionBenchmark.readCsv(csv);
    assertEquals(2, t.rowCount());
    assertEquals(8, t.intColumn(AttentionBenchmark.WIDTH).getInt(0));
    assertTrue(t.stringColumn(AttentionBenchmark.NOTE).get(0).contains("causal"));
    assertTrue(Files.exists(csv));
  }
}
