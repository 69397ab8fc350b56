package org.attentioncourse.cosformer;

/**
 * cosFormer written out with {@code double} loops, straight from the definition: the ground truth {@link
 * CosFormer}'s forms are tested against. One sequence: Q, K are (T, d), V is (T, d_v); {@code keyMask[j]} is true
 * for a real token, and may be null (no padding).
 *
 * <pre>
 *   pᵢ  = number of real tokens among positions 0..i          (real tokens get 1, 2, 3 …)
 *   wᵢⱼ = ReLU(Qᵢ)·ReLU(Kⱼ) · cos(π/2 · (pᵢ − pⱼ) / M)       if key j is real (and j ≤ i when causal), else 0
 *   Oᵢ  = Σⱼ wᵢⱼ Vⱼ / max(Σⱼ wᵢⱼ, eps)
 * </pre>
 */
public final class CosFormerReference {

  private CosFormerReference() {}

  /** pᵢ: 1-based positions counted over real tokens (a padded position repeats the last real one). */
  public static int[] positions(boolean[] keyMask, int T) {
    int[] p = new int[T];
    int count = 0;
    for (int i = 0; i < T; i++) {
      if (keyMask == null || keyMask[i]) {
        count++;
      }
      p[i] = count;
    }
    return p;
  }

  /** M for one sequence of padded length T under a resolved horizon. */
  public static double horizon(Horizon h, boolean[] keyMask, int T) {
    return switch (h.kind()) {
      case REAL_LENGTH -> Math.max(1, positions(keyMask, T)[T - 1]);
      case PADDED_LENGTH -> T;
      case FIXED -> h.value();
      default -> throw new IllegalArgumentException("unresolved horizon " + h);
    };
  }

  /** The unnormalised weights wᵢⱼ, (T, T); {@code reweighting} false drops the cos factor (ReLU linear attention). */
  public static double[][] rawWeights(
      double[][] Q, double[][] K, boolean[] keyMask, boolean causal, boolean reweighting, double M) {
    int T = Q.length;
    int[] p = positions(keyMask, T);
    double[][] w = new double[T][T];
    for (int i = 0; i < T; i++) {
      for (int j = 0; j < T; j++) {
        boolean allowed = (keyMask == null || keyMask[j]) && (!causal || j <= i);
        if (!allowed) {
          continue;
        }
        double dot = 0;
        for (int c = 0; c < Q[i].length; c++) {
          dot += Math.max(0, Q[i][c]) * Math.max(0, K[j][c]);
        }
        w[i][j] = reweighting ? dot * Math.cos(Math.PI / 2 * (p[i] - p[j]) / M) : dot;
      }
    }
    return w;
  }

  /** Oᵢ = Σⱼ wᵢⱼ Vⱼ / max(Σⱼ wᵢⱼ, eps), (T, d_v). */
  public static double[][] attention(
      double[][] Q, double[][] K, double[][] V, boolean[] keyMask, boolean causal, boolean reweighting, double M,
      double eps) {
    double[][] w = rawWeights(Q, K, keyMask, causal, reweighting, M);
    int T = Q.length;
    double[][] O = new double[T][V[0].length];
    for (int i = 0; i < T; i++) {
      double den = 0;
      for (int j = 0; j < T; j++) {
        den += w[i][j];
      }
      den = Math.max(den, eps);
      for (int j = 0; j < T; j++) {
        for (int c = 0; c < V[j].length; c++) {
          O[i][c] += w[i][j] * V[j][c] / den;
        }
      }
    }
    return O;
  }
}
