package org.attentioncourse.cli;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.io.AtomicFiles;

/**
 * The command line: {@code java -jar lib/target/attention-course-lib.jar COMMAND ...}. See {@link #USAGE} (what
 * {@code --help} prints) and the package documentation.
 */
public final class Main {

  /** Exit status: success. */
  public static final int OK = 0;

  /** Exit status: the command failed while running (a download, a training error). */
  public static final int FAILED = 1;

  /** Exit status: bad command line or bad config; nothing was run. */
  public static final int USAGE_ERROR = 2;

  /** Exit status: training was stopped by an interrupt after saving a checkpoint (or, for PAPA, the finished points). */
  public static final int STOPPED = 130;

  static final String USAGE = """
      Usage: java -jar lib/target/attention-course-lib.jar COMMAND [OPTIONS]

      Train the course's attention models at the papers' sizes, from a config file, or run PAPA's sweep on the
      pretrained all-MiniLM-L6-v2 encoder with a GLUE task.

      Commands:
        train      train a model from a config (checkpoints, resume, results CSV), or run a PAPA sweep
        dry-run    build the full-size model, time a few steps, estimate memory and run time
        download   fetch a dataset (enwik8, wikitext-103, glue-TASK), check its SHA-256, unpack it safely
        configs    list the built-in configs, or print one:  configs NAME > my.ini
        check      check a config file and print its effective settings
        help       this text, or help COMMAND

      Every command takes --help. Exit status: 0 done, 1 failed, 2 bad command line or config,
      130 stopped by an interrupt (checkpoint or finished sweep points saved).

      Examples:
        java -jar lib/target/attention-course-lib.jar dry-run --config aft-local-enwik8
        java -jar lib/target/attention-course-lib.jar download enwik8 --to data/enwik8 --trust-first-download
        java -jar lib/target/attention-course-lib.jar train --config aft-local-enwik8 --device all-gpus
        java -jar lib/target/attention-course-lib.jar train --config aft-local-enwik8 --resume
        java -jar lib/target/attention-course-lib.jar train --config papa-minilm-sst2 --out runs/papa-sst2
      """;

  static final String TRAIN_HELP = """
      Usage: train --config FILE|NAME [--out DIR] [--resume] [--device D] [--data-root DIR] [--threads N]

      Trains the model of a config (a file, or the name of a built-in config: see 'configs').
        --out DIR        run folder (default runs/NAME): config.ini, results.csv, checkpoints/, final.params
        --resume         continue from the newest checkpoint in the run folder: parameters, Adam state
                         (m, v, t), step and data order are restored, so the loss curve continues exactly
        --device D       auto | cpu | gpu | gpu:N | all-gpus (overrides [training] device); all-gpus splits
                         each batch across every GPU (DJL multi-device training)
        --data-root DIR  folder that relative data paths in the config start from (default: working dir)
        --threads N      libtorch threads (default: libtorch's choice)

      A checkpoint is written every checkpoint_every steps (atomically; the newest keep_checkpoints are
      kept), so a crash loses at most that many steps. Ctrl-C or SIGTERM stops after the current step and
      saves first (it waits up to 10 minutes for that step; exit status 130); run the same command with
      --resume to continue. Resuming with another model, task, seed, batch, lr or clip_grad is refused;
      steps, intervals and the device may change.
      Progress: a line every log_every steps. Results: results.csv, one row per evaluation (split =
      validation) and a final test row; in a notebook: ResultsCsv.read(Path.of(".../results.csv")), or
      Table.read().csv(".../results.csv").

      PAPA configs ([task] type = glue, e.g. papa-minilm-sst2) run the PAPA sweep on the frozen pretrained
      encoder instead: read train.tsv and dev.tsv from [task] data_dir (data/glue/SST-2/ and so on, under
      --data-root), average the constant matrices over the training examples, train the head gates with
      PAPA's probe (gate_epochs at gate_lr), then for every static fraction replace that share of heads
      (lowest gate first), train a fresh probe (probe_epochs at probe_lr) and score it on dev.tsv: Matthews correlation for CoLA, accuracy for SST-2 and MRPC. Epochs
      become steps as ceil(epochs × training examples / batch); all rows of train.tsv are used unless
      [task] train_examples caps them (a seeded sample). The run folder holds config.ini, train.constants,
      gates.csv and sweep.csv (one row per point, appended as it finishes; Table.read().csv(...)). Ctrl-C
      stops before the next step or batch (a part cut short is redone); --resume reads back the
      constants, the gates and the finished points and scores only the rest. Resuming with other model,
      task, batch, seed, epochs or learning rates is refused; static_fractions may change.
      --device takes auto | cpu | gpu | gpu:N (one device).
      """;

