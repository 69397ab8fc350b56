package org.attentioncourse.synthesizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/**
 * Dense Synthesizer: Bᵢ = W₂ ReLU(W₁ Xᵢ + b₁) + b₂ — each token predicts, on its own, one logit for every
 * position (W₁: d → d, W₂: d → l per head). Row i depends on token i and nothing else: no token-token
 * interaction. Positions beyond the current length are cut off.
 */
public final class DenseSynthesizer extends SynthesizedAttention {

  private final Linear hidden;
  private final Linear toPositions;

  public DenseSynthesizer(int dModel, int heads, int maxLength) {
    super(dModel, heads, maxLength);
    hidden = addChildBlock("hidden", Linear.builder().setUnits(dModel).build()); // W₁
    toPositions = addChildBlock("toPositions", Linear.builder().setUnits((long) heads * maxLength).build()); // W₂
  }

  @Override
  protected NDArray logits(ParameterStore ps, NDArray x, boolean training) {
    long B = x.getShape().get(0);
    long T = x.getShape().get(1);
    NDArray h = Activation.relu(hidden.forward(ps, new NDList(x), training).head()); // (B, T, D)
    NDArray b = toPositions.forward(ps, new NDList(h), training).head(); // (B, T, H·l)
    b = b.reshape(B, T, heads, maxLength).swapAxes(1, 2); // (B, H, T, l)
    return b.get(new NDIndex(":, :, :, :{}", T)); // (B, H, T, T)
  }

  @Override
  protected void initializeSynthesis(NDManager manager, DataType dataType, Shape x) {
    hidden.initialize(manager, dataType, x);
    toPositions.initialize(manager, dataType, x);
  }
}
