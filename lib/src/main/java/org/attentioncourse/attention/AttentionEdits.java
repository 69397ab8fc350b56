package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/** Ready-made {@link AttentionEdit}s. */
public final class AttentionEdits {

  private AttentionEdits() {}

  /**
   * Replaces head {@code head} by a constant matrix C (T, T), for every input: C is restricted to the real keys
   * of each example (C ⊙ mask) and each row renormalised to sum to 1, so padding still gets no weight. The
   * other heads are untouched. This is the operation the PAPA probe applies to many heads at once.
   */
  public static AttentionEdit constantHead(int head, double[][] C) {
    int T = C.length;
    float[] flat = new float[T * T];
    for (int i = 0; i < T; i++) {
      if (C[i].length != T) {
        throw new IllegalArgumentException("constant matrix must be square: row " + i + " has " + C[i].length + " of " + T);
      }
      for (int j = 0; j < T; j++) {
        if (!(C[i][j] >= 0)) {
          throw new IllegalArgumentException("constant attention must be non-negative; (" + i + ", " + j + ") is " + C[i][j]);
        }
        flat[i * T + j] = (float) C[i][j];
      }
    }
    return (weights, keyMask) -> {
      Shape s = weights.getShape(); // (B, H, T, T)
      if (head < 0 || head >= s.get(1)) {
        throw new IndexOutOfBoundsException("head " + head + " of weights with shape " + s);
      }
      if (s.get(2) > T || s.get(3) > T) {
        throw new IllegalArgumentException("constant matrix is " + T + "×" + T + " but the weights have shape " + s);
      }
      long tq = s.get(2);
      long tk = s.get(3);
      NDArray c = weights.getManager().create(flat, new Shape(T, T)).get(new NDIndex(":{}, :{}", tq, tk));
      c = c.toType(weights.getDataType(), false).toDevice(weights.getDevice(), false).broadcast(s.get(0), tq, tk);
      if (keyMask != null) {
        c = c.mul(keyMask.toType(weights.getDataType(), false).reshape(s.get(0), 1, tk)); // (B, Tq, Tk)
      }
      c = c.div(c.sum(new int[] {-1}, true).maximum(1e-12f)); // rows sum to 1
      NDArray out = weights.duplicate();
      out.set(new NDIndex(":, {}", head), c);
      return out;
    };
  }
}
