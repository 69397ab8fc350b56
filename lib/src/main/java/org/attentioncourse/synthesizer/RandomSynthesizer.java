package org.attentioncourse.synthesizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Random Synthesizer: B = R, one l×l matrix of logits per head, the same for every input. Trainable ("Random",
 * l² parameters per head) or fixed at its random initial value ("Fixed Random": no gradient, no update). It can
 * only learn where to look by position, never by content.
 */
public final class RandomSynthesizer extends SynthesizedAttention {

  private final boolean trainable;
  private final Parameter R;

  public RandomSynthesizer(int dModel, int heads, int maxLength, boolean trainable) {
    super(dModel, heads, maxLength);
    this.trainable = trainable;
    R =
        addParameter(
            Parameter.builder()
                .setName("R")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(heads, maxLength, maxLength))
                .optRequiresGrad(trainable)
                .build());
  }

  @Override
  protected NDArray logits(ParameterStore ps, NDArray x, boolean training) {
    long T = x.getShape().get(1);
    NDArray r = ps.getValue(R, x.getDevice(), training); // (H, l, l)
    return local(r.get(new NDIndex(":, :{}, :{}", T, T)).expandDims(0), x); // (1, H, T, T)
  }

  /** Whether R is trained. */
  public boolean trainable() {
    return trainable;
  }

  /** The logit matrix of head {@code h}, (l, l), as numbers (for heat maps). */
  public double[][] logits(int h) {
    NDArray r = R.getArray().get(h).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
    double[] flat = r.toDoubleArray();
    double[][] out = new double[maxLength][maxLength];
    for (int i = 0; i < maxLength; i++) {
      System.arraycopy(flat, i * maxLength, out[i], 0, maxLength);
    }
    return out;
  }
}
