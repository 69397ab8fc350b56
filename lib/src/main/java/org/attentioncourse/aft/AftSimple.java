package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * AFT-simple (Eq. 5): no position bias, Y_t = σ(Q_t) ⊙ Σ_{t'} softmax(K)_{t'} ⊙ V_{t'} with the softmax over time
 * per channel. Without a mask every position reads the same average, gated by its own σ(Q_t); causal, position t
 * reads the average of t' ≤ t. O(T·D) time and memory, any length.
 */
public final class AftSimple extends AftAttention {

  public AftSimple(int dModel, int maxLength) {
    super(dModel, dModel, maxLength);
  }

  @Override
  protected NDArray average(ParameterStore ps, NDArray K, NDArray V, NDArray keyMask, boolean causal, boolean training) {
    return AftOps.simple(K, V, keyMask, causal);
  }

  @Override
  protected NDArray effectiveBias(ParameterStore ps, int T, NDArray like, boolean training, boolean causal) {
    return like.getManager().zeros(new ai.djl.ndarray.types.Shape(T, T, 1), like.getDataType());
  }

  @Override
  public String variant() {
    return "AFT-simple";
  }

  @Override
  protected String settings() {
    return "";
  }
}
