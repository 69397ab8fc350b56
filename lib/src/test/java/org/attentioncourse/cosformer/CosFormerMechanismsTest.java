package org.attentioncourse.cosformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.attentioncourse.bench.AttentionBenchmark;
import org.attentioncourse.bench.Mechanism;
import org.attentioncourse.bench.SoftmaxBaselineAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class CosFormerMechanismsTest {

  @Test
  void theCosFormerFormsRunInTheBenchmarkHarness() {
    for (boolean causal : new boolean[] {false, true}) {
      AttentionBenchmark bench =
          AttentionBenchmark.builder().lengths(16, 40).d(8).heads(2).repeats(2).warmup(1).causal(causal).build();
      Table t =
          bench.run(
              List.of(CosFormerMechanisms.cosFormer(), CosFormerMechanisms.cosFormerCausal(),
                  CosFormerMechanisms.cosFormerCausalFullPrefixSums(), CosFormerMechanisms.quadratic(),
                  CosFormerMechanisms.reluLinear()));
      assertEquals(10, t.rowCount());
      for (int r = 0; r < t.rowCount(); r++) {
        assertTrue(t.doubleColumn(AttentionBenchmark.MEDIAN_MS).get(r) > 0, t.printAll());
        assertTrue(!t.stringColumn(AttentionBenchmark.NOTE).get(r).contains("NaN"), t.printAll());
      }
    }
  }

  @Test
  void analyticSizesAreTheFeaturesTheChunkOrTheFullPrefixSums() {
    int T = 8192;
    int d = 64;
    long features = (long) T * 2 * d * 4; // (T, 2d) float32: 4 MB
    assertEquals(features, CosFormerMechanisms.cosFormer().bytesOfLargestIntermediate(1, 1, T, d));
    assertEquals(features, CosFormerMechanisms.cosFormerCausal().bytesOfLargestIntermediate(1, 1, T, d));
    assertEquals((long) T * d * 4, CosFormerMechanisms.reluLinear().bytesOfLargestIntermediate(1, 1, T, d));
    assertEquals(256L << 20, CosFormerMechanisms.fullPrefixSumBytes(1, 1, T, d), "(8192, 128, 64) float32 = 256 MB");
    assertEquals(Mechanism.scoreMatrixBytes(1, 1, T, d), CosFormerMechanisms.quadratic().bytesOfLargestIntermediate(1, 1, T, d));
    // at tiny T the C × C block of the causal scan is the largest
    assertEquals(256L * 256 * 4, CosFormerMechanisms.cosFormerCausal().bytesOfLargestIntermediate(1, 1, 4, 8));
  }

  @Test
  void theBaselineMainRunsCosFormerAndReportsSkippedLengths(@TempDir Path dir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // softmax's score matrix: 1 KB at T = 16, 16 KB at T = 64; a budget of 0.01 MB lets only the first run
    int status =
        SoftmaxBaselineAccess.run(
            new String[] {"--lengths", "16,64", "--d", "8", "--repeats", "2", "--warmup", "1", "--mechanisms",
              "softmax,cosformer,relu-linear", "--max-intermediate-mb", "0.01", "--out", dir.resolve("t.csv").toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("skipped: largest intermediate 0.01563 MB > budget 0.01000 MB"), text);
    assertTrue(text.contains("softmax: time ratio T=64 / T=16: not measured"), text);
    assertTrue(text.contains("cosformer: time ratio T=64 / T=16: "), text);
    assertTrue(text.contains("relu-linear: time ratio"), text);
    Table t = AttentionBenchmark.readCsv(dir.resolve("t.csv"));
    assertEquals(6, t.rowCount());
    int skipped = 0;
    for (int r = 0; r < t.rowCount(); r++) {
      if (t.stringColumn(AttentionBenchmark.NOTE).get(r).startsWith("skipped")) {
        skipped++;
        assertEquals("softmax", t.stringColumn(AttentionBenchmark.MECHANISM).get(r));
        assertEquals(64, t.intColumn(AttentionBenchmark.LENGTH).getInt(r));
        assertTrue(Double.isNaN(t.doubleColumn(AttentionBenchmark.MEDIAN_MS).getDouble(r)));
      }
    }
    assertEquals(1, skipped, t.printAll());
    ByteArrayOutputStream err2 = new ByteArrayOutputStream();
    int bad =
        SoftmaxBaselineAccess.run(
            new String[] {"--max-intermediate-mb", "-1"}, new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err2, true, StandardCharsets.UTF_8));
    assertEquals(2, bad, err2.toString(StandardCharsets.UTF_8));
  }
}
