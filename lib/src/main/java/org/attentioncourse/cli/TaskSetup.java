package org.attentioncourse.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.attentioncourse.data.AssociativeRecall;
import org.attentioncourse.data.ByteLanguageModel;
import org.attentioncourse.data.CharLanguageModel;
import org.attentioncourse.data.CharLanguageModel.Region;
import org.attentioncourse.data.Copy;
import org.attentioncourse.data.Example;
import org.attentioncourse.data.ListOps;
import org.attentioncourse.data.Lookup;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Sort;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.attentioncourse.data.TextDatasets;
import org.attentioncourse.data.Vocab;

/** Turns the {@code [task]} of a config into a task, a batch schedule and held-out examples. */
final class TaskSetup {

  private TaskSetup() {}

  /**
   * What training needs.
   *
   * @param task what the model is shaped for (vocabulary, length, kind)
   * @param schedule the training batches, by step
   * @param validation examples scored at every evaluation
   * @param test examples scored once at the end
   */
  record Data(Task task, BatchSchedule schedule, List<Example> validation, List<Example> test) {}

  /** A course task from its settings. */
  static Task courseTask(ExperimentConfig.Task t) {
    return switch (t.type()) {
      case "copy" -> Copy.of(t.integer("n"), t.integer("alphabet"));
      case "reverse" -> Reverse.of(t.integer("n"), t.integer("alphabet"));
      case "sort" -> Sort.of(t.integer("n"), t.integer("alphabet"));
      case "lookup" -> Lookup.of(t.integer("n"));
      case "associative-recall" -> AssociativeRecall.of(t.integer("pairs"), t.integer("key_alphabet"), t.integer("value_alphabet"));
      case "listops" -> ListOps.builder().length(t.integer("length")).maxDepth(t.integer("max_depth"))
          .minArgs(t.integer("min_args")).maxArgs(t.integer("max_args")).nestProbability(t.number("nest_probability"))
          .build();
      default -> throw new IllegalArgumentException("not a course task: " + t.type());
    };
  }

  static Path resolve(Path root, String path) {
    Path p = Path.of(path);
    return p.isAbsolute() ? p : root.resolve(p).normalize();
  }

  /**
   * Where the task's data must be and whether it is there: null when present (or not needed), otherwise a
   * message with the command that fetches it.
   */
  static String missingData(ExperimentConfig.Task t, Path root) {
    switch (t.type()) {
      case "bytes-lm" -> {
        String dataset = t.string("dataset");
        if (dataset.equals("file")) {
          Path f = resolve(root, t.string("file"));
          return Files.isRegularFile(f) ? null : "no file at " + f;
        }
        Path dir = resolve(root, t.string("data_dir"));
        List<Path> need = dataset.equals("enwik8") ? List.of(Datasets.enwik8File(dir)) : Datasets.wikiTextFiles(dir);
        for (Path f : need) {
          if (!Files.isRegularFile(f)) {
            return dataset + " is not at " + f + "; fetch it with: download " + dataset + " --to " + dir
                + " --sha256 HEX (or --trust-first-download)";
          }
        }
        return null;
      }
      case "chars-lm" -> {
        String text = t.string("text");
        if (text.equals("moby-dick")) {
          return null; // fetched with npm on first use
        }
        Path f = resolve(root, text);
        return Files.isRegularFile(f) ? null : "no text file at " + f;
      }
      case "glue" -> {
        String task = t.string("glue_task");
        for (Path f : List.of(glueFile(t, root, "train.tsv"), glueFile(t, root, "dev.tsv"))) {
          if (!Files.isRegularFile(f)) {
            return "GLUE " + task + " is not at " + f + "; fetch it with: download glue-" + task + " --to "
                + resolve(root, t.string("data_dir")) + (task.equals("mrpc")
                    ? " --url URL --sha256 HEX (GLUE's own script has no source for MRPC: give an archive you have)"
                    : " --sha256 HEX (or --trust-first-download)");
          }
        }
        return null;
      }
      default -> {
        return null; // generated
      }
    }
  }

  /** A file of a GLUE task's folder: {@code data_dir/SST-2/train.tsv} and the like. */
  static Path glueFile(ExperimentConfig.Task t, Path root, String name) {
    return resolve(root, t.string("data_dir")).resolve(Datasets.glueFolder(t.string("glue_task"))).resolve(name);
  }

