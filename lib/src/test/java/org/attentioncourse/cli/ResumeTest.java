package org.attentioncourse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Splits;
import org.attentioncourse.train.TrainConfig;
import org.attentioncourse.train.TrainResult;
import org.attentioncourse.train.Training;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/**
 * Resuming: a run stopped at step 13 (by an interrupt, or by a crash after the step-10 checkpoint) and resumed
 * has exactly the loss curve of an uninterrupted 20-step run, on CPU at a tiny size. "Exactly" is meant
 * literally: parameters, Adam's m, v and t, and the data order are all restored, and one libtorch thread on the
 * CPU is deterministic, so the tolerance is 0 (bitwise equal doubles).
 */
class ResumeTest {

  static final String REVERSE = """
      # a tiny course task
      [model]
      mechanism = softmax
      layers = 1
      width = 16
      heads = 2
      [task]
      type = reverse
      n = 4
      alphabet = 6
      train_examples = 64
      validation_examples = 16
      test_examples = 16
      [training]
      steps = 20
      batch = 8
      lr = 3e-3
      checkpoint_every = 5
      keep_checkpoints = 10
      eval_every = 5
      log_every = 5
      device = cpu
      """;

  static final String BYTES = """
      # a tiny byte-level language model on a file, with AFT-local (windows drawn per step)
      [model]
      mechanism = aft-local
      window = 4
      factor_dim = 4
      layers = 1
      width = 16
      heads = 1
      [task]
      type = bytes-lm
      dataset = file
      file = corpus.txt
      length = 16
      validation_windows = 8
      test_windows = 8
      [training]
      steps = 20
      batch = 4
      lr = 3e-3
      checkpoint_every = 5
      eval_every = 10
      log_every = 10
      device = cpu
      """;

  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

  /**
   * Runs {@code config} in {@code dir}; with {@code stopAfter} > 0 the stop flag is raised during that step, with
   * {@code stopAfter} < 0 the thread is interrupted during step {@code -stopAfter}.
   */
  ResumableRun.Outcome run(String config, Path root, Path dir, boolean resume, int stopAfter) {
    ExperimentConfig c = ExperimentConfig.parse("test.ini", config);
    TaskSetup.Data data = TaskSetup.prepare(c, root);
    AtomicBoolean stop = new AtomicBoolean();
    BatchSchedule schedule = step -> {
      if (step == stopAfter) {
        stop.set(true); // as the shutdown hook does on Ctrl-C: the loop finishes this step, saves and stops
      } else if (step == -stopAfter) {
        Thread.currentThread().interrupt(); // as a notebook's Stop button does to Main.execute("train", ...)
      }
      return data.schedule().batch(step);
    };
    TaskSetup.Data watched = new TaskSetup.Data(data.task(), schedule, data.validation(), data.test());
    TransformerModel model = Models.build(c.model(), data.task(), c.task().isLanguageModel());
    return ResumableRun.run(model, watched, ResumableRun.Settings.of(c, "test", dir, null, resume, out, stop));
  }

  @Test
  void anInterruptedAndResumedRunHasTheUninterruptedLossCurve(@TempDir Path tmp) throws Exception {
    ResumableRun.Outcome straight = run(REVERSE, tmp, tmp.resolve("a"), false, 0);
    assertEquals(20, straight.losses().size());
    assertNotNull(straight.test());

    ResumableRun.Outcome stopped = run(REVERSE, tmp, tmp.resolve("b"), false, 13);
    assertTrue(stopped.stopped());
    assertEquals(13, stopped.stepsDone());
    assertNull(stopped.test());
    assertTrue(Files.exists(tmp.resolve("b/checkpoints/step-000000013.ckpt")), "an interrupt saves before stopping");
    assertEquals(straight.losses().subList(0, 13), stopped.losses());

    // the same through the thread's interrupt (a notebook's Stop button): the checkpoint is written all the same
    ResumableRun.Outcome interrupted = run(REVERSE, tmp, tmp.resolve("c"), false, -13);
    assertTrue(interrupted.stopped());
    assertEquals(13, interrupted.stepsDone());
    assertTrue(Files.exists(tmp.resolve("c/checkpoints/step-000000013.ckpt")), "an interrupt saves before stopping");
    assertFalse(Thread.currentThread().isInterrupted(), "the flag is cleared once the checkpoint is written");
    assertEquals(straight.losses(), run(REVERSE, tmp, tmp.resolve("c"), true, 0).losses());

    ResumableRun.Outcome resumed = run(REVERSE, tmp, tmp.resolve("b"), true, 0);
    assertEquals(13, resumed.resumedFrom());
    assertEquals(straight.losses(), resumed.losses(), "tolerance 0: the resumed curve is the uninterrupted one");
    assertEquals(straight.test(), resumed.test());
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("Resuming from"));

