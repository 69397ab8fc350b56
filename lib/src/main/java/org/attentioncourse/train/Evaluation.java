package org.attentioncourse.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.attentioncourse.data.Batch;
import org.attentioncourse.data.Batches;
import org.attentioncourse.data.Example;
import org.attentioncourse.data.Task;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.MutableOutputInfo;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelConfusionMatrix;
import org.tribuo.impl.ArrayExample;

/**
 * How well a model does on a split.
 *
 * <ul>
 *   <li>sequence tasks: {@code tokenAccuracy} (targets predicted right / targets) and {@code
 *       sequenceAccuracy} (examples with every target right);
 *   <li>classification: {@code accuracy} and {@code macroF1}, computed from Tribuo's {@link
 *       LabelConfusionMatrix}.
 * </ul>
 *
 * For classification {@code tokenAccuracy} and {@code sequenceAccuracy} both equal the accuracy, so one column
 * of a results table can hold either kind of task.
 *
 * <p>{@code bitsPerToken} (sequence tasks; NaN for classification) is the mean cross-entropy over the positions
 * that have a target, in bits: −(1/N) Σ log₂ softmax(z)[y]. For a character-level language model that is bits
 * per character (bpc), the number enwik8 results are quoted in; a model that spreads its probability evenly
 * over V tokens scores log₂ V. It is the training loss divided by ln 2, measured without dropout or updates.
 */
public record Evaluation(
    int examples, double tokenAccuracy, double sequenceAccuracy, double macroF1, double bitsPerToken) {

  /** An evaluation without a cross-entropy (bits per token NaN). */
  public Evaluation(int examples, double tokenAccuracy, double sequenceAccuracy, double macroF1) {
    this(examples, tokenAccuracy, sequenceAccuracy, macroF1, Double.NaN);
  }

  /** The headline number: token accuracy for sequence tasks, accuracy for classification. */
  public double accuracy() {
    return tokenAccuracy;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "accuracy %.4f, sequence accuracy %.4f%s%s (%d examples)", tokenAccuracy, sequenceAccuracy,
        Double.isNaN(macroF1) ? "" : String.format(Locale.ROOT, ", macro F1 %.4f", macroF1),
        Double.isNaN(bitsPerToken) ? "" : String.format(Locale.ROOT, ", %.4f bits per token", bitsPerToken),
        examples);
  }

  /**
   * Evaluates {@code block} on {@code examples} without gradients, one sub-manager per batch. Accuracy and
   * bits per token come from the same forward pass.
   */
  public static Evaluation of(Block block, Task task, List<Example> examples, NDManager manager, int batchSize) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("cannot evaluate on an empty split");
    }
    ParameterStore ps = new ParameterStore(manager, false);
    long targets = 0;
    long right = 0;
    int fullyRight = 0;
    double nats = 0; // Σ −ln p(target) over the target positions of a sequence task
    List<int[]> pairs = new ArrayList<>(); // (truth, prediction) for classification
    for (Batch batch : Batches.of(examples, batchSize, false, 0)) {
      try (NDManager scope = manager.newSubManager()) {
        NDList in = batch.toNDList(scope);
        NDArray logits = block.forward(ps, new NDList(in.get(0), in.get(1)), false).singletonOrThrow();
        NDArray predicted = logits.argMax(-1); // (B, T) or (B)
        long[] p = predicted.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        if (task.kind() == Task.Kind.CLASSIFICATION) {
          for (int b = 0; b < batch.size(); b++) {
            pairs.add(new int[] {batch.labels()[b], (int) p[b]});
            targets++;
            if (p[b] == batch.labels()[b]) {
              right++;
              fullyRight++;
            }
          }
        } else {
          int T = batch.length();
          float[] logp = targetLogProbabilities(logits, batch, scope);
          for (int b = 0; b < batch.size(); b++) {
            boolean all = true;
            for (int t = 0; t < T; t++) {
              int y = batch.targets()[b][t];
              if (y == Example.IGNORE) {
                continue;
              }
              targets++;
              nats -= logp[b * T + t];
              if (p[b * T + t] == y) {
                right++;
              } else {
                all = false;
              }
            }
            if (all) {
              fullyRight++;
            }
          }
        }
      }
    }
    double tokenAccuracy = (double) right / Math.max(1, targets);
    boolean classification = task.kind() == Task.Kind.CLASSIFICATION;
    double macroF1 = classification ? macroF1(pairs, task.numClasses()) : Double.NaN;
    double bits = classification || targets == 0 ? Double.NaN : nats / targets / Math.log(2);
    return new Evaluation(examples.size(), tokenAccuracy, (double) fullyRight / examples.size(), macroF1, bits);
  }

  /**
   * log softmax(z)[y] at every position, (B·T) row-major, for logits z (B, T, C); positions without a target
   * read class 0 and are skipped by the caller. The pick is a product with a one-hot made on the device, so
   * only B·T numbers come back to Java, not B·T·C.
   */
  private static float[] targetLogProbabilities(NDArray logits, Batch batch, NDManager scope) {
    int classes = (int) logits.getShape().get(logits.getShape().dimension() - 1);
    int[][] safe = new int[batch.size()][];
    for (int b = 0; b < batch.size(); b++) {
      safe[b] = batch.targets()[b].clone();
      for (int t = 0; t < safe[b].length; t++) {
        if (safe[b][t] == Example.IGNORE) {
          safe[b][t] = 0;
        }
      }
    }
    NDArray y = scope.create(safe).toDevice(logits.getDevice(), false); // (B, T)
    NDArray logp = logits.logSoftmax(-1); // (B, T, C)
    NDArray picked = logp.mul(y.oneHot(classes).toType(logp.getDataType(), false)).sum(new int[] {-1}); // (B, T)
    return picked.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
  }

  /** Macro-averaged F1 over the classes that occur in truth or prediction, via Tribuo's confusion matrix. */
  static double macroF1(List<int[]> pairs, int classes) {
    MutableOutputInfo<Label> info = new LabelFactory().generateInfo();
    for (int c = 0; c < classes; c++) {
      info.observe(new Label(Integer.toString(c)));
    }
    ImmutableOutputInfo<Label> domain = info.generateImmutableOutputInfo();
    List<Prediction<Label>> predictions = new ArrayList<>(pairs.size());
    for (int[] pair : pairs) {
      ArrayExample<Label> example = new ArrayExample<>(new Label(Integer.toString(pair[0])));
      example.add("bias", 1.0); // Tribuo examples need one feature; the value plays no part here
      predictions.add(new Prediction<>(new Label(Integer.toString(pair[1])), 1, example));
    }
    LabelConfusionMatrix cm = new LabelConfusionMatrix(domain, predictions);
    double sum = 0;
    int n = 0;
    for (Label l : domain.getDomain()) {
      double tp = cm.tp(l);
      double fp = cm.fp(l);
      double fn = cm.fn(l);
      if (tp + fp + fn == 0) {
        continue; // a class that never occurs: no F1 to average
      }
      sum += 2 * tp / (2 * tp + fp + fn);
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

}