  static final String DRY_RUN_HELP = """
      Usage: dry-run --config FILE|NAME [--device D] [--layers N] [--batch B] [--steps S] [--one-batch]
                     [--data-root DIR] [--threads N]

      Estimates a full-size run in well under a minute, writing nothing:
        - builds the model of the config at full size and counts its parameters;
        - trains a slice of it, N layers (default 1) at the full sequence length, for one warm-up step and
          S timed steps (default 3; the fastest counts) at batch B (default 1; also batch 8 when steps are
          short, to separate fixed from per-example cost; --one-batch skips it, for a linear estimate in
          less memory);
        - prints the time per step scaled to all layers and the config's batch, times the number of steps,
          and the memory: 16 bytes per parameter (weights, gradients, Adam m and v) + activations measured
          on the slice, with what each further layer stores found from a slice twice as deep (one step),
          scaled to the config's batch.
      The layers are identical, so layer scaling is exact up to the small embedding and output layers;
      batch scaling is linear (one CPU), so time on a GPU with --device gpu. Without the dataset on disk
      the steps use random tokens of the same shape. --device defaults to cpu.

      PAPA configs ([task] type = glue): prints the plan (encoder, T, the fractions as numbers of heads,
      epochs and learning rates) and, with train.tsv and dev.tsv on disk, the gate and probe steps they
      give; then loads the encoder, times one batch of real training examples (a forward pass, a gate step
      through the encoder and a probe step; the fastest of S) and estimates the constant matrices, the gates
      and the sweep. Without the data it says which file is missing and stops after the plan (exit status
      0). --batch, --layers and --one-batch do not apply (the whole encoder is timed at the config's batch).
      """;

  static final String DOWNLOAD_HELP = """
      Usage: download DATASET --to DIR [--sha256 HEX | --trust-first-download] [--url URL]

      Downloads DATASET's archive into DIR, checks its SHA-256, unpacks it into DIR and checks the result.
        DATASET                  enwik8 | wikitext-103 | glue-cola | glue-sst2 | glue-mrpc | glue-mnli |
                                 glue-qnli | glue-qqp | glue-rte | glue-stsb | glue-wnli
        --sha256 HEX             the archive's SHA-256 from a source you trust; anything else is rejected
        --trust-first-download   keep what arrives and record its SHA-256 in DIR/sha256.lock
                                 (sha256sum format); later downloads and checks must match it
        --url URL                another source (https:, http:, file:), e.g. a mirror or a local copy

      The course pins no SHA-256 for these archives (none could be confirmed), so the first download
      needs --sha256 or --trust-first-download; a value already in DIR/sha256.lock is used without them.
      The archive streams into DIR/NAME.part and is kept only if complete and matching; otherwise the
      .part file is deleted and the message says so. Unpacking rejects entries that would land outside
      DIR (absolute paths, '..', links pointing out) and leaves nothing behind if it fails. enwik8 must
      unpack to exactly 10^8 bytes.

      Configs expect: enwik8 in data/enwik8, wikitext-103 in data/wikitext-103, GLUE in data/glue.
      """;

  static final String CONFIGS_HELP = """
      Usage: configs [NAME]

      Without NAME, lists the built-in configs (the papers' headline setups and a quick demo).
      With NAME, prints that config; save it with 'configs NAME > my.ini', edit, and pass --config my.ini.
      """;

  static final String CHECK_HELP = """
      Usage: check --config FILE|NAME

      Checks a config (unknown keys, bad values, missing settings: each error names the file, the line,
      the key and what is allowed) and prints every effective setting, defaults included.
      """;

  private final PrintStream out;
  private final PrintStream err;
  private final AtomicBoolean stop;