    // the results table is the same too (apart from wall-clock time), with no step twice
    Table a = ResultsCsv.read(tmp.resolve("a/results.csv"));
    Table b = ResultsCsv.read(tmp.resolve("b/results.csv"));
    assertEquals(List.of(5, 10, 15, 20, 20), b.intColumn("step").asList());
    assertEquals(List.of("validation", "validation", "validation", "validation", "test"),
        b.stringColumn("split").asList());
    for (String col : List.of("train_loss", "bits_per_token", "accuracy", "sequence_accuracy")) {
      assertEquals(a.doubleColumn(col).asList(), b.doubleColumn(col).asList(), col);
    }
  }

  @Test
  void aCrashLosesAtMostTheStepsSinceTheLastCheckpoint(@TempDir Path tmp) throws Exception {
    Path corpus = tmp.resolve("corpus.txt");
    Files.writeString(corpus, text(6000));
    ResumableRun.Outcome straight = run(BYTES, tmp, tmp.resolve("a"), false, 0);

    run(BYTES, tmp, tmp.resolve("b"), false, 13);
    // a crash (kill -9, power cut) after step 13 never writes the step-13 checkpoint: the newest is step 10
    Files.delete(tmp.resolve("b/checkpoints/step-000000013.ckpt"));
    ResumableRun.Outcome resumed = run(BYTES, tmp, tmp.resolve("b"), true, 0);
    assertEquals(10, resumed.resumedFrom(), "3 steps lost, fewer than checkpoint_every = 5");
    assertEquals(straight.losses(), resumed.losses(), "tolerance 0");
    assertEquals(straight.test(), resumed.test());
    Table b = ResultsCsv.read(tmp.resolve("b/results.csv"));
    assertEquals(List.of(10, 20, 20), b.intColumn("step").asList());
  }

  @Test
  void theLoopTrainsExactlyLikeTrainingRun(@TempDir Path tmp) {
    ResumableRun.Outcome cli = run(REVERSE, tmp, tmp.resolve("a"), false, 0);
    ExperimentConfig c = ExperimentConfig.parse("test.ini", REVERSE);
    var task = TaskSetup.courseTask(c.task());
    Splits s = Splits.generate(task, 64, 16, 16, c.training().seed());
    TransformerModel model = Models.build(c.model(), task, false);
    try (TrainResult r = Training.run(model, task, s, TrainConfig.defaults().steps(20).batchSize(8).learningRate(3e-3)
        .seed(c.training().seed()).device("cpu").evalEvery(5).progress(false)
        // the command line's loop has a constant rate and keeps the last step (its configs have no schedule)
        .constantLearningRate().keepBest(false))) {
      assertEquals(r.losses(), cli.losses(), "same initialisation, batch order and Adam: the same curve");
      assertEquals(r.test(), cli.test());
    }
  }

  @Test
  void resumingWithAnotherConfigOrStartingOverACheckpointIsRefused(@TempDir Path tmp) {
    run(REVERSE, tmp, tmp.resolve("a"), false, 7);
    String wider = REVERSE.replace("width = 16", "width = 32");
    var e = assertThrows(IllegalArgumentException.class, () -> run(wider, tmp, tmp.resolve("a"), true, 0));
    assertTrue(e.getMessage().contains("model.width: 16 then, 32 now"), e.getMessage());
    var e2 = assertThrows(IllegalStateException.class, () -> run(REVERSE, tmp, tmp.resolve("a"), false, 0));
    assertTrue(e2.getMessage().contains("--resume"), e2.getMessage());
    // more steps, other intervals and another device are fine
    String longer = REVERSE.replace("steps = 20", "steps = 25").replace("eval_every = 5", "eval_every = 25");
    ResumableRun.Outcome r = run(longer, tmp, tmp.resolve("a"), true, 0);
    assertEquals(7, r.resumedFrom());
    assertEquals(25, r.losses().size());
  }

  @Test
  void theResultsCsvReadsBackIntoTablesaw(@TempDir Path tmp) {
    run(REVERSE, tmp, tmp.resolve("a"), false, 0);
    Path csv = tmp.resolve("a/results.csv");
    // what a notebook cell does first: plain Table.read().csv, types guessed by Tablesaw
    Table plain = Table.read().csv(csv.toString());
    assertEquals(ResultsCsv.COLUMNS, plain.columnNames());
    assertEquals(5, plain.rowCount());
    assertEquals(List.of(5, 10, 15, 20, 20), plain.intColumn("step").asList());
    // macro F1 is undefined for a sequence task: written NaN, read as missing
    assertEquals(5, plain.column("macro_f1").countMissing());
    // the typed read: every number column is a double column whatever its values look like
    Table t = ResultsCsv.read(csv);
    for (int i = 0; i < ResultsCsv.COLUMNS.size(); i++) {
      assertEquals(ResultsCsv.TYPES.get(i), t.column(i).type(), ResultsCsv.COLUMNS.get(i));
    }
    for (String col : List.of("train_loss", "bits_per_token", "accuracy", "sequence_accuracy")) {
      double[] typed = t.doubleColumn(col).asDoubleArray();
      double[] guessed = plain.numberColumn(col).asDoubleArray();
      assertTrue(java.util.Arrays.equals(typed, guessed), col + ": both reads give the same numbers");
    }
    assertEquals(5, t.doubleColumn("macro_f1").countMissing());
    assertEquals(0, t.doubleColumn("train_loss").countMissing());
    double[] elapsed = t.doubleColumn("elapsed_seconds").asDoubleArray();
    for (int i = 1; i < elapsed.length; i++) {
      assertTrue(elapsed[i] >= elapsed[i - 1], "elapsed time only grows");
    }
  }

  /** Some text with structure (repeated words), deterministic. */
  static String text(int n) {
    String[] words = {"the ", "whale ", "sea ", "ship ", "call ", "me ", "ishmael ", "and ", "white "};
    SplittableRandom r = new SplittableRandom(3);
    StringBuilder s = new StringBuilder();
    while (s.length() < n) {
      s.append(words[r.nextInt(words.length)]);
      if (r.nextInt(10) == 0) {
        s.append(".\n");
      }
    }
    return s.toString();
  }
}
