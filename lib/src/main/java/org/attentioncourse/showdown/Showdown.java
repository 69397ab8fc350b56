package org.attentioncourse.showdown;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.attentioncourse.attention.AttentionFactory;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Example;
import org.attentioncourse.display.Progress;
import org.attentioncourse.io.AtomicFiles;
import org.attentioncourse.train.TrainConfig;
import org.attentioncourse.train.TrainResult;
import org.attentioncourse.train.Training;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;
import tech.tablesaw.io.csv.CsvReader;
import tech.tablesaw.io.csv.CsvWriteOptions;
import tech.tablesaw.io.csv.CsvWriter;

/**
 * Every mechanism trained on the same tasks with the same budget: one model size, one optimiser, one number of
 * steps, the same data, and the same seeds. One row per (task, mechanism, seed) run; {@link ShowdownSummary}
 * turns the rows into means and spreads, charts and "where it breaks".
 *
 * <pre>{@code
 * Showdown showdown = Showdown.builder()
 *     .mechanism("softmax", AttentionFactory.softmax())
 *     .mechanism("aft-simple", Afts.simple())
 *     .task(ShowdownTask.of("position-only", reverse, reverseData))
 *     .seeds(42, 43, 44).steps(400)
 *     .resultsFile(Path.of("target/showdown/runs.csv"))   // optional: resume where a stopped run left off
 *     .build();
 * Table runs = showdown.run();
 * Table summary = ShowdownSummary.of(runs);
 * }</pre>
 *
 * <p><b>Same budget.</b> Each run is a {@link TransformerModel} of the configured width, heads and layers with
 * the mechanism plugged into every layer, trained by {@link Training#run} with Adam for the same number of steps
 * at the same batch size and learning rate. The seed sets the initial weights and the batch order; the data are
 * fixed by the {@link ShowdownTask}. Parameters differ between mechanisms (that is part of what is compared), and
 * so does the time per step.
 *
 * <p><b>Nothing lost.</b> With a results file, every finished run is written to it at once (atomically: the
 * whole file is replaced, so a reader or a crash never sees half a row). Running again with the same file skips
 * the runs already there and trains only the missing ones; a run that failed is tried again. A file written
 * with other settings (model size, budget, data) is refused with a message naming the file, never mixed in.
 *
 * <p><b>Failures are results.</b> A run whose training throws (a loss that becomes NaN, say) gets a row with a
 * NaN score and the reason in the {@code note} column, and the showdown goes on; {@link ShowdownSummary} counts
 * such runs. An interrupt (stopping the kernel) ends the showdown after the current run's step, with every
 * finished run saved.
 *
 * <p><b>Memory.</b> The {@code peak MB} column is {@link TrainResult#peakMemoryMb}: the rise of the process's
 * resident memory during the run, which is a lower bound when freed memory of earlier runs is reused, so read it
 * as an order of magnitude. The forward-pass benchmark ({@link org.attentioncourse.bench.AttentionBenchmark})
 * measures memory against sequence length more carefully.
 */
public final class Showdown {

  /** Column names of the runs table (and of the results file, in this order). */
  public static final String TASK = "task";

  public static final String KIND = "kind";
  public static final String MECHANISM = "mechanism";
  public static final String SEED = "seed";
  public static final String METRIC = "metric";
  public static final String SCORE = "score";
  public static final String FLOOR = "floor";
  public static final String PARAMETERS = "parameters";
  public static final String STEPS = "steps";
  public static final String SECONDS = "train seconds";
  public static final String MS_PER_STEP = "ms per step";
  public static final String PEAK_MB = "peak MB";
  public static final String SETTINGS = "settings";
  public static final String NOTE = "note";

  /** The seeds a showdown uses unless told otherwise: three, so that every mean comes with a spread. */
  public static final long[] DEFAULT_SEEDS = {42, 43, 44};

