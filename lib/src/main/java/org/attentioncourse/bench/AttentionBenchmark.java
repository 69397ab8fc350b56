package org.attentioncourse.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.attentioncourse.display.Charts;
import org.attentioncourse.io.AtomicFiles;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;
import tech.tablesaw.io.csv.CsvReadOptions;
import tech.tablesaw.io.csv.CsvReader;
import tech.tablesaw.io.csv.CsvWriteOptions;
import tech.tablesaw.io.csv.CsvWriter;

/**
 * Time and peak memory of one forward pass of attention mechanisms at several sequence lengths T, as one
 * Tablesaw table that later notebooks extend, save, reload and plot.
 *
 * <pre>{@code
 * AttentionBenchmark bench = AttentionBenchmark.builder().lengths(256, 512, 1024, 2048, 4096).build();
 * Table t = bench.run(Mechanism.softmax(), Mechanism.of("linear", myLinearForward));
 * AttentionBenchmark.writeCsv(t, Path.of("target/bench/compare.csv"));
 * Show.chart(AttentionBenchmark.timeChart(t));
 * double growth = AttentionBenchmark.ratio(t, "softmax", 1024, 4096); // about 16 if the cost is O(T²)
 * }</pre>
 *
 * <p>For each mechanism and each T, Q, K and V of shape (B, H, T, d) are drawn from a normal distribution with a
 * {@link Random} seeded by (seed, T), so a T gets the same inputs whatever other lengths are run. They live in a
 * sub-manager closed after that T; every call of the forward pass gets its own manager, closed after the call,
 * so intermediates never accumulate across repeats. The call sequence per T is: {@code warmup} untimed calls
 * (the first call pays for lazy initialisation and cold caches), one call whose peak resident memory is measured,
 * then {@code repeats} timed calls. Each timed call ends by copying the sum of the output to Java, so the time
 * covers finished work and not just a queued one.
 *
 * <p>Memory: the "peak MB" column is the rise of the process's resident set (RSS) during one call, read from
 * Linux's /proc (VmHWM after minus VmRSS before, with the high-water mark reset first); NaN, with the reason in
 * the note, where /proc cannot be used. RSS rather than the Java heap because libtorch's arrays live in native
 * memory. It includes every intermediate the forward keeps alive, and DJL keeps each one until the call's
 * manager closes, so for softmax attention expect about three score matrices (QKᵀ, its scaled copy and the
 * softmax). Freed memory the C allocator keeps may be reused without being seen, so for small T the peak is a
 * lower bound. The "score-matrix MB (analytic)" column is what the mechanism declares as its largest
 * intermediate ({@link Mechanism#bytesOfLargestIntermediate}; B·H·T·T·4 bytes for softmax), NaN when it declares
 * nothing. MB means 2²⁰ bytes throughout. The "note" column says "causal" for causal runs and names anything that
 * makes a row less trustworthy (no /proc, a NaN or infinite output), or "skipped: …" for a row that was not run
 * because its declared intermediate is over the memory budget ({@link Builder#maxIntermediateMb}); such a row has
 * empty times, so {@link #ratio} gives NaN for it.
 *
 * <p>Runs on the CPU. Timings on a shared machine are noisy, which is why the median of several repeats is
 * reported next to the minimum; libtorch's default of one thread per core makes them far noisier when another
 * process is busy (see {@link SoftmaxBaseline} on {@code --threads}).
 */
public final class AttentionBenchmark {

  /** Column names of the result table. */
  public static final String MECHANISM = "mechanism";

  public static final String LENGTH = "T";
  public static final String WIDTH = "d";
  public static final String BATCH = "batch";
  public static final String HEADS = "heads";
  public static final String MEDIAN_MS = "median ms";
  public static final String MIN_MS = "min ms";
  public static final String PEAK_MB = "peak MB";
  public static final String ANALYTIC_MB = "score-matrix MB (analytic)";
  public static final String NOTE = "note";

