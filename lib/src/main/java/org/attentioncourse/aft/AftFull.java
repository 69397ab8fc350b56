package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * AFT-full (Eq. 2): a learned bias w_{t,t'} for every pair of positions, as a full l×l matrix or factorized u vᵀ
 * ({@link PositionBias}). O(T²·D) time like softmax attention, but the only T×T array is exp(w) — no (B, H, T, T)
 * scores. With w = 0 it is AFT-simple.
 */
public final class AftFull extends AftAttention {

  private final PositionBias w;

  public AftFull(int dModel, int maxLength, PositionBias w) {
    super(dModel, dModel, maxLength);
    if (w.maxLength() != maxLength) {
      throw new IllegalArgumentException(
          "the position bias is built for length " + w.maxLength() + " but the model for " + maxLength);
    }
    this.w = addChildBlock("bias", w);
  }

  @Override
  protected NDArray average(ParameterStore ps, NDArray K, NDArray V, NDArray keyMask, boolean causal, boolean training) {
    int T = (int) K.getShape().get(1);
    return AftOps.full(w.matrix(ps, T, K, training), K, V, keyMask, causal);
  }

  @Override
  protected NDArray effectiveBias(ParameterStore ps, int T, NDArray like, boolean training, boolean causal) {
    return w.matrix(ps, T, like, training).reshape(T, T, 1);
  }

  @Override
  protected void checkLength(long T) {
    if (T > maxLength) {
      throw new IllegalArgumentException(
          "sequence length " + T + " is longer than AFT-full's maximum length " + maxLength + " (w is " + maxLength
              + "×" + maxLength + ")");
    }
  }

  /** The position bias. */
  public PositionBias bias() {
    return w;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    super.initializeChildBlocks(manager, dataType, inputShapes);
    w.initialize(manager, dataType, inputShapes[0]);
  }

  @Override
  public String variant() {
    return "AFT-full";
  }

  @Override
  protected String settings() {
    return w.toString();
  }
}
