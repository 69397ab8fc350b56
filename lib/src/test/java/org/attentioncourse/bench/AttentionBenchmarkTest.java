package org.attentioncourse.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.attentioncourse.display.Charts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The harness on tiny sizes. Nothing here asserts a speed: timings on a shared machine are noise, so the tests
 * check structure (rows, columns, units, errors) and leave the numbers to the benchmark's readers.
 */
class AttentionBenchmarkTest {

  private static Table tiny;

  /** One small run shared by the tests that only read its table: T = 16, 32, two timed repeats. */
  @BeforeAll
  static void runTiny() {
    tiny = AttentionBenchmark.builder().lengths(16, 32).warmup(1).repeats(2).build().run(Mechanism.softmax());
  }

  @Test
  void oneRowPerLengthWithPositiveTimesAndTheScoreMatrixSize() {
    assertEquals(2, tiny.rowCount());
    assertEquals(
        List.of("mechanism", "T", "d", "batch", "heads", "median ms", "min ms", "peak MB",
            "score-matrix MB (analytic)", "note"),
        tiny.columnNames());
    assertEquals(List.of(16, 32), tiny.intColumn(AttentionBenchmark.LENGTH).asList());
    for (int r = 0; r < 2; r++) {
      int T = tiny.intColumn(AttentionBenchmark.LENGTH).getInt(r);
      assertEquals("softmax", tiny.stringColumn(AttentionBenchmark.MECHANISM).get(r));
      assertEquals(64, tiny.intColumn(AttentionBenchmark.WIDTH).getInt(r));
      assertEquals(1, tiny.intColumn(AttentionBenchmark.BATCH).getInt(r));
      assertEquals(1, tiny.intColumn(AttentionBenchmark.HEADS).getInt(r));
      double median = tiny.doubleColumn(AttentionBenchmark.MEDIAN_MS).getDouble(r);
      double min = tiny.doubleColumn(AttentionBenchmark.MIN_MS).getDouble(r);
      assertTrue(min > 0 && min <= median, "min " + min + ", median " + median);
      // B·H·T·T float32 scores, in MB of 2^20 bytes
      assertEquals(T * T * 4 / (1024.0 * 1024.0), tiny.doubleColumn(AttentionBenchmark.ANALYTIC_MB).getDouble(r));
      double peak = tiny.doubleColumn(AttentionBenchmark.PEAK_MB).getDouble(r);
      String note = tiny.stringColumn(AttentionBenchmark.NOTE).get(r);
      if (Files.isReadable(Path.of("/proc/self/status"))) {
        assertTrue(peak >= 0, "peak " + peak + " MB, note '" + note + "'");
      } else {
        assertTrue(Double.isNaN(peak) && note.contains("/proc"), note);
      }
      assertFalse(note.contains("NaN"), note);
    }
  }

  @Test
  void analyticSizeFollowsTheShape() {
    assertEquals(2L * 4 * 1024 * 1024 * 4, Mechanism.softmax().bytesOfLargestIntermediate(2, 4, 1024, 64));
    assertEquals(-1, Mechanism.of("x", (m, q, k, v, c) -> v).bytesOfLargestIntermediate(1, 1, 16, 64));
  }

  @Test
  void batchHeadsAndCausalReachTheForwardAndTheTable() {
    int[] seen = new int[4];
    Mechanism probe =
        Mechanism.of(
            "probe",
            (m, q, k, v, causal) -> {
              long[] s = q.getShape().getShape();
              seen[0] = (int) s[0];
              seen[1] = (int) s[1];
              seen[2] = (int) s[3];
              seen[3] = causal ? 1 : 0;
              return v.mul(2);
            });
    Table t =
        AttentionBenchmark.builder()
            .lengths(8)
            .d(4)
            .batch(2)
            .heads(3)
            .causal(true)
            .warmup(0)
            .repeats(1)
            .build()
            .run(probe, Mechanism.softmax());
    assertArrayEquals(new int[] {2, 3, 4, 1}, seen);
    assertEquals(List.of("probe", "softmax"), t.stringColumn(AttentionBenchmark.MECHANISM).asList());
    assertTrue(Double.isNaN(t.doubleColumn(AttentionBenchmark.ANALYTIC_MB).getDouble(0)), "undeclared size is NaN");
    assertEquals(2 * 3 * 8 * 8 * 4 / (1024.0 * 1024.0), t.doubleColumn(AttentionBenchmark.ANALYTIC_MB).getDouble(1));
    assertTrue(t.stringColumn(AttentionBenchmark.NOTE).get(1).contains("causal"));
  }

