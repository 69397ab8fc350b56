package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/**
 * Multi-head self-attention (Vaswani et al. 2017, §3.2.2):
 *
 * <pre>
 *   headₕ = softmax(Qₕ Kₕᵀ / √dₕ + M) Vₕ,   Qₕ = x W_Q,ₕ,  Kₕ = x W_K,ₕ,  Vₕ = x W_V,ₕ
 *   MHA(x) = concat(head₁ … head_H) W_O
 * </pre>
 *
 * with H heads of width dₕ = D / H. Every head's weight matrix passes through the installed {@link AttentionEdit}
 * (if any) before it is applied to the values: that is how a head is read or replaced.
 */
public class MultiHeadAttention extends MatrixAttention {

  private final int dModel;
  private final int heads;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear output;

  public MultiHeadAttention(int dModel, int heads) {
    if (dModel < 1 || heads < 1 || dModel % heads != 0) {
      throw new IllegalArgumentException(
          "model width " + dModel + " must be a positive multiple of the number of heads " + heads);
    }
    this.dModel = dModel;
    this.heads = heads;
    query = addChildBlock("query", Linear.builder().setUnits(dModel).build());
    key = addChildBlock("key", Linear.builder().setUnits(dModel).build());
    value = addChildBlock("value", Linear.builder().setUnits(dModel).build());
    output = addChildBlock("output", Linear.builder().setUnits(dModel).build());
  }

  @Override
  public NDArray attend(ParameterStore ps, NDArray x, NDArray keyMask, boolean causal, boolean training) {
    Shapes.rank(x, "x", 3);
    long B = x.getShape().get(0);
    long T = x.getShape().get(1);
    if (x.getShape().get(2) != dModel) {
      throw new IllegalArgumentException(
          "x has shape " + x.getShape() + " but this attention was built for width " + dModel);
    }
    Shapes.keyMask(keyMask, B, T, x.getShape());
    long dh = dModel / heads;
    NDArray Q = split(query.forward(ps, new NDList(x), training).head(), B, T, dh); // (B, H, T, dh)
    NDArray K = split(key.forward(ps, new NDList(x), training).head(), B, T, dh); // (B, H, T, dh)
    NDArray V = split(value.forward(ps, new NDList(x), training).head(), B, T, dh); // (B, H, T, dh)

    NDArray A = ScaledDotProductAttention.weights(Q, K, keyMask, causal); // (B, H, T, T)
    A = edited(A, keyMask); // read or replaced by an AttentionEdit, if one is installed
    NDArray heads = A.matMul(V); // (B, H, T, dh)
    NDArray concat = heads.swapAxes(1, 2).reshape(B, T, dModel); // (B, T, D)
    return output.forward(ps, new NDList(concat), training).head(); // (B, T, D)
  }

  private NDArray split(NDArray y, long B, long T, long dh) {
    return y.reshape(B, T, heads, dh).swapAxes(1, 2); // (B, T, D) → (B, H, T, dh)
  }





  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    for (Linear l : new Linear[] {query, key, value, output}) {
      l.initialize(manager, dataType, x);
    }
  }

  @Override
  public int heads() {
    return heads;
  }

  /** Width D of the model. */
  public int dModel() {
    return dModel;
  }











  /** The four projections, in the order query, key, value, output (for tests and weight loading). */
  public Linear[] projections() {
    return new Linear[] {query, key, value, output};
  }

  @Override
  public String toString() {
    return "MultiHeadAttention(D=" + dModel + ", H=" + heads + (isCausal() ? ", causal" : "") + ")";
  }
}
