package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Base of the mechanisms that form an explicit (B, H, T, T) attention matrix — softmax attention and the
 * Synthesizer: the causal flag, the installed {@link AttentionEdit}, and the block plumbing ({@code forward}
 * takes {@code [x, keyMask]}) live here once.
 */
public abstract class MatrixAttention extends AbstractBlock implements AttentionMechanism {

  private boolean causal;
  private AttentionEdit edit;

  protected MatrixAttention() {
    super((byte) 1);
  }

  /** Passes the weights A through the installed edit, if any, and checks that it kept their shape. */
  protected final NDArray edited(NDArray A, NDArray keyMask) {
    if (edit == null) {
      return A;
    }
    Shape computed = A.getShape();
    NDArray out = edit.apply(A, keyMask);
    if (!out.getShape().equals(computed)) {
      throw new IllegalStateException(
          "an attention edit returned shape " + out.getShape() + " for weights of shape " + computed);
    }
    return out;
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
  public boolean isCausal() {
    return causal;
  }

  @Override
  public void setCausal(boolean causal) {
    this.causal = causal;
  }

  @Override
  public boolean hasAttentionMatrix() {
    return true;
  }

  @Override
  public void setEdit(AttentionEdit edit) {
    this.edit = edit;
  }

  @Override
  public AttentionEdit edit() {
    return edit;
  }
}
