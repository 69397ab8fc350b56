package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A pre-norm transformer layer (as in GPT-2 and most models since; Xiong et al. 2020, arXiv 2002.04745):
 *
 * <pre>
 *   h = x + Attention(LayerNorm(x))
 *   y = h + W₂ GELU(W₁ LayerNorm(h))
 * </pre>
 *
 * Normalising before each sub-layer keeps the residual path an identity, which lets small models train without
 * learning-rate warm-up. Forward takes {@code [x (B, T, D), keyMask (B, T)]} and returns {@code [y (B, T, D)]}.
 */
public final class EncoderBlock extends AbstractBlock {

  private final AttentionMechanism attention;
  private final LayerNorm norm1;
  private final LayerNorm norm2;
  private final Linear ff1;
  private final Linear ff2;

  public EncoderBlock(AttentionMechanism attention, int dModel, int ffnDim) {
    super((byte) 1);
    if (ffnDim < 1) {
      throw new IllegalArgumentException("feed-forward width must be positive, got " + ffnDim);
    }
    this.attention = addChildBlock("attention", attention);
    norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).build());
    norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).build());
    ff1 = addChildBlock("ff1", Linear.builder().setUnits(ffnDim).build());
    ff2 = addChildBlock("ff2", Linear.builder().setUnits(dModel).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head(); // (B, T, D)
    NDArray mask = inputs.size() > 1 ? inputs.get(1) : null; // (B, T)
    NDArray a = attentionInput(ps, x, training); // (B, T, D)
    NDArray h = x.add(attention.attend(ps, a, mask, attention.isCausal(), training)); // (B, T, D)
    NDArray f = norm2.forward(ps, new NDList(h), training).head();
    f = Activation.gelu(ff1.forward(ps, new NDList(f), training).head()); // (B, T, F)
    f = ff2.forward(ps, new NDList(f), training).head(); // (B, T, D)
    return new NDList(h.add(f));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {inputs[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    attention.initialize(manager, dataType, inputShapes);
    norm1.initialize(manager, dataType, x);
    norm2.initialize(manager, dataType, x);
    ff1.initialize(manager, dataType, x);
    ff2.initialize(manager, dataType, ff1.getOutputShapes(new Shape[] {x}));
  }

  /**
   * What this layer's attention mechanism is given for the layer input {@code x}: the pre-norm LayerNorm of x.
   * With {@link TransformerModel#hiddenStates} it lets a notebook recompute a trained layer's queries and keys.
   *
   * @param x (B, T, D), the layer's input
   * @return (B, T, D)
   */
  public NDArray attentionInput(ParameterStore ps, NDArray x, boolean training) {
    return norm1.forward(ps, new NDList(x), training).head();
  }

  /** This layer's attention mechanism: read its heads or install an {@link AttentionEdit} on it. */
  public AttentionMechanism attention() {
    return attention;
  }
}
