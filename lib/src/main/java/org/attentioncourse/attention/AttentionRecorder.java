package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * An {@link AttentionEdit} that changes nothing and keeps a copy of the last weights it saw, on the Java heap, so
 * they can be drawn as heat maps after the batch's arrays are gone.
 */
public final class AttentionRecorder implements AttentionEdit {

  private double[] data;
  private long[] shape; // (B, H, Tq, Tk)

  @Override
  public NDArray apply(NDArray weights, NDArray keyMask) {
    shape = weights.getShape().getShape();
    data = weights.toType(DataType.FLOAT64, false).toDoubleArray();
    return weights;
  }

  /** Whether a forward pass has been recorded. */
  public boolean hasRecord() {
    return data != null;
  }

  /** (B, H, Tq, Tk) of the last record. */
  public long[] shape() {
    if (shape == null) {
      throw new IllegalStateException("nothing recorded yet: run a forward pass first");
    }
    return shape.clone();
  }

  /** The weights of head {@code h} for example {@code b} of the last batch, (Tq, Tk). */
  public double[][] head(int b, int h) {
    long[] s = shape();
    if (b < 0 || b >= s[0] || h < 0 || h >= s[1]) {
      throw new IndexOutOfBoundsException(
          "example " + b + ", head " + h + " of a record with " + s[0] + " examples and " + s[1] + " heads");
    }
    int tq = (int) s[2];
    int tk = (int) s[3];
    double[][] out = new double[tq][tk];
    int base = (int) ((b * s[1] + h) * tq * tk);
    for (int i = 0; i < tq; i++) {
      System.arraycopy(data, base + i * tk, out[i], 0, tk);
    }
    return out;
  }
}