  Main(PrintStream out, PrintStream err, AtomicBoolean stop) {
    this.out = out;
    this.err = err;
    this.stop = stop;
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    quietDefaults();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      if (done.getCount() > 0) {
        stop.set(true);
        System.err.println("\nStopping after the current step (a checkpoint is saved first)...");
        try {
          done.await(10, TimeUnit.MINUTES); // the JVM exits when the hooks return: wait for the save
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "stop-training");
    Runtime.getRuntime().addShutdownHook(hook);
    int status;
    try {
      status = new Main(System.out, System.err, stop).run(args);
    } finally {
      done.countDown();
    }
    System.out.flush();
    System.exit(status);
  }

  /**
   * Runs one command in this JVM, printing to {@code System.out} and {@code System.err}, and returns its exit
   * status instead of exiting: for a notebook or a program that calls the command line as a library. Stopping
   * is by the thread's interrupt (stopping the kernel), which training checks before every step.
   *
   * <pre>{@code
   * int status = Main.execute("dry-run", "--config", "cosformer-enwik8");
   * }</pre>
   */
  public static int execute(String... args) {
    quietDefaults();
    // Whole lines only: a notebook kernel sends every write as its own message, and printf writes a line in
    // pieces, which a rendered notebook then shows one piece per line.
    PrintStream out = new PrintStream(new LineOutputStream(System.out), false, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new LineOutputStream(System.err), false, StandardCharsets.UTF_8);
    try {
      return new Main(out, err, new AtomicBoolean()).run(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Passes bytes on a line at a time (and whatever is left when flushed). */
  private static final class LineOutputStream extends java.io.OutputStream {
    private final PrintStream target;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    LineOutputStream(PrintStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      line.write(b);
      if (b == '\n') {
        flush();
      }
    }

    @Override
    public void flush() {
      if (line.size() > 0) {
        target.print(line.toString(StandardCharsets.UTF_8));
        target.flush();
        line.reset();
      }
    }
  }

  /** Quiet logging and an offline engine unless the caller set otherwise (as the notebooks' kernel does). */
  static void quietDefaults() {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }
    if (System.getProperty("ai.djl.offline") == null) {
      String env = System.getenv("COURSE_DJL_OFFLINE");
      System.setProperty("ai.djl.offline", env == null || env.isBlank() ? "true" : env);
    }
  }

  /** Runs one command; returns the exit status. */
  int run(String[] args) {
    if (args.length == 0) {
      err.print(USAGE);
      return USAGE_ERROR;
    }
    String command = args[0];
    List<String> rest = List.of(args).subList(1, args.length);
    try {
      return switch (command) {
        case "train" -> train(rest);
        case "dry-run" -> dryRun(rest);
        case "download" -> download(rest);
        case "configs" -> configs(rest);
        case "check" -> check(rest);
        case "help", "--help", "-h" -> help(rest);
        default -> usage("unknown command '" + command + "'"
            + ExperimentConfig.suggestion(command, List.of("train", "dry-run", "download", "configs", "check", "help")),
            USAGE);
      };
    } catch (UsageException e) {
      return usage(e.getMessage(), e.help);
    } catch (ConfigException e) {
      err.println("config error: " + e.getMessage());
      return USAGE_ERROR;
    } catch (RuntimeException e) {
      err.println(command + " failed: " + message(e));
      return FAILED;
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.toString() : m;
  }

  private int usage(String problem, String help) {
    err.println(problem);
    err.println();
    err.print(help);
    return USAGE_ERROR;
  }

  private int help(List<String> rest) {
    String topic = rest.isEmpty() ? "" : rest.get(0);
    out.print(switch (topic) {
      case "train" -> TRAIN_HELP;
      case "dry-run" -> DRY_RUN_HELP;
      case "download" -> DOWNLOAD_HELP;
      case "configs" -> CONFIGS_HELP;
      case "check" -> CHECK_HELP;
      default -> USAGE;
    });
    return OK;
  }

  // ----- commands

  private int train(List<String> args) {
    Options o = Options.parse(args, TRAIN_HELP, Set.of("--config", "--out", "--device", "--data-root", "--threads"),
        Set.of("--resume"));
    if (o.help) {
      out.print(TRAIN_HELP);
      return OK;
    }
    applyThreads(o);
    Loaded c = loadConfig(o.required("--config"));
    Path root = Path.of(o.value("--data-root", "."));
    Path outDir = Path.of(o.value("--out", "runs/" + c.name));
    String device = o.values.get("--device");
    if (device != null) {
      checkDevice(device);
    }
    boolean resume = o.flags.contains("--resume");
    out.println("Config " + c.config.file().source() + ": " + c.config.summary());
    if (c.config.task().type().equals("glue")) {
      boolean done = PapaRun.train(new PapaRun.Settings(c.config, c.name, outDir, root,
          device != null ? device.toLowerCase(Locale.ROOT) : c.config.training().device(), resume, out, stop::get));
      return done ? OK : STOPPED;
    }
    TaskSetup.Data data = TaskSetup.prepare(c.config, root);
    TransformerModel model = Models.build(c.config.model(), data.task(), c.config.task().isLanguageModel());
    if (!resume || !Files.exists(outDir.resolve("config.ini"))) {
      AtomicFiles.writeString(outDir.resolve("config.ini"), c.config.file().text());
    }
    ResumableRun.Outcome r = ResumableRun.run(model, data,
        ResumableRun.Settings.of(c.config, c.name, outDir, device, resume, out, stop));
    return r.stopped() ? STOPPED : OK;
  }

  private int dryRun(List<String> args) {
    Options o = Options.parse(args, DRY_RUN_HELP,
        Set.of("--config", "--device", "--batch", "--steps", "--layers", "--data-root", "--threads"),
        Set.of("--one-batch"));
    if (o.help) {
      out.print(DRY_RUN_HELP);
      return OK;
    }
    applyThreads(o);
    Loaded c = loadConfig(o.required("--config"));
    if (c.config.task().type().equals("glue")) {
      for (String notForPapa : List.of("--batch", "--layers", "--one-batch")) {
        if (o.values.containsKey(notForPapa) || o.flags.contains(notForPapa)) {
          throw new UsageException("dry-run: " + notForPapa + " applies to course models; a PAPA dry run times the"
              + " whole encoder at the config's batch", DRY_RUN_HELP);
        }
      }
      String device = o.value("--device", "cpu");
      checkDevice(device);
      PapaDryRun.run(c.config, Path.of(o.value("--data-root", ".")), device.toLowerCase(Locale.ROOT),
          o.integer("--steps", 3, 1), out);
      return OK;
    }
    DryRun.Options d = new DryRun.Options(
        o.integer("--steps", 3, 1), o.integer("--batch", 1, 1), o.integer("--layers", 1, 1), o.value("--device", "cpu"),
        o.flags.contains("--one-batch"));
    checkDevice(d.device());
    DryRun.run(c.config, Path.of(o.value("--data-root", ".")), d, out);
    return OK;
  }

  private int download(List<String> args) {
    Options o = Options.parse(args, DOWNLOAD_HELP, Set.of("--to", "--sha256", "--url"), Set.of("--trust-first-download"));
    if (o.help) {
      out.print(DOWNLOAD_HELP);
      return OK;
    }
    if (o.positional.size() != 1) {
      throw new UsageException("download: name one dataset (got " + o.positional.size() + ")", DOWNLOAD_HELP);
    }
    Datasets.Dataset d;
    try {
      d = Datasets.get(o.positional.get(0));
    } catch (IllegalArgumentException e) {
      throw new UsageException("download: " + e.getMessage(), DOWNLOAD_HELP);
    }
    if (o.values.containsKey("--sha256") && o.flags.contains("--trust-first-download")) {
      throw new UsageException("download: give --sha256 or --trust-first-download, not both", DOWNLOAD_HELP);
    }
    Path to = Path.of(o.required("--to"));
    Datasets.Options opts = new Datasets.Options(o.values.get("--url"), o.values.get("--sha256"),
        o.flags.contains("--trust-first-download"));
    try {
      Datasets.expectedSha256(d, to.resolve(d.archive()), to.resolve(Datasets.LOCK_FILE), opts);
    } catch (IllegalArgumentException e) {
      throw new UsageException("download: " + e.getMessage(), DOWNLOAD_HELP);
    }
    Datasets.download(d, to, opts, out);
    return OK;
  }

  private int configs(List<String> args) {
    if (args.contains("--help")) {
      out.print(CONFIGS_HELP);
      return OK;
    }
    if (args.isEmpty()) {
      out.println("Built-in configs (print one with: configs NAME):");
      for (String name : builtInNames()) {
        ExperimentConfig c = ExperimentConfig.parse(name + ".ini", builtIn(name));
        out.printf(Locale.ROOT, "  %-40s %s%n", name, firstComment(builtIn(name)));
        out.printf(Locale.ROOT, "  %-40s %s%n", "", c.summary());
      }
      return OK;
    }
    if (args.size() > 1) {
      throw new UsageException("configs: name at most one config", CONFIGS_HELP);
    }
    String name = stripIni(args.get(0));
    if (!builtInNames().contains(name)) {
      throw new UsageException("configs: no built-in config '" + name + "'"
          + ExperimentConfig.suggestion(name, builtInNames()) + "; built-in: " + String.join(", ", builtInNames()),
          CONFIGS_HELP);
    }
    out.print(builtIn(name));
    return OK;
  }

  private int check(List<String> args) {
    Options o = Options.parse(args, CHECK_HELP, Set.of("--config"), Set.of());
    if (o.help) {
      out.print(CHECK_HELP);
      return OK;
    }
    Loaded c = loadConfig(o.required("--config"));
    out.println(c.config.file().source() + ": valid. " + c.config.summary());
    c.config.effective().forEach((k, v) -> out.println("  " + k + " = " + v));
    return OK;
  }

  // ----- helpers

  private void checkDevice(String device) {
    String d = device.toLowerCase(Locale.ROOT);
    if (!(d.equals("auto") || d.equals("cpu") || d.equals("gpu") || d.equals("all-gpus") || d.matches("gpu:\\d+"))) {
      throw new UsageException("--device '" + device + "' is not one of: " + String.join(", ", ExperimentConfig.DEVICES),
          USAGE);
    }
  }

  private static void applyThreads(Options o) {
    if (o.values.containsKey("--threads")) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(o.integer("--threads", 0, 1)));
    }
  }

  /** A parsed config and the run name derived from it. */
  record Loaded(ExperimentConfig config, String name) {}

  /** A config file, or a built-in config by name. */
  static Loaded loadConfig(String spec) {
    Path p = Path.of(spec);
    if (Files.isRegularFile(p)) {
      return new Loaded(ExperimentConfig.of(ConfigFile.read(p)), stripIni(p.getFileName().toString()));
    }
    String name = stripIni(spec);
    if (!spec.contains("/") && builtInNames().contains(name)) {
      return new Loaded(ExperimentConfig.parse(name + ".ini", builtIn(name)), name);
    }
    throw new UsageException("no config file " + p.toAbsolutePath() + " and no built-in config named '" + spec + "'"
        + ExperimentConfig.suggestion(name, builtInNames()) + "; built-in: " + String.join(", ", builtInNames()), USAGE);
  }

  private static String stripIni(String name) {
    return name.endsWith(".ini") ? name.substring(0, name.length() - 4) : name;
  }

  /** The built-in config names, from {@code configs/INDEX}. */
  static List<String> builtInNames() {
    List<String> names = new ArrayList<>();
    for (String line : resource("INDEX").split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.strip());
      }
    }
    return names;
  }

