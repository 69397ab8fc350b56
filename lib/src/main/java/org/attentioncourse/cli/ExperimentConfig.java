package org.attentioncourse.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.attentioncourse.data.AnswerLayout;
import org.attentioncourse.data.AssociativeRecall;
import org.attentioncourse.data.Lookup;
import org.attentioncourse.train.TrainConfig;

/**
 * An experiment config, read from a {@link ConfigFile} and checked completely before anything runs: every key
 * must be known for its section (and, in {@code [model]}, for the chosen mechanism; in {@code [task]}, for the
 * chosen type), every value must parse and lie in range. Errors name the file, the line, the section, the key
 * and what is allowed; a misspelt key gets a suggestion.
 *
 * <p>Sections and keys (defaults in brackets) — the reference that {@code --help} and the package documentation
 * print:
 *
 * <pre>
 * [model]
 *   mechanism   one of {@link Mechanisms#names()} (required, except with encoder)
 *   layers [2]  width [64]  heads [4]  ffn [4 × width]
 *   max_length  [the task's length; if given it must equal it]
 *   + the mechanism's options, e.g. window and factor_dim for aft-local (see {@link Mechanisms})
 *   encoder     all-minilm-l6-v2: a pretrained BERT-class encoder instead of a course model (PAPA, GLUE only)
 * [task]
 *   type        copy | reverse | sort | lookup | associative-recall | listops | chars-lm | bytes-lm | glue
 *   copy, reverse, sort:     n [8], alphabet [10]
 *   lookup:                  n [8]
 *   associative-recall:      pairs [4], key_alphabet [16], value_alphabet [10]
 *   listops:                 length [64], max_depth [3], min_args [2], max_args [5], nest_probability [0.3]
 *   the six above:           train_examples [5000], validation_examples [500], test_examples [500]
 *   chars-lm:                text (a file, or moby-dick), length [128], lower_case [false],
 *                            collapse_whitespace [false]
 *   bytes-lm:                dataset (enwik8 | wikitext-103 | file), data_dir (enwik8, wikitext-103),
 *                            file (dataset = file), length [1024]
 *   chars-lm and bytes-lm:   validation_windows [256], test_windows [1024]
 *   glue:                    glue_task (cola | sst2 | mrpc), data_dir, max_length [64],
 *                            train_examples [all: a seeded sample of that many training rows otherwise]
 * [training]
 *   steps (required, except for glue)  batch [32]  lr [1e-3]  seed [42]  clip_grad [1.0]
 *   checkpoint_every [1000]  keep_checkpoints [2]  eval_every [500]  log_every [50]
 *   device [auto]: auto | cpu | gpu | gpu:N | all-gpus
 *   glue takes only batch, seed, log_every and device (one device)
 * [papa]  (glue only)
 *   static_fractions [0, 0.5, 0.875, 0.9375, 1]  gate_epochs [15]  gate_lr [2e-5]
 *   probe_epochs [10]  probe_lr [1e-3]
 * </pre>
 *
 * Relative paths ({@code text}, {@code file}, {@code data_dir}) are resolved against the folder given by {@code
 * --data-root} (default: the working directory).
 */
public final class ExperimentConfig {

  /** The sections a config may have. */
  public static final List<String> SECTIONS = List.of("model", "task", "training", "papa");

  /** Task types. */
  public static final List<String> TASK_TYPES =
      List.of("copy", "reverse", "sort", "lookup", "associative-recall", "listops", "chars-lm", "bytes-lm", "glue");

  /** Corpora of {@code bytes-lm}. */
  public static final List<String> BYTE_DATASETS = List.of("enwik8", "wikitext-103", "file");

  /** GLUE tasks the course's readers understand ({@link org.attentioncourse.papa.GlueTsv}). */
  public static final List<String> GLUE_TASKS = List.of("cola", "sst2", "mrpc");

  /** {@code train_examples} of a GLUE task when the config sets none: every row of train.tsv. */
  public static final int ALL_EXAMPLES = 0;

