package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Scaled dot-product attention on NDArrays, Vaswani et al. 2017 (arXiv 1706.03762) Eq. 1:
 *
 * <pre>
 *   A = softmax(Q Kᵀ / √d + M),   out = A V
 * </pre>
 *
 * where M is a large negative number at masked (query, key) pairs: padded keys, and keys after the query when
 * causal. As a block (no parameters) it takes {@code [Q, K, V]} or {@code [Q, K, V, keyMask]} and returns
 * {@code [out, A]}; {@link #apply} is the same as a static method. Q, K, V may be (B, T, d) or (B, H, T, d).
 */
public final class ScaledDotProductAttention extends AbstractBlock {

  /**
   * Added to masked scores. Finite (not −∞) so that a row with every key masked gives a uniform row instead of
   * NaN; after the softmax subtracts the row maximum, exp(−1e9) underflows to exactly 0 in float32 and float64.
   */
  public static final float MASKED = -1e9f;

  private final boolean causal;

  public ScaledDotProductAttention(boolean causal) {
    super((byte) 1);
    this.causal = causal;
  }

  /**
   * @param Q (B, Tq, d) or (B, H, Tq, d)
   * @param K (B, Tk, d) or (B, H, Tk, d)
   * @param V (B, Tk, dv) or (B, H, Tk, dv)
   * @param keyMask (B, Tk) with 1 for real keys, or null
   * @return [out (…, Tq, dv), weights (…, Tq, Tk)]
   */
  public static NDList apply(NDArray Q, NDArray K, NDArray V, NDArray keyMask, boolean causal) {
    if (V.getShape().dimension() != Q.getShape().dimension()) {
      throw new IllegalArgumentException(
          "Q, K and V must have the same rank: Q " + Q.getShape() + ", K " + K.getShape() + ", V " + V.getShape());
    }
    Shapes.sameAxis(K, "K", -2, V, "V", -2, "key and value lengths");
    NDArray A = weights(Q, K, keyMask, causal); // (…, Tq, Tk)
    return new NDList(A.matMul(V), A); // (…, Tq, dv)
  }

  /** The scaled scores S = Q Kᵀ / √d, (…, Tq, Tk), before any mask. */
  public static NDArray logits(NDArray Q, NDArray K) {
    long d = Shapes.dim(Q, -1);
    // The scale is an array of this batch's manager, not a Java number: DJL turns a number into a scalar array
    // that aliases a Java buffer and closes it right after the division, while autograd still needs it for the
    // backward pass. Once the garbage collector frees that buffer the gradients read freed memory (sporadic
    // NaN gradients, seen with DJL 0.35.1). An array owned by the manager lives until the batch is done.
    NDArray scale = Q.getManager().create(Math.sqrt(d)).toType(Q.getDataType(), false);
    return Q.matMul(K.swapAxes(-1, -2)).div(scale);
  }

  /** The attention weights A = softmax(Q Kᵀ / √d + M), (…, Tq, Tk); each row sums to 1. */
  public static NDArray weights(NDArray Q, NDArray K, NDArray keyMask, boolean causal) {
    Shapes.rank(Q, "Q", 3, 4);
    if (K.getShape().dimension() != Q.getShape().dimension()) {
      throw new IllegalArgumentException("Q and K must have the same rank: Q " + Q.getShape() + ", K " + K.getShape());
    }
    Shapes.sameAxis(Q, "Q", -1, K, "K", -1, "query and key widths");
    Shapes.sameAxis(Q, "Q", 0, K, "K", 0, "batch sizes");
    if (causal) {
      Shapes.sameAxis(Q, "Q", -2, K, "K", -2, "causal attention needs as many queries as keys; lengths");
    }
    long B = Q.getShape().get(0);
    long Tq = Shapes.dim(Q, -2);
    long Tk = Shapes.dim(K, -2);
    Shapes.keyMask(keyMask, B, Tk, K.getShape());

    NDArray S = logits(Q, K); // (…, Tq, Tk)
    NDArray bias = maskBias(Q.getManager(), keyMask, Tq, Tk, causal, Q.getShape().dimension(), Q.getDataType());
    if (bias != null) {
      S = S.add(bias);
    }
    return S.softmax(-1); // rows sum to 1; the max is subtracted inside, so exp cannot overflow
  }

  /**
   * Adds the mask M to attention logits S (B or 1, H, Tq, Tk): padded keys and (when causal) later keys get
   * {@link #MASKED}. Every mechanism that forms logits (softmax attention, the Synthesizer's synthesized
   * matrices) masks through this one method.
   */
  public static NDArray maskLogits(NDArray S, NDArray keyMask, boolean causal) {
    Shapes.rank(S, "logits", 4);
    long Tq = Shapes.dim(S, -2);
    long Tk = Shapes.dim(S, -1);
    if (keyMask != null) {
      Shapes.keyMask(keyMask, keyMask.getShape().get(0), Tk, S.getShape());
    }
    if (causal && Tq != Tk) {
      throw new IllegalArgumentException("causal masking needs square logits, got shape " + S.getShape());
    }
    NDArray bias = maskBias(S.getManager(), keyMask, Tq, Tk, causal, 4, S.getDataType());
    return bias == null ? S : S.add(bias);
  }

  /**
   * The additive mask M: 0 where a query may look at a key, {@link #MASKED} elsewhere; null when nothing is
   * masked. Shape (B or 1, 1 …, Tq, Tk), broadcast over heads.
   */
  static NDArray maskBias(
      NDManager m, NDArray keyMask, long Tq, long Tk, boolean causal, int rank, DataType type) {
    NDArray allowed = null; // 1 = may attend
    if (keyMask != null) {
      Shape s = rank == 4 ? new Shape(keyMask.getShape().get(0), 1, 1, Tk) : new Shape(keyMask.getShape().get(0), 1, Tk);
      allowed = keyMask.toType(type, false).reshape(s);
    }
    if (causal) {
      NDArray i = m.arange((int) Tq).reshape(Tq, 1);
      NDArray j = m.arange((int) Tk).reshape(1, Tk);
      NDArray past = j.lte(i).toType(type, false); // (Tq, Tk): key j ≤ query i
      allowed = allowed == null ? past : allowed.mul(past);
    }
    if (allowed == null) {
      return null;
    }
    return allowed.sub(1f).mul(-MASKED); // 0 where allowed, MASKED where not
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    if (inputs.size() != 3 && inputs.size() != 4) {
      throw new IllegalArgumentException("expected [Q, K, V] or [Q, K, V, keyMask], got " + inputs.size() + " arrays");
    }
    return apply(inputs.get(0), inputs.get(1), inputs.get(2), inputs.size() == 4 ? inputs.get(3) : null, causal);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    Shape q = inputs[0];
    Shape k = inputs[1];
    Shape v = inputs[2];
    int r = q.dimension();
    Shape out = q.slice(0, r - 1).addAll(new Shape(v.get(r - 1)));
    Shape weights = q.slice(0, r - 1).addAll(new Shape(k.get(r - 2)));
    return new Shape[] {out, weights};
  }
}
