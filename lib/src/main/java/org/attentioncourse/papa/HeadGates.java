package org.attentioncourse.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.attentioncourse.attention.AttentionEdit;

/**
 * PAPA's way of choosing which heads to replace first: one learned gate λ per head,
 *
 * <pre>
 *   A' = σ(λ) A + (1 − σ(λ)) C̃,   λ = 0 at the start (an even blend)
 * </pre>
 *
 * with C̃ the masked, renormalised constant ({@link ConstantAttention}). Only the gates and a probe are trained,
 * the model stays frozen; a head whose λ ends low preferred its constant matrix, so heads are replaced in
 * ascending order of λ ({@link HeadOrder#byGates}). As λ → +∞ the gate passes A through unchanged: σ(λ) rounds
 * to exactly 1 in float32 for λ ≥ 17, and then A' = 1·A + 0·C̃ = A bit for bit.
 *
 * <p>The block holds one parameter, λ of shape (layers, heads). Every array derived from it during a forward
 * pass is moved to the batch's manager, and every scalar is an array in that manager (no number arithmetic on
 * the autograd path), so training does not grow memory or read freed scalars.
 *
 * <pre>{@code
 * HeadGates gates = HeadGates.create(probed, manager);
 * try (ConstantAttention.Installed g = gates.install(probed, C)) { ... train gates and probe ... }
 * HeadOrder order = HeadOrder.byGates(gates);
 * }</pre>
 */
public final class HeadGates extends AbstractBlock {

  private final int layers;
  private final int heads;
  private final Parameter lambda;
  private boolean enabled = true;

  private HeadGates(int layers, int heads) {
    super((byte) 1);
    this.layers = layers;
    this.heads = heads;
    lambda =
        addParameter(
            Parameter.builder()
                .setName("lambda")
                .setType(Parameter.Type.OTHER)
                .optInitializer(Initializer.ZEROS)
                .optShape(new Shape(layers, heads))
                .build());
  }

  /** Gates for every head of {@code model}, λ = 0, with their array in {@code manager}. */
  public static HeadGates create(ProbedModel model, NDManager manager) {
    return create(model, manager, DataType.FLOAT32);
  }

  /** Gates with λ stored as {@code type} (float64 for exact checks). */
  public static HeadGates create(ProbedModel model, NDManager manager, DataType type) {
    HeadGates g = new HeadGates(model.layers(), model.heads(0));
    g.initialize(manager, type);
    return g;
  }

  /** The λ parameter, (layers, heads). */
  public Parameter lambda() {
    return lambda;
  }

  public int layers() {
    return layers;
  }

  public int heads() {
    return heads;
  }

  /** λ as numbers, [layer][head]. */
  public double[][] values() {
    double[] f = lambda.getArray().toType(DataType.FLOAT64, false).toDoubleArray();
    double[][] out = new double[layers][heads];
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        out[l][h] = f[l * heads + h];
      }
    }
    return out;
  }

  /** Sets every λ to {@code value} (for example {@code Double.POSITIVE_INFINITY}: the original model). */
  public void setAll(double value) {
    double[][] v = new double[layers][heads];
    for (double[] row : v) {
      java.util.Arrays.fill(row, value);
    }
    set(v);
  }

  /** Sets λ from {@code [layer][head]} values. */
  public void set(double[][] values) {
    double[] f = new double[layers * heads];
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        f[l * heads + h] = values[l][h];
      }
    }
    NDArray a = lambda.getArray();
    try (NDArray d = a.getManager().create(f, new Shape(layers, heads))) {
      a.set(d.toType(a.getDataType(), false).toByteBuffer()); // a plain copy into the parameter, not an autograd op
    }
  }

  /** With gates off the installed edits pass the weights through untouched (default on). */
  public void setEnabled(boolean on) {
    enabled = on;
  }

  public boolean isEnabled() {
    return enabled;
  }

  /**
   * The gated weights of one layer, A' = σ(λₗ) A + (1 − σ(λₗ)) C̃ with σ(λₗ) broadcast over (B, ·, T, T).
   *
   * @param A (B, H, T, T) the model's weights
   * @param Ct (B or 1, H, T, T) the masked, renormalised constants
   */
  NDArray gate(int layer, NDArray A, NDArray Ct) {
    NDManager m = A.getManager();
    NDArray row = lambda.getArray().get(layer); // (H), derived from the parameter
    row.attach(m); // freed with the batch, not kept by the parameter's manager
    NDArray s = Activation.sigmoid(row.toType(A.getDataType(), false)).reshape(1, heads, 1, 1); // σ(λ)
    NDArray one = m.create(1f).toType(A.getDataType(), false).toDevice(A.getDevice(), false);
    return A.mul(s).add(Ct.mul(one.sub(s)));
  }

  /** Installs a gated edit on every layer of {@code model}; closing the handle restores the previous edits. */
  public ConstantAttention.Installed install(ProbedModel model, ConstantMatrices C) {
    model.requireAttentionMatrices();
    C.requireFits(model);
    if (model.layers() != layers || C.heads() != heads) {
      throw new IllegalArgumentException(
          "gates for " + layers + " layers × " + heads + " heads do not fit " + model.name());
    }
    List<AttentionEdit> edits = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      int layer = l;
      edits.add(
          (A, keyMask) ->
              enabled ? gate(layer, A, ConstantAttention.maskedNormalized(C, layer, keyMask, A)) : A);
    }
    return ConstantAttention.Installed.install(model, edits);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("HeadGates act through the edits installed by install(model, C)");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return inputs;
  }

  @Override
  public String toString() {
    return "HeadGates(" + layers + " layers × " + heads + " heads" + (enabled ? "" : ", off") + ")";
  }
}
