package org.attentioncourse.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * One forward pass of an attention mechanism, the unit {@link AttentionBenchmark} times.
 *
 * <p>Q, K and V have shape (B, H, T, d). Create any extra arrays (masks, feature maps, random projections) in
 * {@code m}, or derive them from Q, K and V: the benchmark closes {@code m} after every call, which frees every
 * intermediate, so repeated calls do not pile up memory. Work that does not depend on the input (fixed random
 * features, say) should be built once outside and captured, so that it is not timed.
 */
@FunctionalInterface
public interface Forward {

  /**
   * @param m a manager that lives for this call only
   * @param q queries, (B, H, T, d)
   * @param k keys, (B, H, T, d)
   * @param v values, (B, H, T, d)
   * @param causal whether query i may only look at keys j ≤ i
   * @return the output, (B, H, T, d_v)
   */
  NDArray run(NDManager m, NDArray q, NDArray k, NDArray v, boolean causal);
}