  /** Pretrained encoders a PAPA config may name. */
  public static final List<String> ENCODERS = List.of("all-minilm-l6-v2");

  /** Device requests. */
  public static final List<String> DEVICES = List.of("auto", "cpu", "gpu", "gpu:N", "all-gpus");

  /**
   * The model.
   *
   * @param mechanism a {@link Mechanisms} name, or null with an encoder
   * @param encoder an {@link #ENCODERS} name, or null
   * @param maxLength the model's longest input (the task's length)
   * @param options the mechanism's option values, defaults filled in
   */
  public record Model(
      String mechanism, String encoder, int layers, int width, int heads, int ffn, int maxLength, Map<String, Integer> options) {}

  /**
   * The task: its type and its settings, parsed (Integer, Double, Boolean or String), defaults filled in.
   * Paths stay strings until {@link TaskSetup} resolves them.
   */
  public record Task(String type, Map<String, Object> settings) {

    public int integer(String key) {
      return (Integer) settings.get(key);
    }

    public double number(String key) {
      return (Double) settings.get(key);
    }

    public boolean flag(String key) {
      return (Boolean) settings.get(key);
    }

    public String string(String key) {
      return (String) settings.get(key);
    }

    public boolean isLanguageModel() {
      return type.equals("chars-lm") || type.equals("bytes-lm");
    }

    public boolean isCourseTask() {
      return !isLanguageModel() && !type.equals("glue");
    }
  }

  /** Training settings. */
  public record Training(
      int steps,
      int batch,
      double lr,
      long seed,
      double clipGrad,
      int checkpointEvery,
      int keepCheckpoints,
      int evalEvery,
      int logEvery,
      String device) {}

  /** PAPA settings (GLUE configs only). */
  public record Papa(List<Double> staticFractions, int gateEpochs, double gateLr, int probeEpochs, double probeLr) {}

  private final ConfigFile file;
  private final Model model;
  private final Task task;
  private final Training training;
  private final Papa papa;
  private final Map<String, String> effective; // "section.key" → canonical value, defaults included

  private ExperimentConfig(ConfigFile file, Model model, Task task, Training training, Papa papa, Map<String, String> effective) {
    this.file = file;
    this.model = model;
    this.task = task;
    this.training = training;
    this.papa = papa;
    this.effective = effective;
  }

  /** Parses and checks {@code file}. */
  public static ExperimentConfig of(ConfigFile file) {
    return new Reader(file).read();
  }

  /** Parses and checks {@code text} ({@code source} names it in messages). */
  public static ExperimentConfig parse(String source, String text) {
    return of(ConfigFile.parse(source, text));
  }

  public ConfigFile file() {
    return file;
  }

  public Model model() {
    return model;
  }

  public Task task() {
    return task;
  }

  public Training training() {
    return training;
  }

  /** The PAPA settings, or null when the task is not GLUE. */
  public Papa papa() {
    return papa;
  }

  /** Every setting with its effective value ("section.key" → value), defaults included, in a stable order. */
  public Map<String, String> effective() {
    return java.util.Collections.unmodifiableMap(effective);
  }

  /**
   * The settings a checkpoint must agree with to be resumed: the model, the task (except where its data lives)
   * and the training settings that shape the loss curve (seed, batch, lr, clip_grad). Steps, intervals and the
   * device may change between a run and its resumption.
   */
  public Map<String, String> fingerprint() {
    Map<String, String> f = new TreeMap<>();
    effective.forEach((k, v) -> {
      boolean modelOrTask = k.startsWith("model.") || (k.startsWith("task.") && !RESUMABLE_TASK_KEYS.contains(k));
      boolean curve = k.equals("training.seed") || k.equals("training.batch") || k.equals("training.lr")
          || k.equals("training.clip_grad");
      if (modelOrTask || curve) {
        f.put(k, v);
      }
    });
    return f;
  }