  static final List<String> COLUMNS = List.of(
      TASK, KIND, MECHANISM, SEED, METRIC, SCORE, FLOOR, PARAMETERS, STEPS, SECONDS, MS_PER_STEP, PEAK_MB, SETTINGS,
      NOTE);
  private static final ColumnType[] TYPES = {
    ColumnType.STRING, ColumnType.STRING, ColumnType.STRING, ColumnType.LONG, ColumnType.STRING, ColumnType.DOUBLE,
    ColumnType.DOUBLE, ColumnType.LONG, ColumnType.INTEGER, ColumnType.DOUBLE, ColumnType.DOUBLE, ColumnType.DOUBLE,
    ColumnType.STRING, ColumnType.STRING
  };

  private final Map<String, AttentionFactory> mechanisms;
  private final List<ShowdownTask> tasks;
  private final long[] seeds;
  private final int dModel;
  private final int heads;
  private final int layers;
  private final int steps;
  private final int batchSize;
  private final double learningRate;
  private final String device;
  private final Path resultsFile;
  private final boolean progress;
  private final TrainConfig.StepListener listener;

  private Showdown(Builder b) {
    mechanisms = new LinkedHashMap<>(b.mechanisms);
    tasks = List.copyOf(b.tasks);
    seeds = b.seeds.clone();
    dModel = b.dModel;
    heads = b.heads;
    layers = b.layers;
    steps = b.steps;
    batchSize = b.batchSize;
    learningRate = b.learningRate;
    device = b.device;
    resultsFile = b.resultsFile;
    progress = b.progress;
    listener = b.listener;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Number of training runs the grid holds: tasks × mechanisms × seeds. */
  public int size() {
    return tasks.size() * mechanisms.size() * seeds.length;
  }

  /**
   * Trains every (task, mechanism, seed) not already in the results file and returns one row per run of the
   * grid, in grid order (task, then mechanism, then seed), finished runs from the file included.
   *
   * @throws IllegalStateException when the results file holds runs of this grid made with other settings
   * @throws CancellationException when the thread is interrupted (finished runs are in the results file)
   */
  public Table run() {
    return run(tasks);
  }

  /**
   * The part of the grid that belongs to one of this showdown's tasks: what {@link #run()} does, for that task
   * only. A notebook can give each task its own cell, and a later {@link #run()} with the same results file reads
   * every finished run back without training.
   *
   * @throws IllegalArgumentException when {@code task} is not one of this showdown's tasks
   */
  public Table run(ShowdownTask task) {
    if (!tasks.contains(task)) {
      throw new IllegalArgumentException(
          "task '" + task.name() + "' is not in this showdown; its tasks are "
              + tasks.stream().map(ShowdownTask::name).toList());
    }
    return run(List.of(task));
  }

  private Table run(List<ShowdownTask> selected) {
    Table file = resultsFile != null && Files.exists(resultsFile) ? read(resultsFile) : emptyTable();
    Map<ShowdownTask, String> settings = new LinkedHashMap<>(); // fingerprints every example: computed once
    for (ShowdownTask task : selected) {
      settings.put(task, settings(task));
      checkSettings(file, task, settings.get(task));
    }
    Table out = emptyTable();
    int total = selected.size() * mechanisms.size() * seeds.length;
    int index = 0;
    try (Progress bar = progress ? Progress.start("showdown runs", total) : null) {
      for (ShowdownTask task : selected) {
        for (Map.Entry<String, AttentionFactory> mechanism : mechanisms.entrySet()) {
          for (long seed : seeds) {
            index++;
            int found = find(file, task.name(), mechanism.getKey(), seed);
            if (found >= 0 && file.stringColumn(NOTE).get(found).isEmpty()) {
              out.append(file.rows(found));
              if (bar != null) {
                bar.step(describe(task, mechanism.getKey(), seed, file.doubleColumn(SCORE).getDouble(found)) + " (from file)");
              }
              continue;
            }
            Table row = train(task, mechanism.getKey(), mechanism.getValue(), seed, settings.get(task));
            String note = row.stringColumn(NOTE).get(0);
            if (!note.isEmpty()) {
              System.out.println(String.format(Locale.ROOT, "run %d of %d, %s / %s / seed %d %s", index, total,
                  task.name(), mechanism.getKey(), seed, note));
            }
            if (found >= 0) {
              file = file.dropRows(found); // the failed attempt, replaced by this one
            }
            file.append(row);
            out.append(row);
            if (resultsFile != null) {
              write(file, resultsFile);
            }
            if (bar != null) {
              bar.step(describe(task, mechanism.getKey(), seed, row.doubleColumn(SCORE).getDouble(0)));
            }
          }
        }
      }
    }
    return out;
  }

  private static String describe(ShowdownTask task, String mechanism, long seed, double score) {
    return String.format(Locale.ROOT, "%s / %s / seed %d: %s %.3f", task.name(), mechanism, seed, task.metric(), score);
  }

  /** One training run as a one-row table; a failure becomes a row with a NaN score and the reason. */
  private Table train(ShowdownTask task, String name, AttentionFactory factory, long seed, String settings) {
    Table row = emptyTable();
    TrainConfig config = TrainConfig.defaults().steps(steps).batchSize(batchSize).learningRate(learningRate)
        .seed(seed).device(device).evalEvery(steps).progress(false).quiet(true).listener(listener);
    TrainResult result = null;
    double score = Double.NaN;
    long parameters = 0;
    double seconds = Double.NaN;
    double peakMb = Double.NaN;
    String note = "";
    try {
      TransformerModel model = task.model(
          TransformerModel.builder().dModel(dModel).heads(heads).layers(layers).attention(name, factory));
      result = Training.run(model, task.task(), task.data(), config);
      score = task.score(result.test());
      parameters = result.parameters();
      seconds = result.seconds();
      peakMb = result.peakMemoryMb();
      if (!Double.isFinite(score)) {
        note = "failed: the test " + task.metric() + " is " + score;
      }
    } catch (CancellationException e) {
      throw e;
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("showdown stopped by an interrupt during " + task.name() + " / " + name);
      }
      note = "failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' '));
      score = Double.NaN;
    } finally {
      if (result != null) {
        result.close(); // frees the model's native memory before the next run
      }
    }
    row.stringColumn(TASK).append(task.name());
    row.stringColumn(KIND).append(task.kind());
    row.stringColumn(MECHANISM).append(name);
    row.longColumn(SEED).append(seed);
    row.stringColumn(METRIC).append(task.metric());
    row.doubleColumn(SCORE).append(score);
    row.doubleColumn(FLOOR).append(task.floor());
    row.longColumn(PARAMETERS).append(parameters);
    row.intColumn(STEPS).append(steps);
    row.doubleColumn(SECONDS).append(seconds);
    row.doubleColumn(MS_PER_STEP).append(seconds * 1000 / steps);
    row.doubleColumn(PEAK_MB).append(peakMb);
    row.stringColumn(SETTINGS).append(settings);
    row.stringColumn(NOTE).append(note);
    return row;
  }