  /** Bytes in the MB of the table: 2²⁰, the unit /proc reports memory in (kB = 1024 bytes) scaled up. */
  public static final double BYTES_PER_MB = 1024.0 * 1024.0;

  private static final List<String> COLUMNS =
      List.of(MECHANISM, LENGTH, WIDTH, BATCH, HEADS, MEDIAN_MS, MIN_MS, PEAK_MB, ANALYTIC_MB, NOTE);
  private static final ColumnType[] TYPES = {
    ColumnType.STRING,
    ColumnType.INTEGER,
    ColumnType.INTEGER,
    ColumnType.INTEGER,
    ColumnType.INTEGER,
    ColumnType.DOUBLE,
    ColumnType.DOUBLE,
    ColumnType.DOUBLE,
    ColumnType.DOUBLE,
    ColumnType.STRING
  };

  private final int[] lengths;
  private final int d;
  private final int batch;
  private final int heads;
  private final int warmup;
  private final int repeats;
  private final long seed;
  private final boolean causal;
  private final double maxIntermediateMb;
  private final Consumer<String> log;

  private AttentionBenchmark(Builder b) {
    lengths = b.lengths.clone();
    d = b.d;
    batch = b.batch;
    heads = b.heads;
    warmup = b.warmup;
    repeats = b.repeats;
    seed = b.seed;
    causal = b.causal;
    maxIntermediateMb = b.maxIntermediateMb;
    log = b.log;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Runs every mechanism at every length, mechanism by mechanism; one row per (mechanism, T). */
  public Table run(Mechanism... mechanisms) {
    return run(Arrays.asList(mechanisms));
  }

  /** As {@link #run(Mechanism...)}. */
  public Table run(List<Mechanism> mechanisms) {
    if (mechanisms == null || mechanisms.isEmpty()) {
      throw new IllegalArgumentException("nothing to benchmark: no mechanisms given");
    }
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (Mechanism mech : mechanisms) {
      if (mech == null) {
        throw new IllegalArgumentException("mechanism list contains null: " + mechanisms);
      }
      if (!names.add(mech.name())) {
        throw new IllegalArgumentException(
            "two mechanisms are named '" + mech.name() + "'; names must differ to tell the rows apart");
      }
    }
    ResidentMemory memory = ResidentMemory.probe();
    Table table = emptyTable();
    try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
      for (Mechanism mech : mechanisms) {
        for (int T : lengths) {
          measure(root, mech, T, memory, table);
        }
      }
    }
    return table;
  }

  private void measure(NDManager root, Mechanism mech, int T, ResidentMemory memory, Table table) {
    List<String> notes = new ArrayList<>();
    if (causal) {
      notes.add("causal");
    }
    long declared = mech.bytesOfLargestIntermediate(batch, heads, T, d);
    if (declared >= 0 && declared / BYTES_PER_MB > maxIntermediateMb) {
      notes.add(skipNote(declared));
      appendRow(table, mech, T, Double.NaN, Double.NaN, Double.NaN, declared, notes);
      log.accept(String.format(Locale.ROOT, "%s T=%d: %s", mech.name(), T, skipNote(declared)));
      return;
    }
    double peakMb = Double.NaN;
    double[] ms = new double[repeats];
    boolean finite = true;
    try (NDManager sub = root.newSubManager()) {
      Random rng = new Random(seed * 1_000_003L + T);
      NDArray q = normal(sub, rng, T);
      NDArray k = normal(sub, rng, T);
      NDArray v = normal(sub, rng, T);
      for (int i = 0; i < warmup; i++) {
        finite &= Double.isFinite(once(sub, mech, T, q, k, v, null)[1]);
      }
      if (memory.unavailableReason() == null) {
        double[] r = once(sub, mech, T, q, k, v, memory);
        finite &= Double.isFinite(r[1]);
        peakMb = r[2] / BYTES_PER_MB;
        if (!memory.trims()) {
          notes.add("malloc_trim unavailable: peak may miss reused heap pages");
        }
      } else {
        notes.add(memory.unavailableReason());
      }
      for (int i = 0; i < repeats; i++) {
        double[] r = once(sub, mech, T, q, k, v, null);
        ms[i] = r[0];
        finite &= Double.isFinite(r[1]);
      }
    }
    if (!finite) {
      notes.add("output has NaN or infinity");
    }
    double median = median(ms);
    double min = Arrays.stream(ms).min().orElseThrow();
    appendRow(table, mech, T, median, min, peakMb, declared, notes);
    log.accept(
        String.format(
            Locale.ROOT,
            "%s T=%d: median %.3f ms, min %.3f ms, peak %.1f MB",
            mech.name(),
            T,
            median,
            min,
            peakMb));
  }