  private static final Set<String> RESUMABLE_TASK_KEYS = Set.of("task.data_dir", "task.file", "task.text");

  /** The fingerprint as text: one {@code key=value} per line. */
  public String fingerprintText() {
    StringBuilder s = new StringBuilder();
    fingerprint().forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
    return s.toString();
  }

  /** A one-line summary for logs. */
  public String summary() {
    String what = model.encoder() != null ? model.encoder() : model.mechanism();
    String size = String.format(Locale.ROOT, "%s, %d layers × %d wide, h = %d, ffn %d, T = %d; task %s", what,
        model.layers(), model.width(), model.heads(), model.ffn(), model.maxLength(), task.type());
    if (papa != null) {
      return size + " " + task.string("glue_task") + "; PAPA with static fractions " + papa.staticFractions();
    }
    return size + String.format(Locale.ROOT, "; %d steps of batch %d, lr %s", training.steps(), training.batch(),
        training.lr());
  }

  // ---------------------------------------------------------------------------------------------------------

  /** Reads typed values, remembers which keys were used, and reports the rest as unknown. */
  private static final class Reader {
    private final ConfigFile f;
    private final Map<String, String> effective = new LinkedHashMap<>();

    Reader(ConfigFile f) {
      this.f = f;
    }

    ExperimentConfig read() {
      for (String s : f.sections()) {
        if (!SECTIONS.contains(s)) {
          throw new ConfigException(f.source(), f.sectionLine(s), s, null,
              "unknown section" + suggestion(s, SECTIONS) + "; allowed sections: " + String.join(", ", SECTIONS));
        }
      }
      for (String s : List.of("model", "task", "training")) {
        if (!f.has(s)) {
          throw new ConfigException(f.source(), 0, s, null, "section missing; every config needs [model], [task] and [training]");
        }
      }
      Task task = task();
      Model model = model(task);
      Training training = training(task.type().equals("glue"));
      Papa papa = papa(task);
      return new ExperimentConfig(f, model, task, training, papa, effective);
    }

    // ----- [model]

    Model model(Task task) {
      String s = "model";
      String encoder = f.get(s, "encoder").isPresent() ? choice(s, "encoder", ENCODERS, null) : null;
      boolean glue = task.type().equals("glue");
      if (glue && encoder == null) {
        throw new ConfigException(f.source(), f.sectionLine(s), s, "encoder",
            "a glue (PAPA) task needs a pretrained encoder: set encoder = " + String.join(" | ", ENCODERS));
      }
      if (!glue && encoder != null) {
        throw new ConfigException(f.source(), line(s, "encoder"), s, "encoder",
            "a pretrained encoder is only used with [task] type = glue (PAPA); course models take mechanism = ...");
      }
      if (encoder != null) {
        if (f.get(s, "mechanism").isPresent()) {
          throw new ConfigException(f.source(), line(s, "mechanism"), s, "mechanism",
              "the encoder " + encoder + " has its own (softmax) attention; remove mechanism");
        }
        rejectUnknown(s, Set.of("encoder"), "with encoder = " + encoder
            + " (its size is fixed by the pretrained weights: 6 layers, 384 wide, 12 heads)");
        return new Model(null, encoder, 6, 384, 12, 1536, task.integer("max_length"), Map.of());
      }
      String mechanism = choice(s, "mechanism", Mechanisms.names(), null);
      Mechanisms.Spec spec = Mechanisms.get(mechanism);
      int layers = integer(s, "layers", 2, 1, 1000);
      int width = integer(s, "width", 64, 1, 1 << 16);
      int heads = integer(s, "heads", 4, 1, 4096);
      if (width % heads != 0 && !mechanism.startsWith("aft-")) {
        throw new ConfigException(f.source(), line(s, "heads"), s, "heads",
            heads + " heads do not divide width " + width + "; choose heads so that width / heads is whole");
      }
      int ffn = integer(s, "ffn", 4 * width, 1, 1 << 20);
      int taskLength = task.integer("length");
      int maxLength = integer(s, "max_length", taskLength, 1, 1 << 20);
      if (maxLength != taskLength) {
        throw new ConfigException(f.source(), line(s, "max_length"), s, "max_length",
            maxLength + " differs from the task's length " + taskLength
                + " (the model sees windows of exactly that length); drop max_length or make them equal");
      }
      Map<String, Integer> options = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> o : spec.options().entrySet()) {
        int min = o.getKey().equals("factor_dim") || o.getKey().equals("conv_heads") ? 0 : 1;
        options.put(o.getKey(), integer(s, o.getKey(), o.getValue(), min, 1 << 20));
      }
      if (mechanism.equals("aft-conv") && options.get("conv_heads") > 0 && width % options.get("conv_heads") != 0) {
        throw new ConfigException(f.source(), line(s, "conv_heads"), s, "conv_heads",
            options.get("conv_heads") + " does not divide width " + width);
      }
      if (mechanism.equals("aft-conv") && options.get("conv_heads") == 0 && width % heads != 0) {
        throw new ConfigException(f.source(), line(s, "heads"), s, "heads",
            "aft-conv uses the model's heads as its h: " + heads + " does not divide width " + width);
      }
      Set<String> allowed = new LinkedHashSet<>(List.of("mechanism", "layers", "width", "heads", "ffn", "max_length"));
      allowed.addAll(spec.options().keySet());
      rejectUnknown(s, allowed, "for mechanism " + mechanism);
      return new Model(mechanism, null, layers, width, heads, ffn, maxLength, options);
    }

