package org.attentioncourse.showdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.attentioncourse.bench.AttentionBenchmark;
import org.attentioncourse.data.Example;
import org.attentioncourse.data.Task;
import org.attentioncourse.display.Charts;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** Means, spreads, gap closed, "breaks on", length limits and the charts, on hand-made tables. */
class ShowdownSummaryTest {

  /** A runs table from (task, metric, floor, mechanism, seed, score, parameters, note) rows. */
  static Table runs(Object[]... rows) {
    Table t = Showdown.emptyTable();
    for (Object[] r : rows) {
      t.stringColumn(Showdown.TASK).append((String) r[0]);
      t.stringColumn(Showdown.KIND).append("kind");
      t.stringColumn(Showdown.METRIC).append((String) r[1]);
      t.doubleColumn(Showdown.FLOOR).append((double) r[2]);
      t.stringColumn(Showdown.MECHANISM).append((String) r[3]);
      t.longColumn(Showdown.SEED).append((long) (int) r[4]);
      t.doubleColumn(Showdown.SCORE).append((double) r[5]);
      t.longColumn(Showdown.PARAMETERS).append((long) (int) r[6]);
      t.intColumn(Showdown.STEPS).append(10);
      t.doubleColumn(Showdown.SECONDS).append(2.0);
      t.doubleColumn(Showdown.MS_PER_STEP).append(200.0);
      t.doubleColumn(Showdown.PEAK_MB).append(Double.NaN);
      t.stringColumn(Showdown.SETTINGS).append("s");
      t.stringColumn(Showdown.NOTE).append((String) r[7]);
    }
    return t;
  }

  static final String ACC = ShowdownTask.ACCURACY;
  static final String BPC = ShowdownTask.BITS_PER_CHARACTER;

  static Table example() {
    return runs(
        new Object[] {"reverse", ACC, 0.2, "softmax", 1, 0.9, 1000, ""},
        new Object[] {"reverse", ACC, 0.2, "softmax", 2, 1.0, 1000, ""},
        new Object[] {"reverse", ACC, 0.2, "softmax", 3, 0.8, 1000, ""},
        new Object[] {"reverse", ACC, 0.2, "random", 1, 0.4, 800, ""},
        new Object[] {"reverse", ACC, 0.2, "random", 2, Double.NaN, 800, "failed: loss NaN"},
        new Object[] {"text", BPC, 4.0, "softmax", 1, 3.0, 1100, ""},
        new Object[] {"text", BPC, 4.0, "softmax", 2, 3.2, 1100, ""},
        new Object[] {"text", BPC, 4.0, "random", 1, 3.9, 900, ""},
        new Object[] {"text", BPC, 4.0, "random", 2, 3.7, 900, ""});
  }

  @Test
  void meansSpreadsAndFailuresPerTaskAndMechanism() {
    Table s = ShowdownSummary.of(example());
    assertEquals(4, s.rowCount());
    assertEquals(List.of("softmax", "random", "softmax", "random"), s.stringColumn(Showdown.MECHANISM).asList());
    // reverse / softmax: 0.9, 1.0, 0.8 → mean 0.9, sample std 0.1
    assertEquals(0.9, s.doubleColumn(ShowdownSummary.MEAN).getDouble(0), 1e-12);
    assertEquals(0.1, s.doubleColumn(ShowdownSummary.SPREAD).getDouble(0), 1e-12);
    assertEquals(0.8, s.doubleColumn(ShowdownSummary.MIN).getDouble(0), 1e-12);
    assertEquals(1.0, s.doubleColumn(ShowdownSummary.MAX).getDouble(0), 1e-12);
    assertEquals(3, s.intColumn(ShowdownSummary.RUNS).getInt(0));
    // reverse / random: one finished run (spread undefined), one failed
    assertEquals(0.4, s.doubleColumn(ShowdownSummary.MEAN).getDouble(1), 1e-12);
    assertTrue(Double.isNaN(s.doubleColumn(ShowdownSummary.SPREAD).getDouble(1)));
    assertEquals(1, s.intColumn(ShowdownSummary.RUNS).getInt(1));
    assertEquals(1, s.intColumn(ShowdownSummary.FAILED).getInt(1));
    // text / random: 3.9, 3.7 → std √(0.02) = 0.1414…
    assertEquals(Math.sqrt(0.02), s.doubleColumn(ShowdownSummary.SPREAD).getDouble(3), 1e-12);
    assertEquals(800, s.longColumn(Showdown.PARAMETERS).getLong(1));
  }