  /** The real data of a course model's task (not GLUE); fails with {@link #missingData}'s message if absent. */
  static Data prepare(ExperimentConfig cfg, Path root) {
    ExperimentConfig.Task t = cfg.task();
    ExperimentConfig.Training tr = cfg.training();
    String missing = missingData(t, root);
    if (missing != null) {
      throw new IllegalStateException(missing);
    }
    long seed = tr.seed();
    switch (t.type()) {
      case "bytes-lm" -> {
        ByteLanguageModel lm = byteModel(t, root);
        return new Data(
            lm,
            BatchSchedule.windows(rng -> lm.window(Region.TRAIN, rng), tr.batch(), seed),
            lm.windows(Region.VALIDATION, t.integer("validation_windows"), seed + 1),
            lm.windows(Region.TEST, t.integer("test_windows"), seed + 2));
      }
      case "chars-lm" -> {
        String text = t.string("text").equals("moby-dick")
            ? TextDatasets.mobyDickText()
            : read(resolve(root, t.string("text")));
        CharLanguageModel lm = CharLanguageModel.builder(text).length(t.integer("length"))
            .lowerCase(t.flag("lower_case")).collapseWhitespace(t.flag("collapse_whitespace")).build();
        Splits held = lm.splits(0, t.integer("validation_windows"), t.integer("test_windows"), seed + 1);
        return new Data(
            lm, BatchSchedule.windows(rng -> lm.window(Region.TRAIN, rng), tr.batch(), seed), held.validation(),
            held.test());
      }
      case "glue" -> throw new IllegalStateException("GLUE configs are PAPA runs on a pretrained encoder");
      default -> {
        Task task = courseTask(t);
        Splits s = Splits.generate(task, t.integer("train_examples"), t.integer("validation_examples"),
            t.integer("test_examples"), seed);
        return new Data(task, BatchSchedule.epochs(s.train(), tr.batch(), seed), s.validation(), s.test());
      }
    }
  }

  static ByteLanguageModel byteModel(ExperimentConfig.Task t, Path root) {
    int length = t.integer("length");
    return switch (t.string("dataset")) {
      case "enwik8" -> ByteLanguageModel.ofFile(
          Datasets.enwik8File(resolve(root, t.string("data_dir"))), length, 0.9, 0.05);
      case "wikitext-103" -> {
        List<Path> f = Datasets.wikiTextFiles(resolve(root, t.string("data_dir")));
        yield ByteLanguageModel.ofFiles(f.get(0), f.get(1), f.get(2), length);
      }
      default -> ByteLanguageModel.ofFile(resolve(root, t.string("file")), length, 0.9, 0.05);
    };
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("could not read " + f, e);
    }
  }

  /**
   * What the dry run trains on: the real task when its data is at hand (cheap to open: files are mapped),
   * otherwise a stand-in of the same shape (vocabulary upper bound, same length) with random tokens, so that a
   * dry run works before any download.
   */
  static Task dryRunTask(ExperimentConfig cfg, Path root, List<String> notes) {
    ExperimentConfig.Task t = cfg.task();
    String missing = missingData(t, root);
    if (t.isCourseTask()) {
      return courseTask(t);
    }
    if (missing == null && t.type().equals("bytes-lm")) {
      return byteModel(t, root);
    }
    if (missing == null && t.type().equals("chars-lm") && (!t.string("text").equals("moby-dick") || mobyDickAtHand())) {
      return prepare(cfg, root).task();
    }
    int vocab = t.type().equals("bytes-lm") ? ByteLanguageModel.MAX_VOCAB : 260;
    notes.add((missing != null ? missing + ". " : "") + "Timing uses random tokens with a vocabulary of " + vocab
        + " (an upper bound: the real one comes from the data), so the parameter count is a little high");
    return new RandomTokens(t.integer("length"), vocab);
  }

  private static boolean mobyDickAtHand() {
    try {
      return Files.isRegularFile(TextDatasets.defaultDataDir().resolve(TextDatasets.MOBY_DICK_FILE));
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /** Random tokens with next-token targets: the shape of a language-model task, for timing only. */
  record RandomTokens(int length, int vocabSize) implements Task {
    @Override
    public String name() {
      return "random-tokens";
    }

    @Override
    public Kind kind() {
      return Kind.SEQUENCE;
    }

    @Override
    public int numClasses() {
      return vocabSize;
    }

    @Override
    public boolean positionOnly() {
      return false;
    }

    @Override
    public Example generate(RandomGenerator rng) {
      int[] seq = new int[length + 1];
      for (int i = 0; i <= length; i++) {
        seq[i] = rng.nextInt(Vocab.FIRST_SYMBOL, vocabSize);
      }
      return new Example(java.util.Arrays.copyOf(seq, length), java.util.Arrays.copyOfRange(seq, 1, length + 1), -1, length);
    }

    @Override
    public String tokenName(int id) {
      return Integer.toString(id);
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "random tokens (T=%d, vocabulary %d), a stand-in for timing", length, vocabSize);
    }
  }

  /** {@code n} examples of {@code task} from a seeded generator (the dry run's batches). */
  static List<Example> sample(Task task, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Example> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(task.generate(rng));
    }
    return out;
  }
}
