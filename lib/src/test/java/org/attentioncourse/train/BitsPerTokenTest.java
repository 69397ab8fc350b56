package org.attentioncourse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import org.attentioncourse.data.CharLanguageModel;
import org.attentioncourse.data.TextFixtures;
import org.attentioncourse.data.Example;
import org.attentioncourse.data.ListOps;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.junit.jupiter.api.Test;

/** Bits per token against hand-computed values, with blocks whose output distribution is known exactly. */
class BitsPerTokenTest {

  /**
   * Logits c·onehot(token) + b·onehot(PAD) over V classes (B, T, V), or zeros (B, V) when pooled. At a position
   * holding token x ≠ PAD, target y ≠ PAD has probability e^{c·[y = x]} / (e^b + e^c + V − 2). c = b = 0 is
   * uniform. A large b makes PAD likely, so counting a position without a target (read as class PAD) would show.
   */
  static final class KnownLogits extends AbstractBlock {
    final int classes;
    final float c;
    final float b;
    final boolean pooled;

    KnownLogits(int classes, float c, boolean pooled) {
      this(classes, c, 0, pooled);
    }

    KnownLogits(int classes, float c, float b, boolean pooled) {
      this.classes = classes;
      this.c = c;
      this.b = b;
      this.pooled = pooled;
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray tokens = inputs.head(); // (B, T)
      if (pooled) {
        return new NDList(tokens.getManager().zeros(new Shape(tokens.getShape().get(0), classes)));
      }
      float[] bias = new float[classes];
      bias[0] = b;
      NDArray scale = tokens.getManager().create(c);
      NDArray z = tokens.oneHot(classes).toType(DataType.FLOAT32, false).mul(scale); // (B, T, V)
      return new NDList(z.add(tokens.getManager().create(bias))); // PAD's bias broadcast over (B, T)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
      return new Shape[] {new Shape(inputs[0].get(0), inputs[0].get(1), classes)};
    }
  }

  static Evaluation evaluate(AbstractBlock block, Task task, List<Example> examples) {
    try (NDManager m = NDManager.newBaseManager()) {
      return Evaluation.of(block, task, examples, m, 7); // 7: the last batch is a partial one
    }
  }

  @Test
  void aUniformModelScoresLog2OfTheVocabulary() {
    CharLanguageModel task = CharLanguageModel.of(TextFixtures.mobyDickExcerpt(), 20);
    int V = task.vocabSize();
    Evaluation e = evaluate(new KnownLogits(V, 0, false), task, task.splits(0, 30, 0, 1).validation());
    assertEquals(Math.log(V) / Math.log(2), e.bitsPerToken(), 1e-6, "uniform over " + V + " ids");
    assertTrue(e.toString().contains(String.format(java.util.Locale.ROOT, "%.4f bits per token", e.bitsPerToken())),
        e.toString());
  }

  @Test
  void matchesAHandComputedCrossEntropyOverTargetPositionsOnly() {
    // Reverse has targets only at the blanks: the other positions must not count
    Task task = Reverse.defaults();
    List<Example> examples = Splits.generate(task, 0, 0, 23, 4).test();
    float c = 1.7f;
    float b = 4f;
    int V = task.vocabSize();
    double sum = 0;
    long n = 0;
    for (Example ex : examples) {
      for (int t : ex.targetPositions()) {
        double hit = ex.targets()[t] == ex.tokens()[t] ? Math.exp(c) : 1;
        sum -= Math.log(hit / (Math.exp(b) + Math.exp(c) + V - 2)) / Math.log(2);
        n++;
      }
    }
    assertEquals(23L * 8, n);
    Evaluation e = evaluate(new KnownLogits(V, c, b, false), task, examples);
    assertEquals(sum / n, e.bitsPerToken(), 1e-5);
    // uniform again, on a task with ignored positions
    assertEquals(Math.log(V) / Math.log(2), evaluate(new KnownLogits(V, 0, false), task, examples).bitsPerToken(),
        1e-6);
  }

  @Test
  void aCharacterModelThatCopiesItsInputIsScoredPerCharacter() {
    // tokens = "aaaa..." and targets = "aaaa...": copying the input puts e^c/(e^c+V-1) on every right answer
    String text = "a".repeat(300) + "b";
    CharLanguageModel task = CharLanguageModel.of(text, 10);
    float c = 3f;
    int V = task.vocabSize();
    Evaluation e = evaluate(new KnownLogits(V, c, false), task, task.splits(10, 0, 0, 2).train());
    double expected = -Math.log(Math.exp(c) / (Math.exp(c) + V - 1)) / Math.log(2);
    assertEquals(expected, e.bitsPerToken(), 1e-5);
    assertEquals(1.0, e.tokenAccuracy());
  }

  @Test
  void classificationHasNoBitsPerToken() {
    Task task = ListOps.defaults();
    Evaluation e = evaluate(new KnownLogits(task.numClasses(), 0, true), task,
        Splits.generate(task, 0, 0, 10, 1).test());
    assertTrue(Double.isNaN(e.bitsPerToken()));
    assertTrue(!e.toString().contains("bits"), e.toString());
    assertTrue(Double.isNaN(new Evaluation(1, 1, 1, 1).bitsPerToken()), "the four-number constructor still works");
  }
}
