package org.attentioncourse.cosformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.attentioncourse.attention.AttentionMechanism;

/**
 * Multi-head cosFormer attention, a drop-in replacement for softmax multi-head attention:
 *
 * <pre>
 *   Qₕ = x W_Q,ₕ,  Kₕ = x W_K,ₕ,  Vₕ = x W_V,ₕ              (H heads of width dₕ = D / H)
 *   headₕ = CosFormer(Qₕ, Kₕ, Vₕ)                           ({@link CosFormer}: ReLU features, cos re-weighting)
 *   y = concat(head₁ … head_H) W_O
 * </pre>
 *
 * The same four projections as {@link org.attentioncourse.attention.MultiHeadAttention}, so parameter counts
 * compare one to one; only the mixing differs. No 1/√d scale: cosFormer normalises by the sum of the weights.
 *
 * <p>M (see {@link Horizon}): by default the number of real tokens of each sequence when non-causal, and the
 * model's maximum length when causal (so a token's output never depends on what follows, and generation can
 * extend a sequence without changing the past). A padded batch therefore gives every real token the output it
 * would have alone. The {@link CosFormerConfig} picks the horizon, the chunk size of the causal scan, eps and
 * the form (linear or quadratic; {@link #setForm} switches a trained block between them).
 *
 * <p>Inputs in float16 or bfloat16 are projected in that type, but the attention sums run in float32.
 */
public final class CosFormerAttention extends AbstractBlock implements AttentionMechanism {

  private final int dModel;
  private final int heads;
  private final int maxLength;
  private final CosFormerConfig config;
  private CosFormerConfig.Form form;
  private boolean causal;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear output;

  /**
   * @param dModel width D
   * @param heads number of heads H; D must be a multiple of H
   * @param maxLength the longest sequence (the causal default M)
   * @param config re-weighting, horizon, chunk size, eps and form
   */
  public CosFormerAttention(int dModel, int heads, int maxLength, CosFormerConfig config) {
    super((byte) 1);
    if (dModel < 1 || heads < 1 || dModel % heads != 0) {
      throw new IllegalArgumentException(
          "model width " + dModel + " must be a positive multiple of the number of heads " + heads);
    }
    if (maxLength < 1) {
      throw new IllegalArgumentException("maximum length must be positive, got " + maxLength);
    }
    if (config == null) {
      throw new IllegalArgumentException("config must not be null; use CosFormerConfig.defaults()");
    }
    this.dModel = dModel;
    this.heads = heads;
    this.maxLength = maxLength;
    this.config = config;
    this.form = config.form();
    query = addChildBlock("query", Linear.builder().setUnits(dModel).build());
    key = addChildBlock("key", Linear.builder().setUnits(dModel).build());
    value = addChildBlock("value", Linear.builder().setUnits(dModel).build());
    output = addChildBlock("output", Linear.builder().setUnits(dModel).build());
  }

  @Override
  public NDArray attend(ParameterStore ps, NDArray x, NDArray keyMask, boolean causal, boolean training) {
    if (x.getShape().dimension() != 3 || x.getShape().get(2) != dModel) {
      throw new IllegalArgumentException(
          "x has shape " + x.getShape() + " but this cosFormer attention expects (B, T, " + dModel + ")");
    }
    long B = x.getShape().get(0);
    long T = x.getShape().get(1);
    if (T > maxLength) {
      throw new IllegalArgumentException(
          "sequence length " + T + " is longer than this cosFormer attention's maximum length " + maxLength);
    }
    long dh = dModel / heads;
    NDArray Q = split(query.forward(ps, new NDList(x), training).head(), B, T, dh); // (B, H, T, dh)
    NDArray K = split(key.forward(ps, new NDList(x), training).head(), B, T, dh); // (B, H, T, dh)
    NDArray V = split(value.forward(ps, new NDList(x), training).head(), B, T, dh); // (B, H, T, dh)
    CosFormerConfig c = config.resolve(maxLength, causal);
    NDArray O =
        form == CosFormerConfig.Form.LINEAR
            ? CosFormer.linear(Q, K, V, keyMask, causal, c)
            : CosFormer.quadratic(Q, K, V, keyMask, causal, c); // (B, H, T, dh)
    NDArray concat = O.swapAxes(1, 2).reshape(B, T, dModel); // (B, T, D)
    return output.forward(ps, new NDList(concat), training).head(); // (B, T, D)
  }

  private NDArray split(NDArray y, long B, long T, long dh) {
    return y.reshape(B, T, heads, dh).swapAxes(1, 2); // (B, T, D) → (B, H, T, dh)
  }

  /**
   * The per-head weights Aᵢⱼ (B, H, T, T) this block would use for x, from the quadratic form: for plots of what a
   * head attends to. Not used by the forward pass.
   */
  public NDArray weights(ParameterStore ps, NDArray x, NDArray keyMask) {
    long B = x.getShape().get(0);
    long T = x.getShape().get(1);
    long dh = dModel / heads;
    NDArray Q = split(query.forward(ps, new NDList(x), false).head(), B, T, dh);
    NDArray K = split(key.forward(ps, new NDList(x), false).head(), B, T, dh);
    return CosFormer.weights(Q, K, keyMask, causal, config.resolve(maxLength, causal));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
    return new NDList(attend(ps, inputs.head(), mask, causal, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {inputs[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    for (Linear l : projections()) {
      l.initialize(manager, dataType, x);
    }
  }

  @Override
  public int heads() {
    return heads;
  }

  @Override
  public boolean isCausal() {
    return causal;
  }

  @Override
  public void setCausal(boolean causal) {
    this.causal = causal;
  }

  /** Width D of the model. */
  public int dModel() {
    return dModel;
  }

  /** The maximum length this block accepts. */
  public int maxLength() {
    return maxLength;
  }

  /** The config it was built with (its form may since have been switched by {@link #setForm}). */
  public CosFormerConfig config() {
    return config;
  }

  /** The form the forward pass uses. */
  public CosFormerConfig.Form form() {
    return form;
  }

  /** Switches between the linear and the quadratic form; the weights and the result stay the same. */
  public void setForm(CosFormerConfig.Form form) {
    if (form == null) {
      throw new IllegalArgumentException("form must not be null");
    }
    this.form = form;
  }

  /** The four projections, in the order query, key, value, output (for tests and weight loading). */
  public Linear[] projections() {
    return new Linear[] {query, key, value, output};
  }

  @Override
  public String toString() {
    return (config.reweighting() ? "CosFormerAttention" : "ReluLinearAttention") + "(D=" + dModel + ", H=" + heads
        + ", " + (config.reweighting() ? config.horizon().resolve(maxLength, causal) + ", " : "")
        + (form == CosFormerConfig.Form.LINEAR ? (causal ? "chunked scan C=" + config.chunkSize() : "linear")
            : "quadratic")
        + (causal ? ", causal" : "") + ")";
  }
}