  /**
   * What a run's result depends on besides the task name, the mechanism name and the seed: the model size, the
   * budget and a fingerprint of the data. Rows of the results file must match it to be reused.
   */
  String settings(ShowdownTask task) {
    return String.format(Locale.ROOT, "D=%d h=%d layers=%d steps=%d batch=%d lr=%s T=%d data=%d/%d/%d#%08x",
        dModel, heads, layers, steps, batchSize, learningRate, task.task().length(), task.data().train().size(),
        task.data().validation().size(), task.data().test().size(), fingerprint(task));
  }

  private static int fingerprint(ShowdownTask task) {
    int h = task.task().name().hashCode();
    for (List<Example> split : List.of(task.data().train(), task.data().validation(), task.data().test())) {
      for (Example e : split) {
        h = 31 * h + Arrays.hashCode(e.tokens());
        h = 31 * h + Arrays.hashCode(e.targets());
        h = 31 * h + e.label();
      }
    }
    return h;
  }

  private void checkSettings(Table file, ShowdownTask task, String expected) {
    for (int r = 0; r < file.rowCount(); r++) {
      if (!file.stringColumn(TASK).get(r).equals(task.name())
          || !mechanisms.containsKey(file.stringColumn(MECHANISM).get(r))) {
        continue;
      }
      String found = file.stringColumn(SETTINGS).get(r);
      if (!found.equals(expected)) {
        throw new IllegalStateException(
            "the results file " + resultsFile.toAbsolutePath() + " holds " + task.name() + " / "
                + file.stringColumn(MECHANISM).get(r) + " runs made with other settings (" + found + "; this showdown: "
                + expected + "). Delete the file, or give this showdown another one, so that runs with different"
                + " budgets are never mixed");
      }
    }
  }