    // ----- [task]

    Task task() {
      String s = "task";
      String type = choice(s, "type", TASK_TYPES, null);
      Map<String, Object> v = new LinkedHashMap<>();
      Set<String> allowed = new LinkedHashSet<>(List.of("type"));
      switch (type) {
        case "copy", "reverse", "sort" -> {
          v.put("n", integer(s, "n", AnswerLayout.DEFAULT_N, 1, 4096));
          v.put("alphabet", integer(s, "alphabet", AnswerLayout.DEFAULT_ALPHABET, 2, 1 << 16));
          v.put("length", 2 * (Integer) v.get("n") + 1);
        }
        case "lookup" -> {
          v.put("n", integer(s, "n", Lookup.DEFAULT_N, 2, Lookup.MAX_N));
          v.put("length", (Integer) v.get("n") + 2);
        }
        case "associative-recall" -> {
          v.put("pairs", integer(s, "pairs", AssociativeRecall.DEFAULT_PAIRS, 1, 1024));
          v.put("key_alphabet", integer(s, "key_alphabet", AssociativeRecall.DEFAULT_KEY_ALPHABET, 2,
              AssociativeRecall.MAX_KEY_ALPHABET));
          v.put("value_alphabet", integer(s, "value_alphabet", AssociativeRecall.DEFAULT_VALUE_ALPHABET, 2,
              AssociativeRecall.MAX_VALUE_ALPHABET));
        }
        case "listops" -> {
          v.put("length", integer(s, "length", 64, 4, 1 << 16));
          v.put("max_depth", integer(s, "max_depth", 3, 1, 64));
          v.put("min_args", integer(s, "min_args", 2, 1, 64));
          v.put("max_args", integer(s, "max_args", 5, 1, 64));
          v.put("nest_probability", number(s, "nest_probability", 0.3, 0, 1));
        }
        case "chars-lm" -> {
          v.put("text", string(s, "text", null));
          v.put("length", integer(s, "length", 128, 1, 1 << 20));
          v.put("lower_case", bool(s, "lower_case", false));
          v.put("collapse_whitespace", bool(s, "collapse_whitespace", false));
        }
        case "bytes-lm" -> {
          String dataset = choice(s, "dataset", BYTE_DATASETS, null);
          v.put("dataset", dataset);
          if (dataset.equals("file")) {
            v.put("file", string(s, "file", null));
          } else {
            v.put("data_dir", string(s, "data_dir", "data/" + dataset));
          }
          v.put("length", integer(s, "length", 1024, 1, 1 << 20));
        }
        case "glue" -> {
          v.put("glue_task", choice(s, "glue_task", GLUE_TASKS, null));
          v.put("data_dir", string(s, "data_dir", "data/glue"));
          v.put("max_length", integer(s, "max_length", 64, 4, 512));
          v.put("length", v.get("max_length"));
          // all rows unless capped: a full GLUE sweep is hours per point on a CPU, and a cap must be asked for
          if (f.get(s, "train_examples").isPresent()) {
            v.put("train_examples", integer(s, "train_examples", null, 1, 100_000_000));
          } else {
            v.put("train_examples", ALL_EXAMPLES);
            effective.put(s + ".train_examples", "all");
          }
        }
        default -> throw new IllegalStateException(type);
      }
      if (List.of("copy", "reverse", "sort", "lookup", "associative-recall", "listops").contains(type)) {
        v.put("train_examples", integer(s, "train_examples", 5000, 1, 100_000_000));
        v.put("validation_examples", integer(s, "validation_examples", 500, 1, 10_000_000));
        v.put("test_examples", integer(s, "test_examples", 500, 1, 10_000_000));
      }
      if (type.endsWith("-lm")) {
        v.put("validation_windows", integer(s, "validation_windows", 256, 1, 10_000_000));
        v.put("test_windows", integer(s, "test_windows", 1024, 1, 10_000_000));
      }
      allowed.addAll(v.keySet());
      if (!type.equals("listops") && !type.endsWith("-lm")) {
        allowed.remove("length"); // derived from n (or pairs), not a setting
      }
      if (type.equals("glue")) {
        allowed.remove("length");
      }
      rejectUnknown(s, allowed, "for type " + type);
      if (type.equals("listops") && (Integer) v.get("min_args") > (Integer) v.get("max_args")) {
        throw new ConfigException(f.source(), line(s, "min_args"), s, "min_args",
            v.get("min_args") + " is more than max_args " + v.get("max_args"));
      }
      Task t = new Task(type, v);
      if (t.isCourseTask()) {
        // build the task once: its own checks (sizes that cannot work together) become config errors here
        try {
          v.put("length", TaskSetup.courseTask(t).length());
        } catch (IllegalArgumentException e) {
          throw new ConfigException(f.source(), f.sectionLine(s), s, null,
              "these settings do not make a valid " + type + " task: " + e.getMessage());
        }
      }
      return t;
    }

