package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;

/**
 * A hook between computing attention weights and using them: it sees every head's matrix and returns the
 * matrices to use instead. Reading (record what a model attends to) and replacing (PAPA's constant matrices, a
 * gate between input-dependent and constant attention) are both edits.
 *
 * <p>The returned array must have the shape of {@code weights}. Arrays created inside belong to the
 * manager of {@code weights} (the current batch) unless attached elsewhere on purpose.
 */
@FunctionalInterface
public interface AttentionEdit {

  /**
   * @param weights attention weights (B, H, Tq, Tk); each row sums to 1
   * @param keyMask (B, Tk), 1 for real tokens and 0 for padding, or null when nothing is padded
   * @return the weights to use, (B, H, Tq, Tk)
   */
  NDArray apply(NDArray weights, NDArray keyMask);
}