  /** The text of a built-in config. */
  static String builtIn(String name) {
    return resource(name + ".ini");
  }

  private static String resource(String name) {
    try (InputStream in = Main.class.getResourceAsStream("/configs/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the built-in config resource configs/" + name + " is missing from this build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstComment(String text) {
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        return line.substring(1).strip();
      }
    }
    return "";
  }

  /** A command line that cannot be used; printed with the command's help. */
  static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    final String help;

    UsageException(String message, String help) {
      super(message);
      this.help = help;
    }
  }

  /** {@code --key value} options, {@code --flag}s and positional arguments, checked against what is allowed. */
  static final class Options {
    final Map<String, String> values = new LinkedHashMap<>();
    final Set<String> flags = new java.util.HashSet<>();
    final List<String> positional = new ArrayList<>();
    final String helpText;
    boolean help;

    private Options(String helpText) {
      this.helpText = helpText;
    }

    static Options parse(List<String> args, String helpText, Set<String> valued, Set<String> flagNames) {
      Options o = new Options(helpText);
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (a.equals("--help") || a.equals("-h")) {
          o.help = true;
        } else if (valued.contains(a)) {
          if (i + 1 >= args.size()) {
            throw new UsageException(a + " needs a value", helpText);
          }
          if (o.values.put(a, args.get(++i)) != null) {
            throw new UsageException(a + " given twice", helpText);
          }
        } else if (a.contains("=") && valued.contains(a.substring(0, a.indexOf('=')))) {
          o.values.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        } else if (flagNames.contains(a)) {
          o.flags.add(a);
        } else if (a.startsWith("--")) {
          List<String> known = new ArrayList<>(valued);
          known.addAll(flagNames);
          known.add("--help");
          java.util.Collections.sort(known);
          throw new UsageException("unknown option " + a + ExperimentConfig.suggestion(a, known) + "; options: "
              + String.join(", ", known), helpText);
        } else {
          o.positional.add(a);
        }
      }
      if (!o.help && !o.positional.isEmpty() && !valued.contains("--to")) {
        throw new UsageException("unexpected argument '" + o.positional.get(0) + "'", helpText);
      }
      return o;
    }

    String required(String key) {
      String v = values.get(key);
      if (v == null) {
        throw new UsageException(key + " is required", helpText);
      }
      return v;
    }

    String value(String key, String def) {
      return values.getOrDefault(key, def);
    }

    int integer(String key, int def, int min) {
      String v = values.get(key);
      if (v == null) {
        return def;
      }
      try {
        int n = Integer.parseInt(v);
        if (n < min) {
          throw new UsageException(key + " must be at least " + min + ", got " + n, helpText);
        }
        return n;
      } catch (NumberFormatException e) {
        throw new UsageException(key + " '" + v + "' is not a whole number", helpText);
      }
    }
  }
}