    // ----- [training]

    Training training(boolean glue) {
      String s = "training";
      // PAPA trains its gates and probes by epochs ([papa]); steps only matter for course models
      int steps = integer(s, "steps", glue ? 1 : null, 1, Integer.MAX_VALUE - 1);
      int batch = integer(s, "batch", 32, 1, 1 << 20);
      double lr = number(s, "lr", 1e-3, 0, 10);
      if (!(lr > 0)) {
        throw new ConfigException(f.source(), line(s, "lr"), s, "lr", "must be > 0, got " + lr);
      }
      long seed = integer(s, "seed", (int) TrainConfig.DEFAULT_SEED, 0, Integer.MAX_VALUE);
      double clip = number(s, "clip_grad", 1.0, 0, 1e6);
      if (!(clip > 0)) {
        throw new ConfigException(f.source(), line(s, "clip_grad"), s, "clip_grad", "must be > 0, got " + clip);
      }
      int checkpointEvery = integer(s, "checkpoint_every", 1000, 1, Integer.MAX_VALUE);
      int keep = integer(s, "keep_checkpoints", 2, 1, 1000);
      int evalEvery = integer(s, "eval_every", 500, 1, Integer.MAX_VALUE);
      int logEvery = integer(s, "log_every", 50, 1, Integer.MAX_VALUE);
      String device = device(s);
      if (glue) {
        // a PAPA run has no use for these; accepting them would let a setting be ignored without a word
        rejectUnknown(s, new LinkedHashSet<>(List.of("batch", "seed", "log_every", "device")),
            "for a PAPA (glue) config, which trains by epochs ([papa] gate_epochs, probe_epochs at gate_lr, probe_lr)"
                + " and keeps finished parts instead of checkpoints");
      }
      rejectUnknown(s, new LinkedHashSet<>(List.of("steps", "batch", "lr", "seed", "clip_grad", "checkpoint_every",
          "keep_checkpoints", "eval_every", "log_every", "device")), "");
      if (glue) { // 'check' shows what is used
        for (String k : List.of("steps", "lr", "clip_grad", "checkpoint_every", "keep_checkpoints", "eval_every")) {
          effective.remove(s + "." + k);
        }
      }
      return new Training(steps, batch, lr, seed, clip, checkpointEvery, keep, evalEvery, logEvery, device);
    }