  private static int find(Table t, String task, String mechanism, long seed) {
    for (int r = 0; r < t.rowCount(); r++) {
      if (t.stringColumn(TASK).get(r).equals(task) && t.stringColumn(MECHANISM).get(r).equals(mechanism)
          && t.longColumn(SEED).getLong(r) == seed) {
        return r;
      }
    }
    return -1;
  }

  /** An empty runs table with the showdown's columns. */
  public static Table emptyTable() {
    return Table.create("showdown runs",
        StringColumn.create(TASK), StringColumn.create(KIND), StringColumn.create(MECHANISM), LongColumn.create(SEED),
        StringColumn.create(METRIC), DoubleColumn.create(SCORE), DoubleColumn.create(FLOOR),
        LongColumn.create(PARAMETERS), IntColumn.create(STEPS), DoubleColumn.create(SECONDS),
        DoubleColumn.create(MS_PER_STEP), DoubleColumn.create(PEAK_MB), StringColumn.create(SETTINGS),
        StringColumn.create(NOTE));
  }

  /** Writes a runs table as CSV, atomically (a reader never sees half a file), creating parent folders. */
  public static Path write(Table runs, Path file) {
    if (!runs.columnNames().equals(COLUMNS)) {
      throw new IllegalArgumentException("not a showdown runs table: its columns are " + runs.columnNames());
    }
    StringWriter w = new StringWriter();
    new CsvWriter().write(runs, CsvWriteOptions.builder(w).build());
    return AtomicFiles.writeString(file, w.toString());
  }

