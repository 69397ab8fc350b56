package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Adds sinusoidal positions to x (B, T, D): attention itself is blind to order (permuting the tokens permutes
 * the output the same way), so order must be written into the vectors. The table is {@link
 * Reference#sinusoidalPositions}, computed once; no parameters.
 */
public final class PositionalEncoding extends AbstractBlock {

  private final int maxLength;
  private final int dModel;
  private final float[] table; // (maxLength, dModel), row-major

  public PositionalEncoding(int maxLength, int dModel) {
    super((byte) 1);
    if (maxLength < 1 || dModel < 1) {
      throw new IllegalArgumentException("maxLength and dModel must be positive: " + maxLength + ", " + dModel);
    }
    this.maxLength = maxLength;
    this.dModel = dModel;
    double[][] pe = Reference.sinusoidalPositions(maxLength, dModel);
    table = new float[maxLength * dModel];
    for (int t = 0; t < maxLength; t++) {
      for (int i = 0; i < dModel; i++) {
        table[t * dModel + i] = (float) pe[t][i];
      }
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head(); // (B, T, D)
    Shapes.rank(x, "x", 3);
    long T = x.getShape().get(1);
    if (T > maxLength) {
      throw new IllegalArgumentException(
          "sequence length " + T + " is longer than the model's maximum length " + maxLength);
    }
    if (x.getShape().get(2) != dModel) {
      throw new IllegalArgumentException("x has shape " + x.getShape() + " but positions have width " + dModel);
    }
    float[] rows = java.util.Arrays.copyOf(table, (int) (T * dModel));
    NDArray pe = x.getManager().create(rows, new Shape(1, T, dModel)).toDevice(x.getDevice(), false);
    return new NDList(x.add(pe)); // (B, T, D)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {inputs[0]};
  }

  public int maxLength() {
    return maxLength;
  }
}