    String device(String s) {
      String d = string(s, "device", "auto").toLowerCase(Locale.ROOT);
      boolean ok = d.equals("auto") || d.equals("cpu") || d.equals("gpu") || d.equals("all-gpus")
          || d.matches("gpu:\\d+");
      if (!ok) {
        throw new ConfigException(f.source(), line(s, "device"), s, "device",
            "'" + d + "' is not one of: " + String.join(", ", DEVICES));
      }
      effective.put(s + ".device", d);
      return d;
    }

    // ----- [papa]

    Papa papa(Task task) {
      String s = "papa";
      if (!task.type().equals("glue")) {
        if (f.has(s)) {
          throw new ConfigException(f.source(), f.sectionLine(s), s, null,
              "PAPA settings apply to [task] type = glue only; this task is " + task.type());
        }
        return null;
      }
      List<Double> fractions = numbers(s, "static_fractions", List.of(0.0, 0.5, 0.875, 0.9375, 1.0), 0, 1);
      int gateEpochs = integer(s, "gate_epochs", 15, 1, 10_000);
      double gateLr = number(s, "gate_lr", 2e-5, 0, 10);
      int probeEpochs = integer(s, "probe_epochs", 10, 1, 10_000);
      double probeLr = number(s, "probe_lr", 1e-3, 0, 10);
      rejectUnknown(s, new LinkedHashSet<>(List.of("static_fractions", "gate_epochs", "gate_lr", "probe_epochs",
          "probe_lr")), "");
      return new Papa(fractions, gateEpochs, gateLr, probeEpochs, probeLr);
    }

    // ----- typed values

    int line(String section, String key) {
      return f.get(section, key).map(ConfigFile.Entry::line).orElse(f.sectionLine(section));
    }

    private String raw(String section, String key) {
      return f.get(section, key).map(ConfigFile.Entry::value).orElse(null);
    }

    private ConfigException missing(String section, String key, String what) {
      return new ConfigException(f.source(), f.sectionLine(section), section, key, "required: " + what);
    }

    String string(String section, String key, String def) {
      String v = raw(section, key);
      if (v == null) {
        if (def == null) {
          throw missing(section, key, "give " + key + " = ...");
        }
        v = def;
      }
      effective.put(section + "." + key, v);
      return v;
    }

    String choice(String section, String key, List<String> allowed, String def) {
      String v = raw(section, key);
      if (v == null) {
        if (def == null) {
          throw missing(section, key, "one of " + String.join(", ", allowed));
        }
        v = def;
      }
      if (!allowed.contains(v)) {
        throw new ConfigException(f.source(), line(section, key), section, key,
            "'" + v + "' is not allowed" + suggestion(v, allowed) + "; allowed values: " + String.join(", ", allowed));
      }
      effective.put(section + "." + key, v);
      return v;
    }

