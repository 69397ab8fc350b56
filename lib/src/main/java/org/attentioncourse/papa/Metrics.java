package org.attentioncourse.papa;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.ConfusionMetrics;
import org.tribuo.classification.evaluation.LabelConfusionMatrix;
import org.tribuo.evaluation.metrics.EvaluationMetric;
import org.tribuo.evaluation.metrics.MetricTarget;
import org.tribuo.impl.ArrayExample;

/**
 * A probe's scores on a test set. Accuracy and macro F1 come from Tribuo's {@link LabelConfusionMatrix} and
 * {@link ConfusionMetrics}; the Matthews correlation is computed here from the same confusion matrix.
 *
 * @param n predictions scored (examples, or target tokens for token tasks)
 * @param accuracy fraction right
 * @param macroF1 F1 averaged over the classes seen in the truth or the predictions
 * @param matthews the multi-class Matthews correlation (Gorodkin's R_K); 0 when undefined
 */
public record Metrics(int n, double accuracy, double macroF1, double matthews) {

  /** The number {@code metric} names. */
  public double get(Metric metric) {
    return switch (metric) {
      case ACCURACY -> accuracy;
      case MACRO_F1 -> macroF1;
      case MATTHEWS -> matthews;
    };
  }

  /** Scores {@code predicted} against {@code truth} (class ids ≥ 0, same length). */
  public static Metrics of(int[] truth, int[] predicted) {
    if (truth.length != predicted.length) {
      throw new IllegalArgumentException(
          truth.length + " true labels but " + predicted.length + " predictions; they must pair up");
    }
    if (truth.length == 0) {
      throw new IllegalArgumentException("nothing to score: no predictions");
    }
    TreeSet<Integer> classes = new TreeSet<>();
    for (int i = 0; i < truth.length; i++) {
      if (truth[i] < 0 || predicted[i] < 0) {
        throw new IllegalArgumentException(
            "class ids must be >= 0; prediction " + i + " pairs " + truth[i] + " with " + predicted[i]);
      }
      classes.add(truth[i]);
      classes.add(predicted[i]);
    }
    MutableOutputInfo<Label> info = new LabelFactory().generateInfo();
    for (int c : classes) {
      info.observe(new Label(Integer.toString(c)));
    }
    ImmutableOutputInfo<Label> domain = info.generateImmutableOutputInfo();
    List<Prediction<Label>> predictions = new ArrayList<>(truth.length);
    for (int i = 0; i < truth.length; i++) {
      ArrayExample<Label> e = new ArrayExample<>(new Label(Integer.toString(truth[i])));
      e.add("bias", 1.0); // Tribuo examples need a feature; it plays no part in the scores
      predictions.add(new Prediction<>(new Label(Integer.toString(predicted[i])), 1, e));
    }
    LabelConfusionMatrix cm = new LabelConfusionMatrix(domain, predictions);
    double accuracy = ConfusionMetrics.accuracy(EvaluationMetric.Average.MICRO, cm);
    double f1 = ConfusionMetrics.f1(new MetricTarget<>(EvaluationMetric.Average.MACRO), cm);
    int k = classes.size();
    long[][] confusion = new long[k][k];
    List<Integer> ids = new ArrayList<>(classes);
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        Label lt = new Label(Integer.toString(ids.get(t)));
        Label lp = new Label(Integer.toString(ids.get(p)));
        confusion[t][p] = Math.round(cm.confusion(lp, lt)); // Tribuo: confusion(predicted, truth)
      }
    }
    return new Metrics(truth.length, accuracy, f1, matthews(confusion));
  }

  /**
   * The Matthews correlation of a K × K confusion matrix (rows: true class, columns: predicted class):
   *
   * <pre>
   *   MCC = (c·s − Σₖ pₖ tₖ) / √((s² − Σₖ pₖ²)(s² − Σₖ tₖ²))
   * </pre>
   *
   * with s the number of samples, c the number right, tₖ the times class k truly occurs and pₖ the times it is
   * predicted. For K = 2 this is the usual (TP·TN − FP·FN)/√(…). 0 when a factor under the root is 0 (one class
   * only, in truth or prediction), as scikit-learn does.
   */
  public static double matthews(long[][] confusion) {
    int K = confusion.length;
    double s = 0;
    double c = 0;
    double[] t = new double[K];
    double[] p = new double[K];
    for (int i = 0; i < K; i++) {
      if (confusion[i].length != K) {
        throw new IllegalArgumentException("the confusion matrix must be square; row " + i + " has " + confusion[i].length);
      }
      for (int j = 0; j < K; j++) {
        s += confusion[i][j];
        t[i] += confusion[i][j];
        p[j] += confusion[i][j];
      }
      c += confusion[i][i];
    }
    double pt = 0;
    double pp = 0;
    double tt = 0;
    for (int k = 0; k < K; k++) {
      pt += p[k] * t[k];
      pp += p[k] * p[k];
      tt += t[k] * t[k];
    }
    double den = Math.sqrt((s * s - pp) * (s * s - tt));
    return den == 0 ? 0 : (c * s - pt) / den;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "accuracy %.4f, macro F1 %.4f, Matthews %.4f (%d predictions)", accuracy, macroF1, matthews, n);
  }
}
