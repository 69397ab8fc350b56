package org.attentioncourse.encoder;

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
import org.attentioncourse.attention.MultiHeadAttention;

/**
 * One BERT layer (Devlin et al. 2019, following Vaswani et al. 2017): post-norm, unlike the course's pre-norm
 * {@link org.attentioncourse.attention.EncoderBlock}, because that is how the pretrained weights were trained.
 *
 * <pre>
 *   h = LayerNorm(x + MHA(x))
 *   y = LayerNorm(h + W₂ GELU(W₁ h + b₁) + b₂),   GELU(z) = z · Φ(z) = ½ z (1 + erf(z / √2))
 * </pre>
 *
 * The attention is the course's {@link MultiHeadAttention} (query, key, value and output projections with
 * biases), so every head's (B, H, T, T) matrix passes through its {@link
 * org.attentioncourse.attention.AttentionEdit} hook. Forward takes {@code [x (B, T, D), keyMask (B, T)]} and
 * returns {@code [y (B, T, D)]}.
 */
public final class BertLayer extends AbstractBlock {

  private final MultiHeadAttention attention;
  private final LayerNorm attentionNorm;
  private final Linear intermediate;
  private final Linear output;
  private final LayerNorm outputNorm;

  BertLayer(int width, int heads, int ffnWidth, float eps) {
    super((byte) 1);
    attention = addChildBlock("attention", new MultiHeadAttention(width, heads));
    attentionNorm = addChildBlock("attentionNorm", LayerNorm.builder().axis(2).optEpsilon(eps).build());
    intermediate = addChildBlock("intermediate", Linear.builder().setUnits(ffnWidth).build());
    output = addChildBlock("output", Linear.builder().setUnits(width).build());
    outputNorm = addChildBlock("outputNorm", LayerNorm.builder().axis(2).optEpsilon(eps).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head(); // (B, T, D)
    NDArray mask = inputs.size() > 1 ? inputs.get(1) : null; // (B, T)
    NDArray a = attention.attend(ps, x, mask, false, training); // (B, T, D)
    NDArray h = attentionNorm.forward(ps, new NDList(x.add(a)), training).head(); // (B, T, D)
    // DJL's PyTorch gelu is torch's exact form ½z(1 + erf(z/√2)), the Erf the ONNX graph computes; a test pins it
    NDArray f = Activation.gelu(intermediate.forward(ps, new NDList(h), training).head()); // (B, T, F)
    f = output.forward(ps, new NDList(f), training).head(); // (B, T, D)
    return new NDList(outputNorm.forward(ps, new NDList(h.add(f)), training).head());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {inputs[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    attention.initialize(manager, dataType, inputShapes);
    attentionNorm.initialize(manager, dataType, x);
    intermediate.initialize(manager, dataType, x);
    output.initialize(manager, dataType, intermediate.getOutputShapes(new Shape[] {x}));
    outputNorm.initialize(manager, dataType, x);
  }

  /** The self-attention: read its heads or install an edit on it. */
  public MultiHeadAttention attention() {
    return attention;
  }

  LayerNorm attentionNorm() {
    return attentionNorm;
  }

  Linear intermediate() {
    return intermediate;
  }

  Linear output() {
    return output;
  }

  LayerNorm outputNorm() {
    return outputNorm;
  }
}