    int integer(String section, String key, Integer def, int min, int max) {
      String v = raw(section, key);
      int n;
      if (v == null) {
        if (def == null) {
          throw missing(section, key, "a whole number from " + min + " to " + max);
        }
        n = def;
      } else {
        try {
          n = Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
          throw new ConfigException(f.source(), line(section, key), section, key,
              "'" + v + "' is not a whole number; allowed: a whole number from " + min + " to " + max);
        }
        if (n < min || n > max) {
          throw new ConfigException(f.source(), line(section, key), section, key,
              n + " is out of range; allowed: a whole number from " + min + " to " + max);
        }
      }
      effective.put(section + "." + key, Integer.toString(n));
      return n;
    }

    double number(String section, String key, double def, double min, double max) {
      String v = raw(section, key);
      double x = def;
      if (v != null) {
        try {
          x = Double.parseDouble(v.replace("_", ""));
        } catch (NumberFormatException e) {
          throw new ConfigException(f.source(), line(section, key), section, key,
              "'" + v + "' is not a number; allowed: a number from " + min + " to " + max);
        }
        if (!(x >= min && x <= max)) {
          throw new ConfigException(f.source(), line(section, key), section, key,
              v + " is out of range; allowed: a number from " + min + " to " + max);
        }
      }
      effective.put(section + "." + key, Double.toString(x));
      return x;
    }

    boolean bool(String section, String key, boolean def) {
      String v = raw(section, key);
      boolean b = def;
      if (v != null) {
        if (v.equals("true")) {
          b = true;
        } else if (v.equals("false")) {
          b = false;
        } else {
          throw new ConfigException(f.source(), line(section, key), section, key,
              "'" + v + "' is not allowed; allowed values: true, false");
        }
      }
      effective.put(section + "." + key, Boolean.toString(b));
      return b;
    }

    List<Double> numbers(String section, String key, List<Double> def, double min, double max) {
      String v = raw(section, key);
      List<Double> out = new ArrayList<>();
      if (v == null) {
        out.addAll(def);
      } else {
        for (String part : v.split(",")) {
          String p = part.strip();
          double x;
          try {
            x = Double.parseDouble(p);
          } catch (NumberFormatException e) {
            throw new ConfigException(f.source(), line(section, key), section, key,
                "'" + p + "' is not a number; allowed: a comma-separated list of numbers from " + min + " to " + max);
          }
          if (!(x >= min && x <= max)) {
            throw new ConfigException(f.source(), line(section, key), section, key,
                p + " is out of range; allowed: numbers from " + min + " to " + max);
          }
          out.add(x);
        }
      }
      effective.put(section + "." + key, out.toString());
      return out;
    }

    /** Every key of {@code section} outside {@code allowed} is an error naming it and the allowed keys. */
    void rejectUnknown(String section, Set<String> allowed, String context) {
      for (ConfigFile.Entry e : f.entries(section)) {
        if (allowed.contains(e.key())) {
          continue;
        }
        String why = "unknown key" + (context.isEmpty() ? "" : " " + context);
        if (section.equals("model") && Mechanisms.allOptionKeys().contains(e.key())) {
          why = "'" + e.key() + "' is an option of " + String.join(", ", Mechanisms.accepting(e.key())) + ", not "
              + context.replaceFirst("^for ", "of ");
        }
        throw new ConfigException(f.source(), e.line(), section, e.key(),
            why + suggestion(e.key(), allowed) + "; allowed keys: " + String.join(", ", allowed));
      }
    }
  }

  /** " (did you mean 'x'?)" for a near miss (edit distance ≤ 2), else "". */
  static String suggestion(String given, java.util.Collection<String> allowed) {
    String best = null;
    int bestD = 3;
    for (String a : allowed) {
      int d = distance(given.toLowerCase(Locale.ROOT), a);
      if (d < bestD) {
        bestD = d;
        best = a;
      }
    }
    return best == null || best.equals(given) ? "" : " (did you mean '" + best + "'?)";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
