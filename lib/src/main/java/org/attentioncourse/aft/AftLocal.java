package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * AFT-local (Eq. 4): the learned bias only inside a window, w′_{t,t'} = w_{t,t'} if |t − t'| &lt; s, else 0.
 *
 * <p>Outside the window the bias is 0, not −∞: a far key still counts with weight exp(K_{t'}), exactly as in
 * AFT-simple, so every position stays connected to every other — the window only decides where the learned
 * position bias applies (the paper's ablation: −∞ outside a 7-wide window lost 0.9 ImageNet points). Computed as
 * the global AFT-simple sum plus a correction (exp(w) − 1) on the 2s − 1 diagonals of the band, summed by blocks
 * of queries in one batched matrix product ({@link AftOps#banded}): O(T·s·D) time and memory (a few T·D arrays
 * per layer, autograd included); w[t][t'] outside the band is never read. With s ≥ T it is AFT-full.
 */
public final class AftLocal extends AftAttention {

  private final int s;
  private final PositionBias w;

  public AftLocal(int dModel, int maxLength, int s, PositionBias w) {
    super(dModel, dModel, maxLength);
    if (s < 1) {
      throw new IllegalArgumentException("window size s must be at least 1, got " + s);
    }
    if (w.maxLength() != maxLength) {
      throw new IllegalArgumentException(
          "the position bias is built for length " + w.maxLength() + " but the model for " + maxLength);
    }
    this.s = s;
    this.w = addChildBlock("bias", w);
  }

  @Override
  protected NDArray average(ParameterStore ps, NDArray K, NDArray V, NDArray keyMask, boolean causal, boolean training) {
    int T = (int) K.getShape().get(1);
    int J = 2 * s - 1; // offsets −(s−1) … s−1
    NDArray band = w.band(ps, T, -(s - 1), J, K, training); // (T, J)
    return AftOps.banded(band.expandDims(2), -(s - 1), K, V, keyMask, causal);
  }

  @Override
  protected NDArray effectiveBias(ParameterStore ps, int T, NDArray like, boolean training, boolean causal) {
    NDManager m = like.getManager();
    NDArray i = m.arange(0, T, 1, DataType.INT64).reshape(T, 1);
    NDArray j = m.arange(0, T, 1, DataType.INT64).reshape(1, T);
    NDArray inside = i.sub(j).abs().lt(s).toType(like.getDataType(), false); // (T, T): |t − t'| < s
    return w.matrix(ps, T, like, training).mul(inside).reshape(T, T, 1); // 0, not −∞, outside the window
  }

  @Override
  protected void checkLength(long T) {
    if (T > maxLength) {
      throw new IllegalArgumentException(
          "sequence length " + T + " is longer than AFT-local's maximum length " + maxLength + " (w is " + maxLength
              + "×" + maxLength + ")");
    }
  }

  /** The window size s: the bias applies where |t − t'| &lt; s. */
  public int window() {
    return s;
  }

  /** The position bias (only its band |t − t'| &lt; s is used). */
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
    return "AFT-local";
  }

  @Override
  protected String settings() {
    return "s=" + s + ", " + w;
  }
}
