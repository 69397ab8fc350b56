package org.attentioncourse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.CharLanguageModel;
import org.attentioncourse.data.TextFixtures;
import org.attentioncourse.data.Splits;
import org.junit.jupiter.api.Test;

/**
 * A causal character model trained on a few KB of Moby Dick through the course's own loop: held-out bits per
 * character fall below the unigram entropy (so the model uses context), and generation is reproducible.
 */
class CharLanguageModelTrainingTest {

  @Test
  void aSmallCausalModelBeatsTheUnigramEntropyOnHeldOutText() {
    CharLanguageModel task = CharLanguageModel.of(TextFixtures.mobyDickExcerpt(), 32);
    Splits data = task.splits(2000, 64, 64, Splits.DEFAULT_SEED);
    TransformerModel model = TransformerModel.causalLanguageModel(
        task.vocabSize(), task.length(), TransformerModel.builder().dModel(48).heads(4).layers(2));
    try (TrainResult r = Training.run(model, task, data,
        TrainConfig.defaults().steps(300).batchSize(16).learningRate(3e-3).evalEvery(100).progress(false))) {
      List<TrainResult.Checkpoint> checks = r.validation();
      assertEquals(List.of(100, 200, 300), checks.stream().map(TrainResult.Checkpoint::step).toList());
      double first = checks.get(0).bitsPerToken();
      double last = checks.get(checks.size() - 1).bitsPerToken();
      double unigram = task.unigramBits();
      double uniform = Math.log(task.vocabSize()) / Math.log(2);
      System.out.printf(java.util.Locale.ROOT,
          "chars on the excerpt: uniform %.3f, unigram %.3f, validation bpc %s, test bpc %.3f%n", uniform, unigram,
          checks.stream().map(c -> String.format(java.util.Locale.ROOT, "%.3f", c.bitsPerToken())).toList(),
          r.test().bitsPerToken());
      assertTrue(last < unigram, "validation bpc " + last + " must fall below the unigram entropy " + unigram);
      assertTrue(r.test().bitsPerToken() < unigram, "test bpc " + r.test().bitsPerToken() + " vs " + unigram);
      assertTrue(last < first, "validation bpc must keep falling: " + first + " → " + last);
      assertTrue(r.validationTable().columnNames().contains("bits per token"));
      var chart = r.validationBitsChart("bpc", unigram);
      assertTrue(chart.getSeries("baseline") != null && chart.getSeries(r.name()) != null);
      assertTrue(org.attentioncourse.display.Charts.png(chart).length > 1000, "the chart renders");

      String prompt = "Call me Ishmael. ";
      String a = TextGeneration.sample(r.block(), task, prompt, 60, 0.8, 7);
      String b = TextGeneration.sample(r.block(), task, prompt, 60, 0.8, 7);
      assertEquals(a, b, "same seed, same text");
      assertEquals(60, a.codePointCount(0, a.length()));
      assertNotEquals(a, TextGeneration.sample(r.block(), task, prompt, 60, 0.8, 8), "another seed, other text");
      String greedy = TextGeneration.greedy(r.block(), task, prompt.repeat(3), 40); // a prompt longer than T
      assertEquals(greedy, TextGeneration.sample(r.block(), task, prompt.repeat(3), 40, 0, 123),
          "temperature 0 ignores the seed");
      for (int cp : (a + greedy).codePoints().toArray()) {
        assertTrue(task.symbols().indexOf(cp) >= 0, "generated a character outside the vocabulary: " + cp);
      }
      System.out.println("sampled after '" + prompt + "': " + a);
      assertThrows(IllegalArgumentException.class, () -> TextGeneration.sample(r.block(), task, "", 5, 1, 1));
      assertThrows(IllegalArgumentException.class, () -> TextGeneration.sample(r.block(), task, "a", 5, -1, 1));
    }
  }

  @Test
  void samplingFollowsTheTemperature() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    float[] z = {100, 100, 100, 0, (float) Math.log(3)}; // reserved ids 0..2 are never chosen, however large
    int[] counts = new int[5];
    for (int i = 0; i < 40_000; i++) {
      counts[TextGeneration.choose(z, 1.0, rng)]++;
    }
    assertEquals(0, counts[0] + counts[1] + counts[2]);
    assertEquals(0.25, counts[3] / 40_000.0, 0.01, "p = 1/(1+3)");
    assertEquals(4, TextGeneration.choose(z, 0, rng), "greedy takes the largest non-reserved logit");
    int sharp = 0;
    for (int i = 0; i < 10_000; i++) {
      sharp += TextGeneration.choose(z, 0.1, rng) == 4 ? 1 : 0;
    }
    assertTrue(sharp > 9_990, "at τ = 0.1 the odds are 3^10 : 1, got " + sharp);
  }
}
