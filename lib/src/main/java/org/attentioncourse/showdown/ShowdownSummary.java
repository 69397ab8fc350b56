package org.attentioncourse.showdown;

import java.awt.Color;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.attentioncourse.bench.AttentionBenchmark;
import org.attentioncourse.display.Charts;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * The showdown's runs, summarised: mean and spread per (task, mechanism), how much of the distance from the floor
 * to the best mechanism each one covers, where each one breaks, and the charts of all that.
 *
 * <p><b>Gap closed.</b> Scores of different tasks are on different scales (accuracy, bits per character), so the
 * picture of "where each mechanism breaks" uses {@code g = (mean − floor) / (best − floor)} per task: 1 for the
 * best mechanism on that task, 0 for one no better than the floor (the blind baseline, or the unigram entropy),
 * below 0 for worse than the floor. The formula is the same for both directions of "better", because best and
 * mean lie on the same side of the floor. A mechanism <i>breaks</i> on a task when it closes less than half the
 * gap ({@link #BREAKS_BELOW}).
 */
public final class ShowdownSummary {

  /** Column names of the summary table. */
  public static final String RUNS = "runs";

  public static final String FAILED = "failed";
  public static final String MEAN = "mean";
  public static final String SPREAD = "spread";
  public static final String MIN = "min";
  public static final String MAX = "max";
  public static final String GAP_CLOSED = "gap closed";

  /** A mechanism breaks on a task where it closes less than this share of the gap between floor and best. */
  public static final double BREAKS_BELOW = 0.5;

  private ShowdownSummary() {}

  /**
   * One row per (task, mechanism) in the order they first appear in {@code runs}: the number of finished and of
   * failed runs; the mean, spread (sample standard deviation, NaN for a single run), min and max of the score over
   * the finished runs; the floor; the parameters (the largest count over the runs: they are equal unless a run
   * failed before it was built); the mean training seconds, ms per step and peak MB; the gap closed.
   *
   * @throws IllegalArgumentException when {@code runs} does not have the columns of {@link Showdown#emptyTable}
   */
  public static Table of(Table runs) {
    if (!runs.columnNames().equals(Showdown.COLUMNS)) {
      throw new IllegalArgumentException("not a showdown runs table: its columns are " + runs.columnNames());
    }
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int r = 0; r < runs.rowCount(); r++) {
      groups.computeIfAbsent(key(runs.stringColumn(Showdown.TASK).get(r), runs.stringColumn(Showdown.MECHANISM).get(r)),
          k -> new ArrayList<>()).add(r);
    }
    StringColumn task = StringColumn.create(Showdown.TASK);
    StringColumn kind = StringColumn.create(Showdown.KIND);
    StringColumn mechanism = StringColumn.create(Showdown.MECHANISM);
    StringColumn metric = StringColumn.create(Showdown.METRIC);
    IntColumn finished = IntColumn.create(RUNS);
    IntColumn failed = IntColumn.create(FAILED);
    DoubleColumn mean = DoubleColumn.create(MEAN);
    DoubleColumn spread = DoubleColumn.create(SPREAD);
    DoubleColumn min = DoubleColumn.create(MIN);
    DoubleColumn max = DoubleColumn.create(MAX);
    DoubleColumn floor = DoubleColumn.create(Showdown.FLOOR);
    LongColumn parameters = LongColumn.create(Showdown.PARAMETERS);
    DoubleColumn seconds = DoubleColumn.create(Showdown.SECONDS);
    DoubleColumn msPerStep = DoubleColumn.create(Showdown.MS_PER_STEP);
    DoubleColumn peakMb = DoubleColumn.create(Showdown.PEAK_MB);
    for (List<Integer> rows : groups.values()) {
      int first = rows.get(0);
      List<Double> scores = new ArrayList<>();
      List<Double> secs = new ArrayList<>();
      List<Double> ms = new ArrayList<>();
      List<Double> mb = new ArrayList<>();
      long params = 0;
      for (int r : rows) {
        params = Math.max(params, runs.longColumn(Showdown.PARAMETERS).getLong(r));
        if (!runs.stringColumn(Showdown.NOTE).get(r).isEmpty()) {
          continue;
        }
        scores.add(runs.doubleColumn(Showdown.SCORE).getDouble(r));
        secs.add(runs.doubleColumn(Showdown.SECONDS).getDouble(r));
        ms.add(runs.doubleColumn(Showdown.MS_PER_STEP).getDouble(r));
        double m = runs.doubleColumn(Showdown.PEAK_MB).getDouble(r);
        if (Double.isFinite(m)) {
          mb.add(m);
        }
      }
      task.append(runs.stringColumn(Showdown.TASK).get(first));
      kind.append(runs.stringColumn(Showdown.KIND).get(first));
      mechanism.append(runs.stringColumn(Showdown.MECHANISM).get(first));
      metric.append(runs.stringColumn(Showdown.METRIC).get(first));
      finished.append(scores.size());
      failed.append(rows.size() - scores.size());
      mean.append(mean(scores));
      spread.append(sampleStd(scores));
      min.append(scores.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN));
      max.append(scores.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
      floor.append(runs.doubleColumn(Showdown.FLOOR).getDouble(first));
      parameters.append(params);
      seconds.append(mean(secs));
      msPerStep.append(mean(ms));
      peakMb.append(mean(mb));
    }
    Table t = Table.create("showdown summary", task, kind, mechanism, metric, finished, failed, mean, spread, min, max,
        floor, parameters, seconds, msPerStep, peakMb);
    t.addColumns(gapClosedColumn(t));
    format(t);
    return t;
  }

  /** The mean of the values; NaN for none. */
  static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** The sample standard deviation √(Σ(x − x̄)² / (n − 1)); NaN for fewer than two values. */
  static double sampleStd(List<Double> values) {
    if (values.size() < 2) {
      return Double.NaN;
    }
    double m = mean(values);
    double s = 0;
    for (double v : values) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / (values.size() - 1));
  }

  /**
   * The share of the gap between the floor and the best mean that a mean closes: (mean − floor) / (best − floor);
   * 0 when no mechanism beat the floor (best = floor), NaN for a NaN mean.
   */
  public static double gapClosed(double mean, double floor, double best) {
    if (Double.isNaN(mean)) {
      return Double.NaN;
    }
    double gap = best - floor;
    if (Math.abs(gap) < 1e-12) {
      return 0;
    }
    return (mean - floor) / gap;
  }

  private static DoubleColumn gapClosedColumn(Table summary) {
    Map<String, Double> best = new LinkedHashMap<>();
    for (int r = 0; r < summary.rowCount(); r++) {
      double m = summary.doubleColumn(MEAN).getDouble(r);
      if (Double.isNaN(m)) {
        continue;
      }
      boolean higher = !summary.stringColumn(Showdown.METRIC).get(r).equals(ShowdownTask.BITS_PER_CHARACTER);
      best.merge(summary.stringColumn(Showdown.TASK).get(r), m, (a, b) -> higher ? Math.max(a, b) : Math.min(a, b));
    }
    DoubleColumn g = DoubleColumn.create(GAP_CLOSED);
    for (int r = 0; r < summary.rowCount(); r++) {
      String task = summary.stringColumn(Showdown.TASK).get(r);
      g.append(gapClosed(summary.doubleColumn(MEAN).getDouble(r), summary.doubleColumn(Showdown.FLOOR).getDouble(r),
          best.getOrDefault(task, Double.NaN)));
    }
    return g;
  }

  private static void format(Table t) {
    DecimalFormatSymbols root = DecimalFormatSymbols.getInstance(Locale.ROOT);
    for (String c : List.of(MEAN, SPREAD, MIN, MAX, Showdown.FLOOR, GAP_CLOSED)) {
      t.doubleColumn(c).setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.000", root), ""));
    }
    for (String c : List.of(Showdown.SECONDS, Showdown.MS_PER_STEP, Showdown.PEAK_MB)) {
      t.doubleColumn(c).setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.0", root), ""));
    }
  }

  /**
   * The headline table: one row per mechanism, one column per task with "mean ± spread" of its score, then the
   * parameters (of the first task), the training time (the mean seconds of a run, summed over the tasks), the mean
   * time per step over all tasks, the largest peak memory of any task, and the tasks on which it breaks.
   */
  public static Table wide(Table summary) {
    Set<String> tasks = new LinkedHashSet<>(summary.stringColumn(Showdown.TASK).asList());
    Set<String> mechanisms = new LinkedHashSet<>(summary.stringColumn(Showdown.MECHANISM).asList());
    StringColumn mech = StringColumn.create(Showdown.MECHANISM);
    List<StringColumn> perTask = new ArrayList<>();
    for (String task : tasks) {
      perTask.add(StringColumn.create(task + " (" + metricOf(summary, task) + ")"));
    }
    LongColumn params = LongColumn.create(Showdown.PARAMETERS + " (" + tasks.iterator().next() + ")");
    DoubleColumn trainSeconds = DoubleColumn.create("train seconds (sum over tasks)");
    DoubleColumn ms = DoubleColumn.create("ms per step (mean over tasks)");
    DoubleColumn mb = DoubleColumn.create("peak MB (largest task)");
    StringColumn breaks = StringColumn.create("breaks on");
    for (String m : mechanisms) {
      mech.append(m);
      double msSum = 0;
      int msCount = 0;
      double secondsSum = 0;
      double mbMax = Double.NaN;
      long p = 0;
      List<String> broken = new ArrayList<>();
      int i = 0;
      for (String task : tasks) {
        int r = rowOf(summary, task, m);
        StringColumn col = perTask.get(i++);
        if (r < 0) {
          col.append("");
          continue;
        }
        double mean = summary.doubleColumn(MEAN).getDouble(r);
        double spread = summary.doubleColumn(SPREAD).getDouble(r);
        int failed = summary.intColumn(FAILED).getInt(r);
        String cell = Double.isNaN(mean) ? "failed"
            : Double.isNaN(spread) ? String.format(Locale.ROOT, "%.3f", mean)
            : String.format(Locale.ROOT, "%.3f ± %.3f", mean, spread);
        col.append(failed > 0 && !Double.isNaN(mean) ? cell + " (" + failed + " failed)" : cell);
        if (p == 0) {
          p = summary.longColumn(Showdown.PARAMETERS).getLong(r);
        }
        double s = summary.doubleColumn(Showdown.MS_PER_STEP).getDouble(r);
        if (Double.isFinite(s)) {
          msSum += s;
          msCount++;
          secondsSum += summary.doubleColumn(Showdown.SECONDS).getDouble(r);
        }
        double b = summary.doubleColumn(Showdown.PEAK_MB).getDouble(r);
        if (Double.isFinite(b)) {
          mbMax = Double.isNaN(mbMax) ? b : Math.max(mbMax, b);
        }
        double g = summary.doubleColumn(GAP_CLOSED).getDouble(r);
        if (Double.isNaN(g) || g < BREAKS_BELOW) {
          broken.add(task);
        }
      }
      params.append(p);
      trainSeconds.append(msCount == 0 ? Double.NaN : secondsSum);
      ms.append(msCount == 0 ? Double.NaN : msSum / msCount);
      mb.append(mbMax);
      breaks.append(broken.isEmpty() ? "—" : String.join(", ", broken));
    }
    Table t = Table.create("showdown: mean ± spread over seeds", mech);
    perTask.forEach(t::addColumns);
    t.addColumns(params, trainSeconds, ms, mb, breaks);
    DecimalFormatSymbols root = DecimalFormatSymbols.getInstance(Locale.ROOT);
    trainSeconds.setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.0", root), ""));
    ms.setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.0", root), ""));
    mb.setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0", root), ""));
    return t;
  }

  /**
   * One row per task: its metric and floor, the best mechanism with its mean ± spread, the mechanisms that cannot
   * be told apart from the best at this budget, and those that break (close less than {@link #BREAKS_BELOW} of the
   * gap). "Cannot be told apart" is a rough rule, not a significance test: the two means differ by no more than
   * the sum of their spreads (with a single seed there is no spread, and only an exact tie counts).
   */
  public static Table verdicts(Table summary) {
    StringColumn task = StringColumn.create(Showdown.TASK);
    StringColumn metric = StringColumn.create(Showdown.METRIC);
    DoubleColumn floor = DoubleColumn.create(Showdown.FLOOR);
    StringColumn best = StringColumn.create("best");
    StringColumn tied = StringColumn.create("within the spread of the best");
    StringColumn broken = StringColumn.create("breaks (closes < half the gap)");
    for (String t : new LinkedHashSet<>(summary.stringColumn(Showdown.TASK).asList())) {
      int b = -1;
      for (int r = 0; r < summary.rowCount(); r++) {
        if (summary.stringColumn(Showdown.TASK).get(r).equals(t)
            && summary.doubleColumn(GAP_CLOSED).getDouble(r) == 1.0
            && !Double.isNaN(summary.doubleColumn(MEAN).getDouble(r))) {
          b = r;
          break;
        }
      }
      List<String> ties = new ArrayList<>();
      List<String> breaks = new ArrayList<>();
      for (int r = 0; r < summary.rowCount(); r++) {
        if (!summary.stringColumn(Showdown.TASK).get(r).equals(t) || r == b) {
          continue;
        }
        String m = summary.stringColumn(Showdown.MECHANISM).get(r);
        double g = summary.doubleColumn(GAP_CLOSED).getDouble(r);
        if (Double.isNaN(g) || g < BREAKS_BELOW) {
          breaks.add(m);
        }
        if (b >= 0 && !Double.isNaN(g)) {
          double d = Math.abs(summary.doubleColumn(MEAN).getDouble(r) - summary.doubleColumn(MEAN).getDouble(b));
          if (d <= orZero(summary.doubleColumn(SPREAD).getDouble(r)) + orZero(summary.doubleColumn(SPREAD).getDouble(b))) {
            ties.add(m);
          }
        }
      }
      int any = b >= 0 ? b : summary.stringColumn(Showdown.TASK).indexOf(t);
      task.append(t);
      metric.append(summary.stringColumn(Showdown.METRIC).get(any));
      floor.append(summary.doubleColumn(Showdown.FLOOR).getDouble(any));
      best.append(b < 0 ? "(every run failed)" : String.format(Locale.ROOT, "%s %.3f%s",
          summary.stringColumn(Showdown.MECHANISM).get(b), summary.doubleColumn(MEAN).getDouble(b),
          Double.isNaN(summary.doubleColumn(SPREAD).getDouble(b)) ? ""
              : String.format(Locale.ROOT, " ± %.3f", summary.doubleColumn(SPREAD).getDouble(b))));
      tied.append(ties.isEmpty() ? "—" : String.join(", ", ties));
      broken.append(breaks.isEmpty() ? "—" : String.join(", ", breaks));
    }
    floor.setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.000", DecimalFormatSymbols.getInstance(Locale.ROOT)), ""));
    return Table.create("showdown: who wins, who cannot be told apart, who breaks", task, metric, floor, best, tied, broken);
  }

  private static double orZero(double x) {
    return Double.isNaN(x) ? 0 : x;
  }

  private static String metricOf(Table summary, String task) {
    for (int r = 0; r < summary.rowCount(); r++) {
      if (summary.stringColumn(Showdown.TASK).get(r).equals(task)) {
        return summary.stringColumn(Showdown.METRIC).get(r);
      }
    }
    throw new IllegalArgumentException("no task '" + task + "' in the summary");
  }

  private static int rowOf(Table summary, String task, String mechanism) {
    for (int r = 0; r < summary.rowCount(); r++) {
      if (summary.stringColumn(Showdown.TASK).get(r).equals(task)
          && summary.stringColumn(Showdown.MECHANISM).get(r).equals(mechanism)) {
        return r;
      }
    }
    return -1;
  }

  private static String key(String task, String mechanism) {
    return task + "\u0000" + mechanism;
  }

  /**
   * Where each mechanism breaks, as a heat map: one row per mechanism, one column per task, the colour and the
   * number in each cell the gap closed (clipped to [0, 1] for the colour: 0 = no better than the floor, 1 = the
   * best mechanism on that task). Failed cells show 0.
   */
  public static HeatMapChart gapChart(Table summary, String title) {
    List<String> tasks = new ArrayList<>(new LinkedHashSet<>(summary.stringColumn(Showdown.TASK).asList()));
    List<String> mechanisms = new ArrayList<>(new LinkedHashSet<>(summary.stringColumn(Showdown.MECHANISM).asList()));
    double[][] values = new double[mechanisms.size()][tasks.size()];
    for (int i = 0; i < mechanisms.size(); i++) {
      for (int j = 0; j < tasks.size(); j++) {
        int r = rowOf(summary, tasks.get(j), mechanisms.get(i));
        double g = r < 0 ? Double.NaN : summary.doubleColumn(GAP_CLOSED).getDouble(r);
        values[i][j] = Double.isNaN(g) ? 0 : Math.max(0, Math.min(1, g));
      }
    }
    HeatMapChart c = Charts.heatmap(title, "task", "mechanism", values, tasks, mechanisms, 0, 1,
        Math.max(Charts.WIDTH, 260 + 110 * tasks.size()), Math.max(Charts.HEIGHT, 140 + 34 * mechanisms.size()));
    c.getStyler().setShowValue(true);
    c.getStyler().setHeatMapValueDecimalPattern("0.00");
    // a light scale, so the number printed in every cell stays readable on its colour
    c.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(0xc6, 0xdb, 0xef), new Color(0x6b, 0xae, 0xd6)});
    c.getStyler().setValueFontColor(Color.BLACK);
    return c;
  }

  /**
   * Score against parameters on one task: one point per mechanism at its mean, with an error bar of one spread
   * (none for a single seed), and the task's floor as a dashed line.
   */
  public static XYChart scoreChart(Table summary, String task) {
    Table rows = summary.where(summary.stringColumn(Showdown.TASK).isEqualTo(task));
    if (rows.rowCount() == 0) {
      throw new IllegalArgumentException(
          "no task '" + task + "' in the summary; it has " + new LinkedHashSet<>(summary.stringColumn(Showdown.TASK).asList()));
    }
    String metric = rows.stringColumn(Showdown.METRIC).get(0);
    XYChart c = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT + 40)
        .title(task + ": " + metric + " against parameters")
        .xAxisTitle("parameters (thousands)")
        .yAxisTitle(metric + (metric.equals(ShowdownTask.BITS_PER_CHARACTER) ? " (lower is better)" : "")).build();
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setMarkerSize(9);
    c.getStyler().setXAxisDecimalPattern("0.#");
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int r = 0; r < rows.rowCount(); r++) {
      double mean = rows.doubleColumn(MEAN).getDouble(r);
      if (Double.isNaN(mean)) {
        continue; // every run failed: nothing to plot (the tables say so)
      }
      double spread = rows.doubleColumn(SPREAD).getDouble(r);
      double x = rows.longColumn(Showdown.PARAMETERS).getLong(r) / 1000.0;
      c.addSeries(rows.stringColumn(Showdown.MECHANISM).get(r), new double[] {x}, new double[] {mean},
          new double[] {Double.isNaN(spread) ? 0 : spread});
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    if (lo <= hi) {
      double pad = Math.max(1, (hi - lo) * 0.05);
      double floor = rows.doubleColumn(Showdown.FLOOR).getDouble(0);
      XYSeries f = c.addSeries("floor", new double[] {lo - pad, hi + pad}, new double[] {floor, floor});
      f.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      f.setMarker(SeriesMarkers.NONE);
      f.setLineColor(Color.GRAY);
      f.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
    }
    return c;
  }

  /** Ten colours that stay apart from each other (the "tab10" palette), for one line per mechanism. */
  private static final Color[] PALETTE = {
    new Color(0x1f, 0x77, 0xb4), new Color(0xff, 0x7f, 0x0e), new Color(0x2c, 0xa0, 0x2c), new Color(0xd6, 0x27, 0x28),
    new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b), new Color(0xe3, 0x77, 0xc2), new Color(0x7f, 0x7f, 0x7f),
    new Color(0xbc, 0xbd, 0x22), new Color(0x17, 0xbe, 0xcf)
  };

  /**
   * One column of a benchmark table ({@link AttentionBenchmark#MEDIAN_MS} or {@link AttentionBenchmark#PEAK_MB})
   * against T on log-log axes, one line per mechanism, with the legend beside the plot so that ten mechanisms fit.
   * Rows the benchmark skipped (no value) are left out.
   */
  public static XYChart benchmarkChart(Table bench, String column, String title, String yTitle) {
    if (!bench.columnNames().contains(column)) {
      throw new IllegalArgumentException("the benchmark table has no column '" + column + "': " + bench.columnNames());
    }
    XYChart c = new XYChartBuilder().width(960).height(480).title(title).xAxisTitle("sequence length T")
        .yAxisTitle(yTitle).build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setXAxisLogarithmicDecadeOnly(false); // a label at every length, not only at 1000
    c.getStyler().setXAxisDecimalPattern("0");
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setYAxisLogarithmicDecadeOnly(false);
    c.getStyler().setYAxisDecimalPattern("0.##");
    int i = 0;
    for (String m : new LinkedHashSet<>(bench.stringColumn(AttentionBenchmark.MECHANISM).asList())) {
      Table rows = bench.where(bench.stringColumn(AttentionBenchmark.MECHANISM).isEqualTo(m))
          .sortAscendingOn(AttentionBenchmark.LENGTH);
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int r = 0; r < rows.rowCount(); r++) {
        double v = rows.doubleColumn(column).getDouble(r);
        // skipped rows have no value (NaN), and a log axis cannot show 0 (a rise of memory too small to see)
        if (v > 0) {
          x.add((double) rows.intColumn(AttentionBenchmark.LENGTH).getInt(r));
          y.add(v);
        }
      }
      if (x.isEmpty()) {
        continue;
      }
      XYSeries s = c.addSeries(m, x, y);
      Color colour = PALETTE[i++ % PALETTE.length];
      s.setLineColor(colour);
      s.setMarkerColor(colour);
    }
    return c;
  }

  /**
   * How long a sequence each mechanism of a benchmark table handles within a budget for one forward pass: the
   * longest measured T whose median time is at most {@code maxMs} and whose peak memory is at most {@code maxMb},
   * and the first T that is over (a row the benchmark skipped for its memory budget counts as over on memory).
   * Columns: mechanism, longest T within the budget (0: none), the T where it breaks (0: not within the lengths
   * measured), what broke it ("time", "memory", "time and memory" or "—"), and the largest T measured.
   */
  public static Table lengthLimits(Table bench, double maxMs, double maxMb) {
    if (!(maxMs > 0) || !(maxMb > 0)) {
      throw new IllegalArgumentException("budgets must be positive, got " + maxMs + " ms and " + maxMb + " MB");
    }
    StringColumn mech = StringColumn.create(Showdown.MECHANISM);
    IntColumn within = IntColumn.create(String.format(Locale.ROOT, "longest T within %.0f ms and %.0f MB", maxMs, maxMb));
    IntColumn breaksAt = IntColumn.create("breaks at T");
    StringColumn by = StringColumn.create("broken by");
    IntColumn longest = IntColumn.create("largest T tried");
    for (String m : new LinkedHashSet<>(bench.stringColumn(AttentionBenchmark.MECHANISM).asList())) {
      Table rows = bench.where(bench.stringColumn(AttentionBenchmark.MECHANISM).isEqualTo(m)).sortAscendingOn(AttentionBenchmark.LENGTH);
      int ok = 0;
      int broken = 0;
      String why = "—";
      for (int r = 0; r < rows.rowCount(); r++) {
        int T = rows.intColumn(AttentionBenchmark.LENGTH).getInt(r);
        double ms = rows.doubleColumn(AttentionBenchmark.MEDIAN_MS).getDouble(r);
        double mb = rows.doubleColumn(AttentionBenchmark.PEAK_MB).getDouble(r);
        String note = rows.stringColumn(AttentionBenchmark.NOTE).get(r);
        boolean skipped = note != null && note.startsWith("skipped");
        boolean overTime = !skipped && ms > maxMs;
        boolean overMemory = skipped || mb > maxMb;
        if (overTime || overMemory) {
          broken = T;
          why = overTime && overMemory ? "time and memory" : overTime ? "time" : "memory";
          break;
        }
        ok = T;
      }
      mech.append(m);
      within.append(ok);
      breaksAt.append(broken);
      by.append(why);
      longest.append((int) rows.intColumn(AttentionBenchmark.LENGTH).max());
    }
    return Table.create(String.format(Locale.ROOT, "where each mechanism breaks: one forward pass within %.0f ms and %.0f MB",
        maxMs, maxMb), mech, within, breaksAt, by, longest);
  }
}
