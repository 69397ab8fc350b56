package org.attentioncourse.synthesizer;

import java.util.List;

/**
 * Factorized Random Synthesizer: B = R₁ R₂ᵀ with R₁, R₂ ∈ ℝ^{l×k} per head, so 2lk parameters instead of l² and
 * logits of rank at most k (the paper uses k = 8). The full l×l softmax is still formed: fewer parameters, not
 * less time.
 */
public final class FactorizedRandomSynthesizer extends SynthesizedAttention {

  /** The paper's rank. */
  public static final int DEFAULT_RANK = 8;

  public FactorizedRandomSynthesizer(int dModel, int heads, int maxLength, int k) {
    super(dModel, heads, maxLength, List.of(new Sources.FactorizedRandom(dModel, heads, maxLength, k)));
  }
}