  /** The note of a row not run because its declared intermediate is over the memory budget. */
  private String skipNote(long declared) {
    return String.format(
        Locale.ROOT,
        "skipped: largest intermediate %.4g MB > budget %.4g MB",
        declared / BYTES_PER_MB,
        maxIntermediateMb);
  }

  private void appendRow(
      Table table, Mechanism mech, int T, double median, double min, double peakMb, long analytic, List<String> notes) {
    table.stringColumn(MECHANISM).append(mech.name());
    table.intColumn(LENGTH).append(T);
    table.intColumn(WIDTH).append(d);
    table.intColumn(BATCH).append(batch);
    table.intColumn(HEADS).append(heads);
    table.doubleColumn(MEDIAN_MS).append(median);
    table.doubleColumn(MIN_MS).append(min);
    table.doubleColumn(PEAK_MB).append(peakMb);
    table.doubleColumn(ANALYTIC_MB).append(analytic < 0 ? Double.NaN : analytic / BYTES_PER_MB);
    table.stringColumn(NOTE).append(String.join("; ", notes));
  }

  /**
   * One call of the forward pass in its own manager. Returns {elapsed ms, sum of the output, peak bytes (only
   * when {@code memory} is given, else NaN)}.
   */
  private double[] once(
      NDManager sub, Mechanism mech, int T, NDArray q, NDArray k, NDArray v, ResidentMemory memory) {
    try (NDManager call = sub.newSubManager()) {
      // Results of operations on q, k, v are attached to q's manager: attaching the inputs to the call's
      // manager for its lifetime makes every intermediate die with it. The inputs go back to sub afterwards.
      q.tempAttach(call);
      k.tempAttach(call);
      v.tempAttach(call);
      long rssBefore = 0;
      if (memory != null) {
        rssBefore = memory.reset();
      }
      long t0 = System.nanoTime();
      NDArray out;
      float sum;
      try {
        out = mech.forward().run(call, q, k, v, causal);
        if (out == null) {
          throw new IllegalStateException("the forward pass returned null");
        }
        sum = out.sum().toFloatArray()[0]; // copying to Java waits for the result
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "mechanism '" + mech.name() + "' failed at T = " + T + " (" + shape(T) + "): " + e.getMessage(), e);
      }
      long t1 = System.nanoTime();
      double peak = Double.NaN;
      if (memory != null) {
        peak = Math.max(0, memory.peak() - rssBefore);
      }
      Shape s = out.getShape();
      if (s.dimension() != 4 || s.get(0) != batch || s.get(1) != heads || s.get(2) != T) {
        throw new IllegalStateException(
            "mechanism '" + mech.name() + "' returned shape " + s + " for inputs " + shape(T)
                + "; expected (" + batch + ", " + heads + ", " + T + ", d_v)");
      }
      return new double[] {(t1 - t0) / 1e6, sum, peak};
    } catch (IOException e) {
      throw new UncheckedIOException("could not read resident memory from /proc: " + e.getMessage(), e);
    }
  }

  private NDArray normal(NDManager m, Random rng, int T) {
    float[] x = new float[batch * heads * T * d]; // fits: checked in build()
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextGaussian();
    }
    return m.create(x, new Shape(batch, heads, T, d));
  }

  private String shape(int T) {
    return "(" + batch + ", " + heads + ", " + T + ", " + d + ")";
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** An empty result table with the benchmark's columns, for appending rows or other results. */
  public static Table emptyTable() {
    Table t =
        Table.create(
            "attention benchmark",
            StringColumn.create(MECHANISM),
            IntColumn.create(LENGTH),
            IntColumn.create(WIDTH),
            IntColumn.create(BATCH),
            IntColumn.create(HEADS),
            DoubleColumn.create(MEDIAN_MS),
            DoubleColumn.create(MIN_MS),
            DoubleColumn.create(PEAK_MB),
            DoubleColumn.create(ANALYTIC_MB),
            StringColumn.create(NOTE));
    formatColumns(t);
    return t;
  }

  /** Printing shows microseconds and hundredths of a MB (more for tiny sizes); the CSV keeps every digit. */
  private static void formatColumns(Table t) {
    DecimalFormatSymbols root = DecimalFormatSymbols.getInstance(Locale.ROOT);
    t.doubleColumn(MEDIAN_MS).setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.000", root), ""));
    t.doubleColumn(MIN_MS).setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.000", root), ""));
    t.doubleColumn(PEAK_MB).setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.00##", root), ""));
    t.doubleColumn(ANALYTIC_MB).setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.00##", root), ""));
  }

  /** The table as CSV text (header row, unformatted numbers, NaN as an empty field). */
  public static String csv(Table table) {
    StringWriter w = new StringWriter();
    new CsvWriter().write(table, CsvWriteOptions.builder(w).build());
    return w.toString();
  }

  /**
   * Writes the table as CSV to {@code path} atomically (a reader never sees half a file), creating parent
   * folders; returns the absolute path.
   */
  public static Path writeCsv(Table table, Path path) {
    return AtomicFiles.writeString(path, csv(table));
  }

  /** Reads a CSV written by {@link #writeCsv}, with the column types fixed (an all-empty note stays text). */
  public static Table readCsv(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not read benchmark CSV " + path.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    String header = text.lines().findFirst().orElse("");
    List<String> found = Arrays.asList(header.split(",", -1));
    if (!found.equals(COLUMNS)) {
      throw new IllegalArgumentException(
          path.toAbsolutePath() + " is not a benchmark table: its header is " + found + ", expected " + COLUMNS);
    }
    CsvReadOptions options =
        CsvReadOptions.builder(new StringReader(text)).tableName("attention benchmark").columnTypes(TYPES).build();
    Table t = new CsvReader().read(options);
    formatColumns(t);
    return t;
  }

  /**
   * Median time at {@code t2} divided by median time at {@code t1} for one mechanism: how much slower a longer
   * sequence is. Doubling T multiplies an O(T²) mechanism's time by about 4 and an O(T) one's by about 2 (less at
   * small T, where fixed per-call costs dominate).
   *
   * @throws IllegalArgumentException naming the mechanism and T when the table has no row (or several rows) for
   *     them
   */
  public static double ratio(Table table, String mechanism, int t1, int t2) {
    return medianAt(table, mechanism, t2) / medianAt(table, mechanism, t1);
  }

  private static double medianAt(Table table, String mechanism, int T) {
    StringColumn mech = table.stringColumn(MECHANISM);
    IntColumn len = table.intColumn(LENGTH);
    List<Integer> lengthsOfMechanism = new ArrayList<>();
    int found = -1;
    for (int r = 0; r < table.rowCount(); r++) {
      if (!mech.get(r).equals(mechanism)) {
        continue;
      }
      lengthsOfMechanism.add(len.getInt(r));
      if (len.getInt(r) == T) {
        if (found >= 0) {
          throw new IllegalArgumentException(
              "mechanism '" + mechanism + "' has several rows at T = " + T
                  + " (different d, batch or heads?); filter the table to one configuration first");
        }
        found = r;
      }
    }
    if (lengthsOfMechanism.isEmpty()) {
      throw new IllegalArgumentException(
          "no rows for mechanism '" + mechanism + "'; the table has " + new LinkedHashSet<>(mech.asList()));
    }
    if (found < 0) {
      throw new IllegalArgumentException(
          "no row for mechanism '" + mechanism + "' at T = " + T + "; it was run at T = " + lengthsOfMechanism);
    }
    return table.doubleColumn(MEDIAN_MS).getDouble(found);
  }

  /** Median forward time against T, both axes logarithmic, one series per mechanism. */
  public static XYChart timeChart(Table table) {
    XYChart c = Charts.logLog("Attention forward pass: time", "sequence length T", "median time (ms)");
    for (String mech : mechanisms(table)) {
      addSeries(c, table, mech, MEDIAN_MS, mech, false);
    }
    requireSeries(c, table, "median times");
    return c;
  }

  /**
   * Measured peak memory against T, both axes logarithmic, one series per mechanism; mechanisms that declare
   * their largest intermediate get a second, dashed series with the analytic size, so the two can be compared.
   * Rows without a positive measurement (no /proc, or nothing measurable) are left out: a log axis cannot show 0.
   */
  public static XYChart memoryChart(Table table) {
    XYChart c = Charts.logLog("Attention forward pass: peak memory", "sequence length T", "MB");
    for (String mech : mechanisms(table)) {
      addSeries(c, table, mech, PEAK_MB, mech + " (measured peak)", false);
      addSeries(c, table, mech, ANALYTIC_MB, mech + " (analytic)", true);
    }
    requireSeries(c, table, "peak or analytic memory values");
    return c;
  }

  private static List<String> mechanisms(Table table) {
    return new ArrayList<>(new LinkedHashSet<>(table.stringColumn(MECHANISM).asList()));
  }

  private static void addSeries(XYChart c, Table table, String mech, String column, String name, boolean dashed) {
    Table rows = table.where(table.stringColumn(MECHANISM).isEqualTo(mech)).sortAscendingOn(LENGTH);
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (int r = 0; r < rows.rowCount(); r++) {
      double value = rows.doubleColumn(column).getDouble(r);
      if (Double.isFinite(value) && value > 0) {
        x.add((double) rows.intColumn(LENGTH).getInt(r));
        y.add(value);
      }
    }
    if (x.isEmpty()) {
      return;
    }
    XYSeries s = c.addSeries(name, x, y);
    if (dashed) {
      s.setLineStyle(SeriesLines.DASH_DASH);
      s.setMarker(SeriesMarkers.NONE);
    }
  }

  private static void requireSeries(XYChart c, Table table, String what) {
    if (c.getSeriesCollection().isEmpty()) {
      throw new IllegalArgumentException(
          "nothing to plot: the table has no positive " + what + " (" + table.rowCount() + " rows)");
    }
  }

  public int[] lengths() {
    return lengths.clone();
  }

  public int d() {
    return d;
  }

  public int batch() {
    return batch;
  }

  public int heads() {
    return heads;
  }

  public int warmup() {
    return warmup;
  }

  public int repeats() {
    return repeats;
  }

  public long seed() {
    return seed;
  }

  public boolean causal() {
    return causal;
  }

  /** Rows whose declared largest intermediate exceeds this many MB are skipped (infinite: none). */
  public double maxIntermediateMb() {
    return maxIntermediateMb;
  }

  @Override
  public String toString() {
    return "AttentionBenchmark(T=" + Arrays.toString(lengths) + ", d=" + d + ", batch=" + batch + ", heads=" + heads
        + ", warmup=" + warmup + ", repeats=" + repeats + ", seed=" + seed + (causal ? ", causal" : "")
        + (Double.isInfinite(maxIntermediateMb) ? "" : ", max intermediate " + maxIntermediateMb + " MB") + ")";
  }

  /** Settings of a benchmark; each setter checks its value at once, so a mistake fails where it is made. */
  public static final class Builder {

    private int[] lengths = new int[0];
    private int d = 64;
    private int batch = 1;
    private int heads = 1;
    private int warmup = 2;
    private int repeats = 5;
    private long seed = 42;
    private boolean causal;
    private double maxIntermediateMb = Double.POSITIVE_INFINITY;
    private Consumer<String> log = line -> {};

    private Builder() {}

    /** The sequence lengths T to run, in order; required, each at least 1. */
    public Builder lengths(int... lengths) {
      if (lengths == null || lengths.length == 0) {
        throw new IllegalArgumentException("sequence lengths must not be empty");
      }
      for (int T : lengths) {
        if (T < 1) {
          throw new IllegalArgumentException(
              "sequence length T must be at least 1, got T = " + T + " in " + Arrays.toString(lengths));
        }
      }
      this.lengths = lengths.clone();
      return this;
    }

    /** As {@link #lengths(int...)}. */
    public Builder lengths(List<Integer> lengths) {
      if (lengths == null) {
        throw new IllegalArgumentException("sequence lengths must not be empty (got null)");
      }
      return lengths(lengths.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Width d of each query, key and value vector (default 64). */
    public Builder d(int d) {
      this.d = atLeast(1, d, "width d");
      return this;
    }

    /** Batch size B (default 1). */
    public Builder batch(int batch) {
      this.batch = atLeast(1, batch, "batch size");
      return this;
    }

    /** Number of heads H (default 1). */
    public Builder heads(int heads) {
      this.heads = atLeast(1, heads, "number of heads");
      return this;
    }

    /** Untimed calls before measuring, per T (default 2; 0 allowed). */
    public Builder warmup(int warmup) {
      this.warmup = atLeast(0, warmup, "warm-up runs");
      return this;
    }

    /** Timed calls per T (default 5). */
    public Builder repeats(int repeats) {
      this.repeats = atLeast(1, repeats, "timed repeats");
      return this;
    }

    /** Seed of the random Q, K, V (default 42). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Whether the forward passes are causal (default false). */
    public Builder causal(boolean causal) {
      this.causal = causal;
      return this;
    }

    /**
     * A memory budget: a (mechanism, T) whose declared largest intermediate ({@link
     * Mechanism#bytesOfLargestIntermediate}) is larger than {@code mb} MB is not run. Its row stays in the table,
     * with empty times and peak and a note "skipped: …", so the skip is visible. Default: no budget.
     */
    public Builder maxIntermediateMb(double mb) {
      if (!(mb > 0)) {
        throw new IllegalArgumentException("the intermediate-size budget must be a positive number of MB, got " + mb);
      }
      this.maxIntermediateMb = mb;
      return this;
    }

    /** Receives one progress line per (mechanism, T), e.g. {@code System.err::println}; silent by default. */
    public Builder log(Consumer<String> log) {
      this.log = log == null ? line -> {} : log;
      return this;
    }

    public AttentionBenchmark build() {
      if (lengths.length == 0) {
        throw new IllegalArgumentException("no sequence lengths: call lengths(...) with at least one T");
      }
      int maxT = Arrays.stream(lengths).max().orElseThrow();
      long elements = (long) batch * heads * maxT * d;
      if (elements > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "Q of shape (" + batch + ", " + heads + ", " + maxT + ", " + d + ") has " + elements
                + " elements, more than one Java array can hold");
      }
      return new AttentionBenchmark(this);
    }

    private static int atLeast(int min, int value, String what) {
      if (value < min) {
        throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
      }
      return value;
    }
  }
}
