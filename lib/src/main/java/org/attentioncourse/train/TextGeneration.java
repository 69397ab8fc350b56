package org.attentioncourse.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import org.attentioncourse.data.CharLanguageModel;
import org.attentioncourse.data.Vocab;

/**
 * Text from a trained causal character model, one character at a time: the model reads the last T characters
 * (prompt and what it has written so far), and the next character is drawn from its distribution at the last
 * position.
 *
 * <pre>{@code
 * String more = TextGeneration.sample(result.block(), task, "Call me Ishmael. ", 200, 0.8, 42);
 * }</pre>
 *
 * <p>With fewer than T characters of context the window is filled on the right with PAD (masked out). That is
 * only correct for a causal model, where position t never sees later positions, which is what {@link
 * org.attentioncourse.attention.TransformerModel#causalLanguageModel} builds.
 */
public final class TextGeneration {

  private TextGeneration() {}

  /**
   * {@code n} new characters after {@code prompt} (which is not repeated in the result).
   *
   * <p>At temperature τ the next id is drawn with probability softmax(z/τ), z being the logits at the last
   * position: τ = 1 samples the model's own distribution, τ &lt; 1 sharpens it, τ = 0 always takes the most
   * likely character (greedy). The reserved ids PAD, SEP and BLANK are never chosen; UNK can be, and shows as
   * U+FFFD. The same seed gives the same text.
   *
   * @param block a trained causal model taking [tokens (1, T), mask (1, T)] and returning logits (1, T, V)
   * @param prompt at least one character; characters outside the vocabulary are read as UNK
   */
  public static String sample(
      Block block, CharLanguageModel task, String prompt, int n, double temperature, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("number of characters to generate must be >= 0, got " + n);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
    }
    List<Integer> history = new ArrayList<>();
    for (int id : task.encode(prompt == null ? "" : prompt)) {
      history.add(id);
    }
    if (history.isEmpty()) {
      throw new IllegalArgumentException("the prompt must hold at least one character");
    }
    int T = task.length();
    int V = task.vocabSize();
    SplittableRandom rng = new SplittableRandom(seed);
    int[] generated = new int[n];
    try (NDManager manager = NDManager.newBaseManager(deviceOf(block))) {
      ParameterStore ps = new ParameterStore(manager, false);
      for (int i = 0; i < n; i++) {
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("text generation stopped by an interrupt after " + i + " characters");
        }
        int len = Math.min(T, history.size());
        int[][] tokens = new int[1][T]; // PAD = 0 after the context
        float[][] mask = new float[1][T];
        for (int t = 0; t < len; t++) {
          tokens[0][t] = history.get(history.size() - len + t);
          mask[0][t] = 1f;
        }
        float[] z;
        try (NDManager scope = manager.newSubManager()) {
          NDArray logits =
              block.forward(ps, new NDList(scope.create(tokens), scope.create(mask)), false).singletonOrThrow();
          if (logits.getShape().dimension() != 3 || logits.getShape().get(2) != V) {
            throw new IllegalArgumentException(
                "the model returned logits of shape " + logits.getShape() + " but a causal model over this task"
                    + " must return (1, " + T + ", " + V + ")");
          }
          z = logits.get(0, len - 1).toType(DataType.FLOAT32, false).toFloatArray(); // (V)
        }
        int next = choose(z, temperature, rng);
        generated[i] = next;
        history.add(next);
      }
    }
    return task.decode(generated);
  }

  /** {@link #sample} at temperature 0: always the most likely next character. */
  public static String greedy(Block block, CharLanguageModel task, String prompt, int n) {
    return sample(block, task, prompt, n, 0, 0);
  }

  /** The next id from logits {@code z}: argmax at τ = 0, else a draw from softmax(z/τ); reserved ids excluded. */
  static int choose(float[] z, double temperature, SplittableRandom rng) {
    int first = Vocab.FIRST_SYMBOL;
    int best = first;
    for (int v = first; v < z.length; v++) {
      if (z[v] > z[best]) {
        best = v;
      }
    }
    if (temperature == 0) {
      return best;
    }
    // subtract the largest logit so exp never overflows; the distribution is unchanged
    double[] w = new double[z.length];
    double total = 0;
    for (int v = first; v < z.length; v++) {
      w[v] = Math.exp((z[v] - z[best]) / temperature);
      total += w[v];
    }
    double u = rng.nextDouble() * total;
    for (int v = first; v < z.length; v++) {
      u -= w[v];
      if (u < 0) {
        return v;
      }
    }
    return best; // only reachable through rounding at the very end of the cumulative sum
  }

  private static Device deviceOf(Block block) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().isInitialized()) {
        return p.getValue().getArray().getDevice();
      }
    }
    throw new IllegalStateException(
        "the model has no initialised parameters: train it (Training.run) or load a checkpoint first");
  }
}
