package example;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;
import java.util.Random;
import org.attentioncourse.CourseScale;
import org.attentioncourse.attention.Reference;
import org.attentioncourse.attention.ScaledDotProductAttention;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.CharLanguageModel;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.TextDatasets;
import org.attentioncourse.train.TrainConfig;
import org.attentioncourse.train.TrainResult;
import org.attentioncourse.train.Training;

/**
 * A first program on the course library, outside Jupyter: attention in loops against NDArrays (notebook 01), a
 * small transformer trained on Reverse (notebook 02), and the real text the course reads (notebook 04), from the
 * data folder. Each part is a cell of the course turned into a method; run with {@code mvn -q compile exec:java}.
 */
public final class FirstSteps {

  public static void main(String[] args) {
    CourseScale scale = CourseScale.current(); // COURSE_SCALE=ci|default|full, as in the notebooks
    System.out.println("COURSE_SCALE=" + scale);
    attentionTwoWays();
    trainOnReverse(scale.pick(60, 400, 1_500));
    readTheText();
  }

  /** softmax(QKᵀ/√d) V in float64 loops and in DJL, on the same seeded inputs: they must agree. */
  static void attentionTwoWays() {
    Random rng = new Random(7);
    int T = 5, d = 4;
    double[][] Q = gaussian(rng, T, d), K = gaussian(rng, T, d), V = gaussian(rng, T, d);
    double[][] loops = Reference.attention(Q, K, V, null, false); // (T, d)
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray out = ScaledDotProductAttention.apply(
          m.create(Q).expandDims(0), m.create(K).expandDims(0), m.create(V).expandDims(0), null, false)
          .get(0); // (1, T, d)
      double[] flat = out.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
      double worst = 0;
      for (int i = 0; i < T; i++) {
        for (int j = 0; j < d; j++) {
          worst = Math.max(worst, Math.abs(flat[i * d + j] - loops[i][j]));
        }
      }
      if (!(worst < 1e-12)) {
        throw new AssertionError("loops and NDArrays differ by " + worst);
      }
      System.out.println(String.format(Locale.ROOT, "attention: loops and NDArrays agree to %.1e", worst));
    }
  }

  /** The course's model (D 32, 2 heads, 1 layer) learns to reverse 8 symbols. */
  static void trainOnReverse(int steps) {
    Reverse task = Reverse.defaults();
    Splits data = Splits.generate(task, 2_000, 100, 200, 7);
    TransformerModel model = TransformerModel.forTask(task, TransformerModel.builder().dModel(32).heads(2).layers(1));
    try (TrainResult run = Training.run(model, task, data,
        TrainConfig.defaults().steps(steps).batchSize(32).learningRate(3e-3).evalEvery(Math.max(1, steps / 3))
            .progress(false))) {
      System.out.println(String.format(Locale.ROOT, "reverse: test token accuracy %.3f after %d steps",
          run.test().tokenAccuracy(), run.steps()));
    }
  }

  /** Moby Dick from the data folder (COURSE_SCALE does not matter here): fetched once, then read. */
  static void readTheText() {
    System.out.println("data folder: " + TextDatasets.defaultDataDir());
    CharLanguageModel lm = CharLanguageModel.builder(TextDatasets.mobyDickText()).length(64).build();
    System.out.println(String.format(Locale.ROOT, "moby dick: %,d characters, %d symbols, unigram %.3f bits",
        lm.textLength(), lm.vocabSize(), lm.unigramBits()));
  }

  static double[][] gaussian(Random rng, int rows, int cols) {
    double[][] x = new double[rows][cols];
    for (double[] row : x) {
      for (int j = 0; j < cols; j++) {
        row[j] = rng.nextGaussian();
      }
    }
    return x;
  }
}
