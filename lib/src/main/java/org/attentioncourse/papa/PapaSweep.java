package org.attentioncourse.papa;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.attentioncourse.io.AtomicFiles;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * PAPA's experiment: replace the first n heads of an order by their constant matrices, score the model with a
 * probe, for several n. n = 0 is the probing baseline; every point reports its score and the relative drop
 * (baseline − score) / baseline.
 *
 * <p>With a CSV file the sweep is resumable: each finished point is appended to the file at once (atomically),
 * and a rerun skips the points already there for the same setup (model, data, order, scorer and metric, hashed
 * into the {@code setup} column). Several sweeps (for example the gate order and a random order) can share one
 * file.
 *
 * <pre>{@code
 * Table t = PapaSweep.builder()
 *     .model(probed).constants(C).order(ranking.order())
 *     .scorer("pooled probe", Scorer.probe(Probe.pooled(), train, test, cfg))
 *     .csv(Path.of("runs/papa-reverse.csv"))
 *     .build().run();
 * }</pre>
 */
public final class PapaSweep {

  /** PAPA's points: none, half, 7/8, 15/16 and all heads constant. */
  public static final double[] DEFAULT_FRACTIONS = {0, 0.5, 0.875, 0.9375, 1};

  static final String HEADER = "setup,order,scorer,metric,replaced,total,fraction,score,accuracy,macro_f1,matthews,seconds";

  private final ProbedModel model;
  private final ConstantMatrices constants;
  private final HeadOrder order;
  private final String scorerName;
  private final Scorer scorer;
  private final Metric metric;
  private final int[] counts;
  private final Path csv;
  private final boolean verbose;
  private final PrintStream out;
  private final BooleanSupplier stop;
  private final String setup;