  /** Reads a runs table written by {@link #write} (or by {@link #run} into its results file), types fixed. */
  public static Table read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read showdown results " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    String header = text.lines().findFirst().orElse("");
    List<String> found = Arrays.asList(header.split(",", -1));
    if (!found.equals(COLUMNS)) {
      throw new IllegalArgumentException(
          file.toAbsolutePath() + " is not a showdown results file: its header is " + found + ", expected " + COLUMNS);
    }
    Table t = new CsvReader().read(
        CsvReadOptions.builder(new StringReader(text)).tableName("showdown runs").columnTypes(TYPES).build());
    // Tablesaw reads an empty text cell as missing; the note of a successful run is the empty string.
    for (String c : List.of(TASK, KIND, MECHANISM, METRIC, SETTINGS, NOTE)) {
      StringColumn s = t.stringColumn(c);
      for (int r = 0; r < s.size(); r++) {
        if (s.isMissing(r)) {
          s.set(r, "");
        }
      }
    }
    return t;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "Showdown(%d mechanisms × %d tasks × %d seeds = %d runs; D = %d, %d heads, %d layers; %d steps of %d, Adam lr %s%s)",
        mechanisms.size(), tasks.size(), seeds.length, size(), dModel, heads, layers, steps, batchSize, learningRate,
        device == null ? "" : ", device " + device);
  }

  /** Configuration. Required: at least one mechanism and one task; everything else has a default. */
  public static final class Builder {
    private final Map<String, AttentionFactory> mechanisms = new LinkedHashMap<>();
    private final List<ShowdownTask> tasks = new ArrayList<>();
    private long[] seeds = DEFAULT_SEEDS.clone();
    private int dModel = 64;
    private int heads = 4;
    private int layers = 2;
    private int steps = 400;
    private int batchSize = 32;
    private double learningRate = 3e-3;
    private String device;
    private Path resultsFile;
    private boolean progress = true;
    private TrainConfig.StepListener listener;

    private Builder() {}

    /**
     * Adds a mechanism under {@code name}, which labels its rows and must say which options it was built with
     * when two entries share a factory ("aft-local s=8"): the name is what a results file is matched by.
     */
    public Builder mechanism(String name, AttentionFactory factory) {
      if (name == null || name.isBlank() || name.contains(",") || name.contains("\"")) {
        throw new IllegalArgumentException("a mechanism needs a name without commas or quotes, got '" + name + "'");
      }
      if (factory == null) {
        throw new IllegalArgumentException("mechanism '" + name + "' has no factory");
      }
      if (mechanisms.putIfAbsent(name, factory) != null) {
        throw new IllegalArgumentException("mechanism '" + name + "' was added twice");
      }
      return this;
    }

    /** Adds every entry of {@code named}, in its iteration order. */
    public Builder mechanisms(Map<String, AttentionFactory> named) {
      named.forEach(this::mechanism);
      return this;
    }

    /** Adds a task. */
    public Builder task(ShowdownTask task) {
      for (ShowdownTask t : tasks) {
        if (t.name().equals(task.name())) {
          throw new IllegalArgumentException("task '" + task.name() + "' was added twice");
        }
      }
      tasks.add(task);
      return this;
    }

    /** Adds every task of {@code list}, in order. */
    public Builder tasks(List<ShowdownTask> list) {
      list.forEach(this::task);
      return this;
    }

    /** The seeds (default {@link #DEFAULT_SEEDS}); distinct, at least one. */
    public Builder seeds(long... s) {
      if (s.length == 0) {
        throw new IllegalArgumentException("a showdown needs at least one seed");
      }
      if (new LinkedHashSet<>(Arrays.stream(s).boxed().toList()).size() != s.length) {
        throw new IllegalArgumentException("the seeds must be distinct, got " + Arrays.toString(s));
      }
      seeds = s.clone();
      return this;
    }

    /** Width D, heads and layers of every model (default 64, 4, 2, as in notebooks 02 and 03). */
    public Builder model(int dModel, int heads, int layers) {
      if (dModel < 1 || heads < 1 || layers < 1 || dModel % heads != 0) {
        throw new IllegalArgumentException(
            "model size needs positive D, heads and layers with heads dividing D, got D = " + dModel + ", " + heads
                + " heads, " + layers + " layers");
      }
      this.dModel = dModel;
      this.heads = heads;
      this.layers = layers;
      return this;
    }

    /** Optimisation steps per run (default 400). */
    public Builder steps(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("steps must be positive, got " + n);
      }
      steps = n;
      return this;
    }

    /** Examples per step (default 32). */
    public Builder batchSize(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("batch size must be positive, got " + n);
      }
      batchSize = n;
      return this;
    }

    /** Adam's learning rate (default 3e-3, as in notebooks 02 to 05). */
    public Builder learningRate(double lr) {
      if (!(lr > 0) || Double.isInfinite(lr)) {
        throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
      }
      learningRate = lr;
      return this;
    }

    /** {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} (default: {@code COURSE_DEVICE}, else auto). */
    public Builder device(String request) {
      device = request;
      return this;
    }

    /** Where finished runs are saved as they finish, and read back from on the next run (default: none). */
    public Builder resultsFile(Path file) {
      resultsFile = file;
      return this;
    }

    /** A progress bar over the runs (default true). */
    public Builder progress(boolean show) {
      progress = show;
      return this;
    }

    /** A callback after every training step of every run (for tests and logging). */
    public Builder listener(TrainConfig.StepListener l) {
      listener = l;
      return this;
    }

    public Showdown build() {
      if (mechanisms.isEmpty()) {
        throw new IllegalArgumentException("a showdown needs at least one mechanism");
      }
      if (tasks.isEmpty()) {
        throw new IllegalArgumentException("a showdown needs at least one task");
      }
      return new Showdown(this);
    }
  }
}
