package org.attentioncourse.cosformer;

import org.attentioncourse.bench.Mechanism;

/**
 * cosFormer's forms as benchmark mechanisms, comparable with softmax attention: Q, K, V (B, H, T, d) come from the
 * harness, with no padding, so M = T. Each declares its largest intermediate array (float32 bytes) for the
 * analytic memory column.
 */
public final class CosFormerMechanisms {

  private CosFormerMechanisms() {}

  private static final CosFormerConfig BENCH = CosFormerConfig.defaults().horizon(Horizon.realLength());

  /**
   * The linear form; causal (chunked scan) when the benchmark is. Largest intermediate: the (T, 2d) features, or
   * the (2d, d) state at tiny T. (Run causally, it also forms a C × C block per chunk, which only matters when
   * C² > 2·T·d; {@link #cosFormerCausal} counts it.)
   */
  public static Mechanism cosFormer() {
    return Mechanism.of(
        "cosformer",
        (m, q, k, v, causal) -> CosFormer.linear(q, k, v, null, causal, BENCH),
        (b, h, T, d) -> Math.max(featureBytes(b, h, T, 2 * d), featureBytes(b, h, 2 * d, d)));
  }

  /** The chunked causal scan whatever the benchmark's setting, to compare with non-causal rows of the same run. */
  public static Mechanism cosFormerCausal() {
    return Mechanism.of(
        "cosformer-causal",
        (m, q, k, v, causal) -> CosFormer.linear(q, k, v, null, true, BENCH),
        (b, h, T, d) -> Math.max(featureBytes(b, h, T, 2 * d), chunkBytes(b, h, d)));
  }

  /** Causal, the official code's way: every prefix sum at once, an (T, 2d, d) tensor per head. */
  public static Mechanism cosFormerCausalFullPrefixSums() {
    return Mechanism.of(
        "cosformer-causal-cumsum",
        (m, q, k, v, causal) -> CosFormer.causalFullPrefixSums(q, k, v, null, BENCH),
        CosFormerMechanisms::fullPrefixSumBytes);
  }

  /** The quadratic (left product) form: a (T, T) weight matrix like softmax attention. */
  public static Mechanism quadratic() {
    return Mechanism.of(
        "cosformer-quadratic",
        (m, q, k, v, causal) -> CosFormer.quadratic(q, k, v, null, causal, BENCH),
        Mechanism::scoreMatrixBytes);
  }

  /** ReLU linear attention (no re-weighting). Largest intermediate: the (T, d) features or the (d, d) state. */
  public static Mechanism reluLinear() {
    CosFormerConfig relu = BENCH.reweighting(false);
    return Mechanism.of(
        "relu-linear",
        (m, q, k, v, causal) -> CosFormer.linear(q, k, v, null, causal, relu),
        (b, h, T, d) -> Math.max(featureBytes(b, h, T, d), featureBytes(b, h, d, d)));
  }

  /** Bytes of a float32 (B, H, T, F) feature array. */
  static long featureBytes(int batch, int heads, int T, int F) {
    return (long) batch * heads * T * F * Float.BYTES;
  }

  /** Bytes of the official causal path's prefix sums: a float32 (B, H, T, 2d, d) tensor. */
  public static long fullPrefixSumBytes(int batch, int heads, int T, int d) {
    return (long) batch * heads * T * 2L * d * d * Float.BYTES;
  }

  /** The chunked scan's per-chunk arrays: the (C, C) block and the (2d, d) state. */
  private static long chunkBytes(int batch, int heads, int d) {
    long C = CosFormerConfig.DEFAULT_CHUNK;
    return (long) batch * heads * Math.max(C * C, 2L * d * d) * Float.BYTES;
  }
}
