package org.attentioncourse.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.attentioncourse.data.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The cheap probe: frozen features into a Tribuo linear model trained by SGD (logistic loss, AdaGrad). Features
 * are computed once per point, so this takes seconds where the {@link Probe#pooled()} probe takes minutes.
 *
 * <ul>
 *   <li>labelled examples: the masked mean of every hidden state (embeddings and each layer), concatenated:
 *       (L+1)·D features;
 *   <li>per-token examples: one Tribuo example per target position, with that position's hidden states of all
 *       layers concatenated (the official code's token-classification probe reads the same features).
 * </ul>
 *
 * <pre>{@code
 * Metrics m = new TribuoProbe(10, 1).score(probed, train, test);
 * }</pre>
 */
public final class TribuoProbe {

  /** Tribuo logs every SGD epoch at INFO; a sweep would print hundreds of lines. Held so the setting sticks. */
  private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

  static {
    if (TRIBUO_LOG.getLevel() == null) { // only when the user has not configured it
      TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    }
  }

  private final int epochs;
  private final long seed;

  /**
   * @param epochs passes of SGD over the training features
   * @param seed Tribuo's shuffling seed
   */
  public TribuoProbe(int epochs, long seed) {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be positive, got " + epochs);
    }
    this.epochs = epochs;
    this.seed = seed;
  }

  /** Trains on {@code train}'s features and scores on {@code test}'s, with the model as it is now. */
  public Metrics score(ProbedModel model, List<ProbeExample> train, List<ProbeExample> test) {
    LabelFactory f = new LabelFactory();
    List<org.tribuo.Example<Label>> trainRows = features(model, train);
    List<org.tribuo.Example<Label>> testRows = features(model, test);
    MutableDataset<Label> trainSet =
        new MutableDataset<>(
            new ListDataSource<>(trainRows, f, new SimpleDataSourceProvenance("papa train features", OffsetDateTime.now(), f)));
    LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), epochs, seed);
    Model<Label> linear = trainer.train(trainSet);
    List<Prediction<Label>> predictions = linear.predict(testRows);
    int[] truth = new int[predictions.size()];
    int[] predicted = new int[predictions.size()];
    for (int i = 0; i < predictions.size(); i++) {
      truth[i] = Integer.parseInt(predictions.get(i).getExample().getOutput().getLabel());
      predicted[i] = Integer.parseInt(predictions.get(i).getOutput().getLabel());
    }
    return Metrics.of(truth, predicted);
  }

  /** The frozen features of {@code data} as Tribuo examples labelled with the class id. */
  static List<org.tribuo.Example<Label>> features(ProbedModel model, List<ProbeExample> data) {
    boolean perToken = ProbeTrainer.perToken(data);
    List<org.tribuo.Example<Label>> rows = new ArrayList<>();
    String[] names = null;
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      ParameterStore ps = new ParameterStore(m, false);
      for (int start = 0; start < data.size(); start += 64) {
        List<ProbeExample> batch = data.subList(start, Math.min(data.size(), start + 64));
        try (NDManager scope = m.newSubManager()) {
          NDList in = ProbeExample.toNDList(batch, scope);
          NDList states = model.hiddenStates(ps, in.get(0), in.get(1), in.get(2), false);
          NDArray all = ai.djl.ndarray.NDArrays.concat(states, -1); // (B, T, (L+1) D)
          int B = batch.size();
          int T = (int) all.getShape().get(1);
          int F = (int) all.getShape().get(2);
          if (names == null) {
            names = new String[F];
            for (int k = 0; k < F; k++) {
              names[k] = String.format(Locale.ROOT, "h%05d", k);
            }
          }
          if (perToken) {
            float[] x = all.toType(DataType.FLOAT32, false).toFloatArray();
            for (int b = 0; b < B; b++) {
              int[] y = batch.get(b).targets();
              for (int t = 0; t < T; t++) {
                if (y[t] != Example.IGNORE) {
                  rows.add(row(names, x, (b * T + t) * F, F, y[t]));
                }
              }
            }
          } else {
            NDArray mask = in.get(1).expandDims(2); // (B, T, 1)
            NDArray mean = all.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1})); // (B, F)
            float[] x = mean.toType(DataType.FLOAT32, false).toFloatArray();
            for (int b = 0; b < B; b++) {
              rows.add(row(names, x, b * F, F, batch.get(b).label()));
            }
          }
        }
      }
    }
    return rows;
  }

  private static org.tribuo.Example<Label> row(String[] names, float[] x, int offset, int F, int y) {
    double[] v = new double[F];
    for (int k = 0; k < F; k++) {
      v[k] = x[offset + k];
    }
    return new ArrayExample<>(new Label(Integer.toString(y)), names, v);
  }

  @Override
  public String toString() {
    return "TribuoProbe(linear SGD, logistic loss, AdaGrad 0.1, epochs=" + epochs + ", seed=" + seed + ")";
  }
}