  @Test
  void gapClosedIsMeasuredFromTheFloorToTheBestInBothDirections() {
    Table s = ShowdownSummary.of(example());
    // accuracy: floor 0.2, best 0.9 → softmax 1, random (0.4 − 0.2)/0.7
    assertEquals(1.0, s.doubleColumn(ShowdownSummary.GAP_CLOSED).getDouble(0), 1e-12);
    assertEquals(0.2 / 0.7, s.doubleColumn(ShowdownSummary.GAP_CLOSED).getDouble(1), 1e-12);
    // bits: floor 4.0, best (lowest) 3.1 → random (3.8 − 4.0)/(3.1 − 4.0) = 0.2/0.9
    assertEquals(1.0, s.doubleColumn(ShowdownSummary.GAP_CLOSED).getDouble(2), 1e-12);
    assertEquals(0.2 / 0.9, s.doubleColumn(ShowdownSummary.GAP_CLOSED).getDouble(3), 1e-12);
    assertEquals(0, ShowdownSummary.gapClosed(0.5, 0.5, 0.5), "nobody beat the floor: nothing closed");
    assertEquals(-1, ShowdownSummary.gapClosed(0.0, 0.5, 1.0), 1e-12, "worse than the floor is negative");
  }

  @Test
  void theWideTableSaysWhereEachMechanismBreaks() {
    Table w = ShowdownSummary.wide(ShowdownSummary.of(example()));
    assertEquals(List.of("softmax", "random"), w.stringColumn(Showdown.MECHANISM).asList());
    assertEquals("0.900 ± 0.100", w.stringColumn(1).get(0));
    assertEquals("0.400 (1 failed)", w.stringColumn(1).get(1));
    assertEquals("3.100 ± 0.141", w.stringColumn(2).get(0));
    assertEquals("—", w.stringColumn("breaks on").get(0));
    assertEquals("reverse, text", w.stringColumn("breaks on").get(1));
    // 2 s per finished run (the fixture's value), one row per task: 2 + 2
    assertEquals(4.0, w.doubleColumn("train seconds (sum over tasks)").getDouble(0), 1e-12);
    assertEquals(200.0, w.doubleColumn("ms per step (mean over tasks)").getDouble(1), 1e-12);
  }

  @Test
  void verdictsNameTheBestTheTiesAndTheBroken() {
    Table v = ShowdownSummary.verdicts(ShowdownSummary.of(runs(
        new Object[] {"reverse", ACC, 0.2, "a", 1, 0.90, 10, ""},
        new Object[] {"reverse", ACC, 0.2, "a", 2, 1.00, 10, ""},
        new Object[] {"reverse", ACC, 0.2, "b", 1, 0.87, 10, ""},
        new Object[] {"reverse", ACC, 0.2, "b", 2, 0.89, 10, ""},   // 0.88 ± 0.014: 0.07 from 0.95, within 0.071 + 0.014
        new Object[] {"reverse", ACC, 0.2, "c", 1, 0.30, 10, ""},
        new Object[] {"reverse", ACC, 0.2, "c", 2, 0.32, 10, ""},   // closes 0.11 / 0.75 of the gap: breaks
        new Object[] {"text", BPC, 4.0, "a", 1, 3.0, 10, ""},
        new Object[] {"text", BPC, 4.0, "b", 1, 3.5, 10, ""},
        new Object[] {"text", BPC, 4.0, "c", 1, Double.NaN, 10, "failed: NaN"})));
    assertEquals(List.of("reverse", "text"), v.stringColumn(Showdown.TASK).asList());
    assertEquals("a 0.950 ± 0.071", v.stringColumn("best").get(0));
    assertEquals("b", v.stringColumn(4).get(0));
    assertEquals("c", v.stringColumn(5).get(0));
    assertEquals("a 3.000", v.stringColumn("best").get(1));
    assertEquals("—", v.stringColumn(4).get(1), "one seed: no spread, so no ties");
    assertEquals("c", v.stringColumn(5).get(1), "a mechanism whose every run failed breaks");
  }

