package org.attentioncourse.synthesizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Factorized Random Synthesizer: B = R₁ R₂ᵀ with R₁, R₂ ∈ ℝ^{l×k} per head, so 2lk parameters instead of l² and
 * logits of rank at most k (the paper uses k = 8). The full l×l softmax is still formed: fewer parameters, not
 * less time.
 */
public final class FactorizedRandomSynthesizer extends SynthesizedAttention {

  /** The paper's rank. */
  public static final int DEFAULT_RANK = 8;

  private final int k;
  private final Parameter R1;
  private final Parameter R2;

  public FactorizedRandomSynthesizer(int dModel, int heads, int maxLength, int k) {
    super(dModel, heads, maxLength);
    if (k < 1) {
      throw new IllegalArgumentException("rank k must be positive, got " + k);
    }
    this.k = k;
    R1 = addParameter(Parameter.builder().setName("R1").setType(Parameter.Type.WEIGHT).optShape(new Shape(heads, maxLength, k)).build());
    R2 = addParameter(Parameter.builder().setName("R2").setType(Parameter.Type.WEIGHT).optShape(new Shape(heads, maxLength, k)).build());
  }

  @Override
  protected NDArray logits(ParameterStore ps, NDArray x, boolean training) {
    long T = x.getShape().get(1);
    NDIndex rows = new NDIndex(":, :{}, :", T);
    NDArray r1 = ps.getValue(R1, x.getDevice(), training).get(rows); // (H, T, k)
    NDArray r2 = ps.getValue(R2, x.getDevice(), training).get(rows); // (H, T, k)
    return local(r1.matMul(r2.swapAxes(1, 2)).expandDims(0), x); // (1, H, T, T), rank ≤ k
  }

  /** The rank k. */
  public int rank() {
    return k;
  }
}