  private PapaSweep(Builder b) {
    model = b.model;
    constants = b.constants;
    order = b.order;
    scorerName = b.scorerName;
    scorer = b.scorer;
    metric = b.metric;
    csv = b.csv;
    verbose = b.verbose;
    out = b.out;
    stop = b.stop;
    double[] fractions = b.fractions == null && b.counts.isEmpty() ? DEFAULT_FRACTIONS : b.fractions;
    counts = points(fractions == null ? new double[0] : fractions,
        b.counts.stream().mapToInt(Integer::intValue).toArray(), order.size());
    setup = hash(constants.modelIdentity() + "\n" + constants.dataChecksum() + "\n" + order.list() + "\n" + scorerName
        + "\n" + metric);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The numbers of replaced heads that {@code fractions} of {@code totalHeads} heads and explicit {@code counts}
   * give: each fraction rounded to whole heads, duplicates merged, ascending, 0 (the baseline) always included.
   */
  public static int[] points(double[] fractions, int[] counts, int totalHeads) {
    TreeSet<Integer> n = new TreeSet<>();
    n.add(0);
    for (double f : fractions) {
      if (!(f >= 0 && f <= 1)) {
        throw new IllegalArgumentException("fractions of heads lie in [0, 1], got " + f);
      }
      n.add((int) Math.round(f * totalHeads));
    }
    for (int c : counts) {
      if (c < 0 || c > totalHeads) {
        throw new IllegalArgumentException("cannot replace " + c + " heads of " + totalHeads);
      }
      n.add(c);
    }
    return n.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The numbers of replaced heads this sweep scores, ascending (0 always included). */
  public int[] counts() {
    return counts.clone();
  }

  /** The hash identifying this sweep's rows in the CSV file. */
  public String setup() {
    return setup;
  }

  /** A finished point. */
  public record Point(int replaced, int total, Metrics metrics, double score, double seconds) {}

  /**
   * Scores every point not already in the CSV file, appending each as it finishes, and returns all points of this
   * setup as a table: heads replaced, the fraction, input-dependent heads left, the score (the chosen metric), the relative drop
   * from the baseline, accuracy, macro F1, Matthews correlation and seconds.
   */
  @SuppressWarnings("try") // the handles only undo the edits when closed
  public Table run() {
    model.requireAttentionMatrices();
    constants.requireFits(model);
    Map<Integer, Point> done = csv == null ? new LinkedHashMap<>() : readDone(csv, setup);
    int total = order.size();
    int todo = 0;
    for (int n : counts) {
      if (!done.containsKey(n)) {
        todo++;
      }
    }
    say(String.format(Locale.ROOT, "PAPA sweep on %s: order %s, scorer %s, %s; points %s; %d to score%s",
        model.name(), order.how(), scorerName, metric.label(), java.util.Arrays.toString(counts), todo,
        done.isEmpty() ? "" : " (" + done.size() + " read back from " + csv + ")"));
    int k = 0;
    for (int n : counts) {
      if (done.containsKey(n)) {
        continue;
      }
      if (Thread.currentThread().isInterrupted() || stop.getAsBoolean()) {
        throw new CancellationException("PAPA sweep stopped before point " + (k + 1) + " of " + todo
            + (csv == null ? "" : "; finished points are in " + csv));
      }
      k++;
      long t0 = System.nanoTime();
      Metrics m;
      try (ConstantAttention.Installed r = ConstantAttention.replace(model, constants, order.first(n))) {
        m = scorer.score(model);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Point p = new Point(n, total, m, m.get(metric), seconds);
      done.put(n, p);
      if (csv != null) {
        append(p);
      }
      Point base = done.get(0);
      say(String.format(Locale.ROOT, "  point %d/%d: %d of %d heads constant, %s %.4f%s  (%.1f s)", k, todo, n,
          total, metric.label(), p.score(),
          base == null || n == 0 ? "" : String.format(Locale.ROOT, ", relative drop %.1f%%", 100 * drop(base.score(), p.score())),
          seconds));
    }
    return table(done);
  }

  /** (baseline − score) / baseline; NaN when the baseline is 0. */
  public static double drop(double baseline, double score) {
    return baseline == 0 ? Double.NaN : (baseline - score) / baseline;
  }

  private Table table(Map<Integer, Point> done) {
    IntColumn replaced = IntColumn.create("heads replaced");
    DoubleColumn fraction = DoubleColumn.create("fraction replaced");
    IntColumn left = IntColumn.create("input-dependent heads");
    DoubleColumn score = DoubleColumn.create("score");
    DoubleColumn drop = DoubleColumn.create("relative drop");
    DoubleColumn acc = DoubleColumn.create("accuracy");
    DoubleColumn f1 = DoubleColumn.create("macro F1");
    DoubleColumn mcc = DoubleColumn.create("Matthews");
    DoubleColumn sec = DoubleColumn.create("seconds");
    Point base = done.get(0);
    for (int n : counts) {
      Point p = done.get(n);
      replaced.append(n);
      fraction.append((double) n / p.total());
      left.append(p.total() - n);
      score.append(p.score());
      drop.append(drop(base.score(), p.score()));
      acc.append(p.metrics().accuracy());
      f1.append(p.metrics().macroF1());
      mcc.append(p.metrics().matthews());
      sec.append(p.seconds());
    }
    return Table.create(
        "PAPA: " + model.name() + ", order " + order.how() + ", " + scorerName + ", score = " + metric.label(), replaced, fraction, left, score, drop,
        acc, f1, mcc, sec);
  }

  private void append(Point p) {
    String existing = "";
    try {
      if (Files.exists(csv)) {
        existing = Files.readString(csv, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + csv, e);
    }
    if (existing.isEmpty()) {
      existing = HEADER + "\n";
    } else if (!existing.endsWith("\n")) {
      existing += "\n";
    }
    String line = String.join(",", setup, csvText(order.how()), csvText(scorerName), metric.name(),
        Integer.toString(p.replaced()), Integer.toString(p.total()),
        Double.toString((double) p.replaced() / p.total()), Double.toString(p.score()),
        Double.toString(p.metrics().accuracy()), Double.toString(p.metrics().macroF1()),
        Double.toString(p.metrics().matthews()), String.format(Locale.ROOT, "%.3f", p.seconds()));
    AtomicFiles.writeString(csv, existing + line + "\n");
  }

  /** Text fields without commas or line breaks, so the file needs no quoting. */
  private static String csvText(String s) {
    return s.replace(',', ';').replace('\n', ' ');
  }

  /** The points of {@code setup} already in {@code file}; errors name the file and line. */
  static Map<Integer, Point> readDone(Path file, String setup) {
    Map<Integer, Point> done = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return done;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
    if (lines.isEmpty()) {
      return done;
    }
    if (!lines.get(0).equals(HEADER)) {
      throw new IllegalArgumentException(
          file + ":1: not a PAPA sweep file: expected the header '" + HEADER + "'");
    }
    int columns = HEADER.split(",").length;
    for (int i = 1; i < lines.size(); i++) {
      String s = lines.get(i);
      if (s.isBlank()) {
        continue;
      }
      String[] v = s.split(",", -1);
      String where = file + ":" + (i + 1) + ": ";
      if (v.length != columns) {
        throw new IllegalArgumentException(where + "expected " + columns + " comma-separated fields but found " + v.length);
      }
      if (!v[0].equals(setup)) {
        continue; // another sweep's row
      }
      try {
        int replaced = Integer.parseInt(v[4]);
        int total = Integer.parseInt(v[5]);
        Metrics m = new Metrics(-1, Double.parseDouble(v[8]), Double.parseDouble(v[9]), Double.parseDouble(v[10]));
        done.put(replaced, new Point(replaced, total, m, Double.parseDouble(v[7]), Double.parseDouble(v[11])));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + "a number field is malformed: " + e.getMessage(), e);
      }
    }
    return done;
  }

  private void say(String line) {
    if (verbose) {
      out.println(line);
    }
  }

  /** The first 12 hex digits of the SHA-256 of {@code s}: a short fingerprint for file names and CSV cells. */
  private static String hash(String s) {
    return org.attentioncourse.io.Checksums.sha256(s.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
  }

  @Override
  public String toString() {
    return "PapaSweep(" + model.name() + ", order " + order.how() + ", " + scorerName + ", " + metric.label()
        + ", points " + java.util.Arrays.toString(counts) + (csv == null ? "" : ", csv " + csv) + ")";
  }

  /** Settings of a sweep: model, constants, order and scorer are required. */
  public static final class Builder {
    private ProbedModel model;
    private ConstantMatrices constants;
    private HeadOrder order;
    private String scorerName;
    private Scorer scorer;
    private Metric metric = Metric.ACCURACY;
    private double[] fractions;
    private final List<Integer> counts = new ArrayList<>();
    private Path csv;
    private boolean verbose = true;
    private PrintStream out = System.out;
    private BooleanSupplier stop = () -> false;

    /** The frozen model to probe (required). */
    public Builder model(ProbedModel m) {
      model = m;
      return this;
    }

    /** Its constant matrices (required). */
    public Builder constants(ConstantMatrices c) {
      constants = c;
      return this;
    }

    /** Which heads go first (required): {@link HeadOrder#byGates} or {@link HeadOrder#random}. */
    public Builder order(HeadOrder o) {
      order = o;
      return this;
    }

    /** How each point is scored, and its name in tables and the CSV (required). */
    public Builder scorer(String name, Scorer s) {
      scorerName = name;
      scorer = s;
      return this;
    }

    /** The headline number (default accuracy; {@link Metric#MATTHEWS} for CoLA-style tasks). */
    public Builder metric(Metric m) {
      metric = m;
      return this;
    }

    /** Fractions of all heads to replace (default {@link #DEFAULT_FRACTIONS}); rounded to whole heads. */
    public Builder fractions(double... f) {
      fractions = f.clone();
      return this;
    }

    /** Explicit numbers of heads to replace, added to the fractions (if any were given). */
    public Builder counts(int... n) {
      for (int c : n) {
        counts.add(c);
      }
      return this;
    }

    /** Append results here and resume from it (default: no file). */
    public Builder csv(Path file) {
      csv = file;
      return this;
    }

    /** Print a line per point (default true). */
    public Builder verbose(boolean v) {
      verbose = v;
      return this;
    }

    /** Where the lines go (default {@code System.out}). */
    public Builder out(PrintStream s) {
      if (s == null) {
        throw new IllegalArgumentException("the output stream must not be null");
      }
      out = s;
      return this;
    }

    /**
     * Stops before the next point once {@code s} says so, with a {@link CancellationException}, as an interrupt
     * does (default: never). Finished points are already in the CSV file; a rerun continues from them.
     */
    public Builder stopWhen(BooleanSupplier s) {
      if (s == null) {
        throw new IllegalArgumentException("the stop condition must not be null");
      }
      stop = s;
      return this;
    }

    public PapaSweep build() {
      if (model == null || constants == null || order == null || scorer == null) {
        throw new IllegalArgumentException("a sweep needs model, constants, order and scorer; missing: "
            + (model == null ? "model " : "") + (constants == null ? "constants " : "") + (order == null ? "order " : "")
            + (scorer == null ? "scorer" : ""));
      }
      if (scorerName == null || scorerName.isBlank()) {
        throw new IllegalArgumentException("give the scorer a name (it labels the table and the CSV rows)");
      }
      if (order.size() != model.totalHeads()) {
        throw new IllegalArgumentException(
            "the order lists " + order.size() + " heads but " + model.name() + " has " + model.totalHeads());
      }
      return new PapaSweep(this);
    }
  }
}
