package org.attentioncourse.showdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.attentioncourse.aft.Afts;
import org.attentioncourse.attention.AttentionFactory;
import org.attentioncourse.data.CharLanguageModel;
import org.attentioncourse.data.Example;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.attentioncourse.data.TextFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The showdown grid on test-sized runs: rows, resume, refusal of mismatched files, failures as rows. */
class ShowdownTest {

  static final Task REVERSE = Reverse.of(4, 6);
  static final Splits DATA = Splits.generate(REVERSE, 200, 32, 64, 7);

  static Showdown.Builder tiny() {
    return Showdown.builder()
        .mechanism("softmax", AttentionFactory.softmax())
        .mechanism("aft-simple", Afts.simple())
        .task(ShowdownTask.of("position-only", REVERSE, DATA))
        .model(16, 2, 1).steps(6).batchSize(16).progress(false);
  }

  /** Counts training steps across runs, so a test can tell which runs were trained and which were read back. */
  static Showdown.Builder counting(Showdown.Builder b, AtomicInteger steps) {
    return b.listener((step, loss, trainer) -> steps.incrementAndGet());
  }

  @Test
  void oneRowPerTaskMechanismAndSeedInGridOrder() {
    AtomicInteger steps = new AtomicInteger();
    Table runs = counting(tiny().seeds(1, 2), steps).build().run();
    assertEquals(4, runs.rowCount());
    assertEquals(List.of("softmax", "softmax", "aft-simple", "aft-simple"), runs.stringColumn(Showdown.MECHANISM).asList());
    assertEquals(List.of(1L, 2L, 1L, 2L), runs.longColumn(Showdown.SEED).asList());
    assertEquals(4 * 6, steps.get(), "every run trains its 6 steps");
    for (int r = 0; r < runs.rowCount(); r++) {
      assertEquals("", runs.stringColumn(Showdown.NOTE).get(r));
      double score = runs.doubleColumn(Showdown.SCORE).getDouble(r);
      assertTrue(score >= 0 && score <= 1, "accuracy " + score);
      assertTrue(runs.longColumn(Showdown.PARAMETERS).getLong(r) > 0);
      assertTrue(runs.doubleColumn(Showdown.SECONDS).getDouble(r) > 0);
      assertEquals(ShowdownTask.ACCURACY, runs.stringColumn(Showdown.METRIC).get(r));
      assertEquals(Baselines.blindBaseline(REVERSE, DATA.train(), DATA.test()), runs.doubleColumn(Showdown.FLOOR).getDouble(r));
    }
  }

  @Test
  void theSameSeedGivesTheSameScoreAndAnotherSeedAnotherModel() {
    Table a = tiny().seeds(5).build().run();
    Table b = tiny().seeds(5).build().run();
    assertEquals(a.doubleColumn(Showdown.SCORE).asList(), b.doubleColumn(Showdown.SCORE).asList());
    // Scores after 6 steps can tie; the training losses of two seeds cannot (different weights and batches).
    List<Double> first = lossesOfFirstRun(5);
    assertEquals(first, lossesOfFirstRun(5));
    assertNotEquals(first, lossesOfFirstRun(6));
  }

  private static List<Double> lossesOfFirstRun(long seed) {
    List<Double> losses = new java.util.ArrayList<>();
    Showdown.builder().mechanism("softmax", AttentionFactory.softmax())
        .task(ShowdownTask.of("position-only", REVERSE, DATA)).model(16, 2, 1).steps(4).batchSize(16).progress(false)
        .seeds(seed).listener((step, loss, trainer) -> losses.add(loss)).build().run();
    return losses;
  }