  @Test
  void lengthLimitsFindTheFirstLengthOverEitherBudget() {
    Table bench = AttentionBenchmark.emptyTable();
    Object[][] rows = {
      {"quadratic", 256, 1.0, 5.0, ""}, {"quadratic", 512, 4.0, 20.0, ""}, {"quadratic", 1024, 16.0, 80.0, ""},
      {"slow", 256, 30.0, 1.0, ""}, {"slow", 512, 60.0, 2.0, ""}, {"slow", 1024, 120.0, 4.0, ""},
      {"lean", 256, 0.1, 1.0, ""}, {"lean", 512, 0.2, 1.0, ""}, {"lean", 1024, Double.NaN, Double.NaN, "skipped: over 1 MB"},
      {"fine", 256, 1.0, 1.0, ""}, {"fine", 512, 2.0, 2.0, ""},
    };
    for (Object[] r : rows) {
      bench.stringColumn(AttentionBenchmark.MECHANISM).append((String) r[0]);
      bench.intColumn(AttentionBenchmark.LENGTH).append((int) r[1]);
      bench.intColumn(AttentionBenchmark.WIDTH).append(64);
      bench.intColumn(AttentionBenchmark.BATCH).append(1);
      bench.intColumn(AttentionBenchmark.HEADS).append(1);
      bench.doubleColumn(AttentionBenchmark.MEDIAN_MS).append((double) r[2]);
      bench.doubleColumn(AttentionBenchmark.MIN_MS).append((double) r[2]);
      bench.doubleColumn(AttentionBenchmark.PEAK_MB).append((double) r[3]);
      bench.doubleColumn(AttentionBenchmark.ANALYTIC_MB).append(Double.NaN);
      bench.stringColumn(AttentionBenchmark.NOTE).append((String) r[4]);
    }
    Table limits = ShowdownSummary.lengthLimits(bench, 50, 50);
    assertEquals(List.of("quadratic", "slow", "lean", "fine"), limits.stringColumn(Showdown.MECHANISM).asList());
    assertEquals(List.of(512, 256, 512, 512), limits.intColumn(1).asList());
    assertEquals(List.of(1024, 512, 1024, 0), limits.intColumn("breaks at T").asList());
    assertEquals(List.of("memory", "time", "memory", "—"), limits.stringColumn("broken by").asList());
    assertEquals(List.of(1024, 1024, 1024, 512), limits.intColumn("largest T tried").asList());
    assertThrows(IllegalArgumentException.class, () -> ShowdownSummary.lengthLimits(bench, 0, 10));
    var time = ShowdownSummary.benchmarkChart(bench, AttentionBenchmark.MEDIAN_MS, "time", "ms");
    assertEquals(4, time.getSeriesCollection().size());
    assertEquals(2, time.getSeries("lean").getXData().length, "the skipped row has no time to draw");
    assertTrue(Charts.png(time).length > 1000);
    assertThrows(IllegalArgumentException.class, () -> ShowdownSummary.benchmarkChart(bench, "no such", "t", "y"));
  }

  @Test
  void theChartsRenderHeadless() {
    Table s = ShowdownSummary.of(example());
    for (var chart : List.of(ShowdownSummary.scoreChart(s, "reverse"), ShowdownSummary.scoreChart(s, "text"),
        ShowdownSummary.gapChart(s, "gap closed"))) {
      assertTrue(Charts.png(chart).length > 1000);
    }
    assertThrows(IllegalArgumentException.class, () -> ShowdownSummary.scoreChart(s, "sort"));
    assertThrows(IllegalArgumentException.class, () -> ShowdownSummary.of(Table.create("not runs")));
  }

  /** A sequence task of T = 2 whose single answer position holds the given targets: a baseline computable by hand. */
  record Fixed() implements Task {
    public String name() { return "fixed"; }
    public Kind kind() { return Kind.SEQUENCE; }
    public int length() { return 2; }
    public int vocabSize() { return 10; }
    public int numClasses() { return 10; }
    public boolean positionOnly() { return true; }
    public Example generate(java.util.random.RandomGenerator rng) { throw new UnsupportedOperationException(); }
    public String tokenName(int id) { return Integer.toString(id); }
    public String describe() { return "fixed"; }
  }

  static Example answer(int target) {
    return new Example(new int[] {5, 6}, new int[] {Example.IGNORE, target}, -1, 2);
  }

  @Test
  void theBlindBaselineAnswersTheMostFrequentTargetOfTraining() {
    List<Example> train = List.of(answer(7), answer(7), answer(8));
    List<Example> test = List.of(answer(7), answer(8), answer(8), answer(9));
    assertEquals(0.25, Baselines.blindBaseline(new Fixed(), train, test), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> Baselines.blindBaseline(new Fixed(), List.of(), test));
  }
}