  @Test
  void aForwardWithTheWrongOutputShapeIsNamed() {
    AttentionBenchmark b = AttentionBenchmark.builder().lengths(8).d(4).warmup(0).repeats(1).build();
    Mechanism broken = Mechanism.of("broken", (m, q, k, v, c) -> v.sum(new int[] {2}));
    var e = assertThrows(IllegalStateException.class, () -> b.run(broken));
    assertTrue(e.getMessage().contains("'broken'") && e.getMessage().contains("(1, 1, 4)"), e.getMessage());
  }

  @Test
  void csvRoundTrips(@TempDir Path dir) throws Exception {
    Path f = AttentionBenchmark.writeCsv(tiny, dir.resolve("sub/bench.csv"));
    assertTrue(Files.readString(f).startsWith("mechanism,T,d,batch,heads,median ms,"), Files.readString(f));
    Table back = AttentionBenchmark.readCsv(f);
    assertEquals(tiny.columnNames(), back.columnNames());
    assertEquals(tiny.rowCount(), back.rowCount());
    for (Column<?> c : tiny.columns()) {
      Column<?> b = back.column(c.name());
      assertEquals(c.type(), b.type(), c.name());
      for (int r = 0; r < c.size(); r++) {
        assertEquals(c.get(r), b.get(r), c.name() + " row " + r);
      }
    }
    try (var files = Files.list(f.getParent())) {
      assertEquals(1, files.count(), "no temporary files left");
    }
  }

  @Test
  void csvKeepsNaNAsMissing(@TempDir Path dir) {
    Table t = AttentionBenchmark.emptyTable();
    addRow(t, "x", 16, 1.5, Double.NaN, "peak memory not measured");
    Table back = AttentionBenchmark.readCsv(AttentionBenchmark.writeCsv(t, dir.resolve("nan.csv")));
    assertTrue(Double.isNaN(back.doubleColumn(AttentionBenchmark.PEAK_MB).getDouble(0)));
    assertEquals("peak memory not measured", back.stringColumn(AttentionBenchmark.NOTE).get(0));
  }