  @Test
  void aResultsFileIsResumedNotRetrained(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("runs/showdown.csv");
    AtomicInteger steps = new AtomicInteger();
    Table first = counting(tiny().seeds(1).resultsFile(file), steps).build().run();
    assertTrue(Files.exists(file));
    assertEquals(2 * 6, steps.get());

    steps.set(0);
    Table again = counting(tiny().seeds(1).resultsFile(file), steps).build().run();
    assertEquals(0, steps.get(), "every run is in the file: nothing to train");
    assertEquals(first.doubleColumn(Showdown.SCORE).asList(), again.doubleColumn(Showdown.SCORE).asList());
    assertEquals(first.longColumn(Showdown.PARAMETERS).asList(), again.longColumn(Showdown.PARAMETERS).asList());

    steps.set(0);
    Table more = counting(tiny().seeds(1, 2).resultsFile(file), steps).build().run();
    assertEquals(2 * 6, steps.get(), "only seed 2 is new");
    assertEquals(4, more.rowCount());
    assertEquals(4, Showdown.read(file).rowCount());
    try (var listing = Files.list(file.getParent())) {
      assertEquals(List.of(file), listing.toList(), "atomic writes leave no temporary files behind");
    }
  }

  @Test
  void oneTaskAtATimeThenTheWholeGridFromTheFile(@TempDir Path dir) {
    Path file = dir.resolve("showdown.csv");
    ShowdownTask reverse = ShowdownTask.of("position-only", REVERSE, DATA);
    Task other = Reverse.of(3, 8);
    ShowdownTask shorter = ShowdownTask.of("position-only", other, Splits.generate(other, 100, 16, 32, 7)).named("reverse3");
    AtomicInteger steps = new AtomicInteger();
    Showdown s = counting(Showdown.builder().mechanism("softmax", AttentionFactory.softmax()).task(reverse).task(shorter)
        .model(16, 2, 1).steps(4).batchSize(16).seeds(1).progress(false).resultsFile(file), steps).build();
    assertEquals(List.of("reverse"), s.run(reverse).stringColumn(Showdown.TASK).asList());
    assertEquals(4, steps.get());
    assertEquals(List.of("reverse3"), s.run(shorter).stringColumn(Showdown.TASK).asList());
    assertEquals(8, steps.get());
    assertEquals(List.of("reverse", "reverse3"), s.run().stringColumn(Showdown.TASK).asList());
    assertEquals(8, steps.get(), "the whole grid is in the file: nothing trained again");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.run(ShowdownTask.of("position-only", REVERSE, DATA).named("elsewhere")));
    assertTrue(e.getMessage().contains("'elsewhere' is not in this showdown"), e.getMessage());
  }

  @Test
  void aResultsFileWithOtherSettingsIsRefused(@TempDir Path dir) {
    Path file = dir.resolve("showdown.csv");
    tiny().seeds(1).resultsFile(file).build().run();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> tiny().seeds(1).steps(7).resultsFile(file).build().run());
    assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("steps=6") && e.getMessage().contains("steps=7"), e.getMessage());
    // other data under the same task name is another experiment too
    Splits other = Splits.generate(REVERSE, 200, 32, 64, 8);
    Showdown changedData = Showdown.builder().mechanism("softmax", AttentionFactory.softmax())
        .task(ShowdownTask.of("position-only", REVERSE, other)).model(16, 2, 1).steps(6).batchSize(16)
        .progress(false).seeds(1).resultsFile(file).build();
    assertThrows(IllegalStateException.class, changedData::run);
  }

  @Test
  void aFileThatIsNotAShowdownIsNamedInTheError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("other.csv");
    Files.writeString(file, "a,b\n1,2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tiny().resultsFile(file).build().run());
    assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()) && e.getMessage().contains("header"), e.getMessage());
  }

  @Test
  void aFailingMechanismBecomesARowAndTheOthersStillRun(@TempDir Path dir) {
    AttentionFactory broken = (dModel, heads, maxLength) -> {
      throw new IllegalStateException("this mechanism cannot be built");
    };
    Path file = dir.resolve("showdown.csv");
    Table runs = tiny().mechanism("broken", broken).seeds(1).resultsFile(file).build().run();
    assertEquals(3, runs.rowCount());
    int r = runs.stringColumn(Showdown.MECHANISM).indexOf("broken");
    assertTrue(runs.stringColumn(Showdown.NOTE).get(r).contains("cannot be built"), runs.stringColumn(Showdown.NOTE).get(r));
    assertTrue(Double.isNaN(runs.doubleColumn(Showdown.SCORE).getDouble(r)));
    assertEquals("", runs.stringColumn(Showdown.NOTE).get(runs.stringColumn(Showdown.MECHANISM).indexOf("softmax")));

    Table summary = ShowdownSummary.of(runs);
    int s = summary.stringColumn(Showdown.MECHANISM).indexOf("broken");
    assertEquals(0, summary.intColumn(ShowdownSummary.RUNS).getInt(s));
    assertEquals(1, summary.intColumn(ShowdownSummary.FAILED).getInt(s));
    assertTrue(ShowdownSummary.wide(summary).stringColumn(1).get(s).contains("failed"));

    // a failed run is tried again on the next run with the same file (and fails again here, replacing its row)
    AtomicInteger steps = new AtomicInteger();
    counting(tiny().mechanism("broken", broken).seeds(1).resultsFile(file), steps).build().run();
    assertEquals(0, steps.get(), "the two finished runs are read back");
    assertEquals(3, Showdown.read(file).rowCount(), "the failed row is replaced, not duplicated");
  }

  @Test
  void theLanguageModelTaskIsScoredInBitsPerCharacterAgainstTheUnigramEntropy() {
    CharLanguageModel lm = CharLanguageModel.builder(TextFixtures.mobyDickExcerpt()).length(16).build();
    Splits data = lm.splits(64, 16, 16, 3);
    ShowdownTask task = ShowdownTask.languageModel("real text", lm, data);
    assertEquals(ShowdownTask.BITS_PER_CHARACTER, task.metric());
    assertFalse(task.higherIsBetter());
    assertEquals(lm.unigramBits(), task.floor());
    Table runs = Showdown.builder().mechanism("aft-simple", Afts.simple()).task(task).model(16, 2, 1).steps(3)
        .batchSize(8).seeds(1).progress(false).build().run();
    double bits = runs.doubleColumn(Showdown.SCORE).getDouble(0);
    // after 3 steps the model is near uniform over the vocabulary: bits close to log2 V, and finite
    assertTrue(bits > 0 && bits < 2 * Math.log(lm.vocabSize()) / Math.log(2), "bits per character " + bits);
  }

  @Test
  void badConfigurationsAreNamed() {
    assertThrows(IllegalArgumentException.class, () -> Showdown.builder().task(ShowdownTask.of("p", REVERSE, DATA)).build());
    assertThrows(IllegalArgumentException.class, () -> Showdown.builder().mechanism("softmax", AttentionFactory.softmax()).build());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> Showdown.builder().mechanism("softmax", AttentionFactory.softmax()).mechanism("softmax", Afts.simple()));
    assertTrue(twice.getMessage().contains("'softmax' was added twice"));
    assertThrows(IllegalArgumentException.class,
        () -> Showdown.builder().task(ShowdownTask.of("p", REVERSE, DATA)).task(ShowdownTask.of("q", REVERSE, DATA)));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Showdown.builder().seeds(1, 1)).getMessage().contains("distinct"));
    assertThrows(IllegalArgumentException.class, () -> Showdown.builder().seeds());
    assertThrows(IllegalArgumentException.class, () -> Showdown.builder().model(30, 4, 1));
    assertThrows(IllegalArgumentException.class, () -> Showdown.builder().mechanism("a,b", Afts.simple()));
    assertThrows(IllegalArgumentException.class, () -> Showdown.builder().steps(0));
    assertThrows(IllegalArgumentException.class, () -> Showdown.builder().learningRate(Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> ShowdownTask.of("p", REVERSE, new Splits(DATA.train(), DATA.validation(), List.<Example>of())));
  }

  @Test
  void aRunsTableSurvivesTheFileRoundTrip(@TempDir Path dir) {
    Table runs = tiny().seeds(3).build().run();
    Path file = Showdown.write(runs, dir.resolve("a/b/runs.csv"));
    Table back = Showdown.read(file);
    assertEquals(runs.columnNames(), back.columnNames());
    assertEquals(runs.doubleColumn(Showdown.SCORE).asList(), back.doubleColumn(Showdown.SCORE).asList());
    assertEquals(runs.stringColumn(Showdown.NOTE).asList(), back.stringColumn(Showdown.NOTE).asList());
    assertEquals(runs.stringColumn(Showdown.SETTINGS).asList(), back.stringColumn(Showdown.SETTINGS).asList());
  }
}
