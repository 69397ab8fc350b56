package org.attentioncourse.bench;

import org.attentioncourse.attention.ScaledDotProductAttention;

/**
 * An attention mechanism as the benchmark sees it: a name for the table and the charts, a {@link Forward}, and
 * optionally the analytic size of its largest intermediate array, so that measured memory can be set against
 * what the algorithm must hold. For softmax attention that intermediate is the (B, H, T, T) score matrix.
 *
 * @param name shown in the "mechanism" column and as the chart series
 * @param forward the forward pass that is timed
 * @param largestIntermediate bytes of the largest intermediate, or null when the mechanism does not declare it
 */
public record Mechanism(String name, Forward forward, IntermediateBytes largestIntermediate) {

  /** Bytes a forward pass must hold at once, as a function of the benchmark's shape. */
  @FunctionalInterface
  public interface IntermediateBytes {
    long bytes(int batch, int heads, int T, int d);
  }

  public Mechanism {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "a mechanism needs a non-blank name, got " + (name == null ? "null" : "'" + name + "'"));
    }
    if (forward == null) {
      throw new IllegalArgumentException("mechanism '" + name + "' has no forward pass (null)");
    }
  }

  /** A mechanism that does not declare its largest intermediate; its analytic column is empty (NaN). */
  public static Mechanism of(String name, Forward forward) {
    return new Mechanism(name, forward, null);
  }

  public static Mechanism of(String name, Forward forward, IntermediateBytes largestIntermediate) {
    return new Mechanism(name, forward, largestIntermediate);
  }

  /**
   * Softmax attention through {@link ScaledDotProductAttention#apply}, the O(T²) baseline. Its largest
   * intermediate is the float32 score matrix, B·H·T·T·4 bytes.
   */
  public static Mechanism softmax() {
    return new Mechanism(
        "softmax",
        (m, q, k, v, causal) -> ScaledDotProductAttention.apply(q, k, v, null, causal).get(0),
        Mechanism::scoreMatrixBytes);
  }

  /** Bytes of a float32 (B, H, T, T) score matrix. */
  public static long scoreMatrixBytes(int batch, int heads, int T, int d) {
    return (long) batch * heads * T * T * Float.BYTES;
  }

  /** Bytes of the largest intermediate at this shape, or -1 when the mechanism does not declare it. */
  public long bytesOfLargestIntermediate(int batch, int heads, int T, int d) {
    return largestIntermediate == null ? -1 : largestIntermediate.bytes(batch, heads, T, d);
  }
}
