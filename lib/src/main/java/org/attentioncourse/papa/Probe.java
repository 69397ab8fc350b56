package org.attentioncourse.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A readout trained on top of a frozen model. Three kinds:
 *
 * <ul>
 *   <li>{@link #pooled()} — PAPA's probe for classification: per-layer position-weighted pooling of every hidden
 *       state, concatenated, then Dense → tanh → classifier;
 *   <li>{@link #outputLayer()} — a fresh output layer on what the model's own output layer reads (per token for
 *       token tasks, mean-pooled for classification): "retrain only the output layer";
 *   <li>{@link #modelOutput()} — nothing trained: the model's own predictions. With heads replaced this is the
 *       trained model's score as it stands.
 * </ul>
 *
 * <pre>{@code
 * Probe p = Probe.pooled();
 * }</pre>
 */
public interface Probe {

  /** A short name for tables: "pooled", "output-layer", "model-output". */
  String name();

  /**
   * A fresh, untrained head for {@code model}.
   *
   * @param classes number of classes (labels, or target token ids)
   * @param perToken whether targets are per token (B, T) or one label per example (B)
   */
  Head create(ProbedModel model, int classes, boolean perToken);

  /** A trainable readout; {@link #block()} holds its parameters (none for {@link #modelOutput()}). */
  interface Head {
    /** The trainable parameters, or null when there are none. */
    Block block();

    /** Initialises {@link #block()} for inputs of length T on {@code manager} (nothing when there is no block). */
    void initialize(ai.djl.ndarray.NDManager manager, int batch, int T);

    /**
     * Logits, (B, classes) for labels or (B, T, classes) for per-token targets.
     *
     * @param inputs tokens, mask, segments as made by {@link ProbeExample#toNDList}
     */
    NDArray logits(ParameterStore ps, ProbedModel model, NDList inputs, boolean training);
  }

  /** PAPA's probe (sequence classification only), Dense width = the model's width. */
  static Probe pooled() {
    return new PooledProbe(-1);
  }

  /** PAPA's probe with a Dense layer of {@code hidden} units. */
  static Probe pooled(int hidden) {
    return new PooledProbe(hidden);
  }

  /** A fresh output layer on the model's output features. */
  static Probe outputLayer() {
    return new OutputLayerProbe();
  }

  /** The model's own output layer, untrained here. */
  static Probe modelOutput() {
    return new Probe() {
      @Override
      public String name() {
        return "model-output";
      }

      @Override
      public Head create(ProbedModel model, int classes, boolean perToken) {
        return new Head() {
          @Override
          public Block block() {
            return null;
          }

          @Override
          public void initialize(ai.djl.ndarray.NDManager manager, int batch, int T) {}

          @Override
          public NDArray logits(ParameterStore ps, ProbedModel m, NDList in, boolean training) {
            return m.outputLogits(ps, in.get(0), in.get(1), in.get(2), false);
          }
        };
      }

      @Override
      public String toString() {
        return name();
      }
    };
  }
}