  @Test
  void readingAnotherCsvNamesTheHeader(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("other.csv");
    Files.writeString(f, "a,b\n1,2\n");
    var e = assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.readCsv(f));
    assertTrue(e.getMessage().contains("[a, b]") && e.getMessage().contains("other.csv"), e.getMessage());
  }

  @Test
  void badConfigurationNamesTheValue() {
    var empty = assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.builder().lengths());
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    var none = assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.builder().build());
    assertTrue(none.getMessage().contains("no sequence lengths"), none.getMessage());
    var zeroT = assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.builder().lengths(16, 0));
    assertTrue(zeroT.getMessage().contains("T = 0"), zeroT.getMessage());
    var negT = assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.builder().lengths(-3));
    assertTrue(negT.getMessage().contains("T = -3"), negT.getMessage());
    var d = assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.builder().d(0));
    assertTrue(d.getMessage().contains("width d") && d.getMessage().contains("got 0"), d.getMessage());
    var reps = assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.builder().repeats(0));
    assertTrue(reps.getMessage().contains("repeats") && reps.getMessage().contains("got 0"), reps.getMessage());
    var big =
        assertThrows(
            IllegalArgumentException.class,
            () -> AttentionBenchmark.builder().lengths(1 << 20).d(4096).build());
    assertTrue(big.getMessage().contains("1048576"), big.getMessage());
    AttentionBenchmark ok = AttentionBenchmark.builder().lengths(16).build();
    var dup =
        assertThrows(IllegalArgumentException.class, () -> ok.run(Mechanism.softmax(), Mechanism.softmax()));
    assertTrue(dup.getMessage().contains("'softmax'"), dup.getMessage());
  }

  @Test
  void ratioDividesMedianTimesAndNamesWhatIsMissing() {
    Table t = AttentionBenchmark.emptyTable();
    addRow(t, "softmax", 1024, 2.0, 4.0, "");
    addRow(t, "softmax", 8192, 130.0, 256.0, "");
    addRow(t, "linear", 1024, 1.0, Double.NaN, "");
    assertEquals(65.0, AttentionBenchmark.ratio(t, "softmax", 1024, 8192), 1e-12);
    assertEquals(1.0 / 65.0, AttentionBenchmark.ratio(t, "softmax", 8192, 1024), 1e-12);
    var missingT =
        assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.ratio(t, "linear", 1024, 8192));
    assertTrue(
        missingT.getMessage().contains("'linear'") && missingT.getMessage().contains("T = 8192")
            && missingT.getMessage().contains("[1024]"),
        missingT.getMessage());
    var missingMech =
        assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.ratio(t, "flash", 1024, 8192));
    String m = missingMech.getMessage();
    assertTrue(m.contains("'flash'") && m.contains("linear"), m);
    addRow(t, "softmax", 1024, 3.0, 4.0, "");
    var twice = assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.ratio(t, "softmax", 1024, 8192));
    assertTrue(twice.getMessage().contains("several rows"), twice.getMessage());
  }

  @Test
  void chartsHaveOneSeriesPerMechanismAndSkipMissingMemory() {
    Table t = AttentionBenchmark.emptyTable();
    addRow(t, "softmax", 256, 1.0, 0.75, "");
    addRow(t, "softmax", 512, 3.0, 3.0, "");
    addRow(t, "linear", 256, 0.5, Double.NaN, "");
    addRow(t, "linear", 512, 1.0, Double.NaN, "");
    XYChart time = AttentionBenchmark.timeChart(t);
    assertEquals(
        List.of("softmax", "linear"), time.getSeriesCollection().stream().map(s -> s.getName()).toList());
    assertTrue(time.getStyler().isXAxisLogarithmic() && time.getStyler().isYAxisLogarithmic());
    XYChart memory = AttentionBenchmark.memoryChart(t);
    // linear has neither a measured peak nor a declared size, so it has no memory series
    assertEquals(
        List.of("softmax (measured peak)", "softmax (analytic)"),
        memory.getSeriesCollection().stream().map(s -> s.getName()).toList());
    assertTrue(Charts.png(time).length > 0 && Charts.png(memory).length > 0);
    Table nothing = AttentionBenchmark.emptyTable();
    addRow(nothing, "linear", 256, 0.5, Double.NaN, "");
    var e = assertThrows(IllegalArgumentException.class, () -> AttentionBenchmark.memoryChart(nothing));
    assertTrue(e.getMessage().contains("nothing to plot"), e.getMessage());
  }

  /** A row with the given time; the peak is the analytic size times 3 when it is known. */
  private static void addRow(Table t, String mech, int T, double medianMs, double analyticMb, String note) {
    t.stringColumn(AttentionBenchmark.MECHANISM).append(mech);
    t.intColumn(AttentionBenchmark.LENGTH).append(T);
    t.intColumn(AttentionBenchmark.WIDTH).append(64);
    t.intColumn(AttentionBenchmark.BATCH).append(1);
    t.intColumn(AttentionBenchmark.HEADS).append(1);
    t.doubleColumn(AttentionBenchmark.MEDIAN_MS).append(medianMs);
    t.doubleColumn(AttentionBenchmark.MIN_MS).append(medianMs * 0.9);
    t.doubleColumn(AttentionBenchmark.PEAK_MB).append(analyticMb * 3);
    t.doubleColumn(AttentionBenchmark.ANALYTIC_MB).append(analyticMb);
    t.stringColumn(AttentionBenchmark.NOTE).append(note);
  }
}
