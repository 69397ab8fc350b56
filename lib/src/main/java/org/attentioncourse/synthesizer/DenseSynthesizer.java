package org.attentioncourse.synthesizer;

import java.util.List;

/**
 * Dense Synthesizer: Bᵢ = W₂ ReLU(W₁ Xᵢ + b₁) + b₂ — each token predicts, on its own, one logit for every
 * position (W₁: d → d, W₂: d → l per head). Row i depends on token i and nothing else: no token–token
 * interaction. Positions beyond the current length are cut off.
 */
public final class DenseSynthesizer extends SynthesizedAttention {

  public DenseSynthesizer(int dModel, int heads, int maxLength) {
    super(dModel, heads, maxLength, List.of(new Sources.Dense(dModel, heads, maxLength)));
  }
}
