package org.attentioncourse.attention;

import java.util.Arrays;

/**
 * Attention written out with plain {@code double} arrays and loops: the ground truth every NDArray form in the
 * course is tested against, and the code notebook 01 builds step by step.
 *
 * <p>Shapes: a sequence of T vectors of width d is a {@code double[T][d]}. {@code keyMask[j]} is true for a real
 * token and false for padding. Symbols follow "Attention Is All You Need" (arXiv 1706.03762), Eq. 1:
 *
 * <pre>
 *   Attention(Q, K, V) = softmax(Q Kᵀ / √d) V
 * </pre>
 *
 * <p>The regions marked {@code // region name} also appear, word for word, in notebook 01; {@code
 * NotebookSyncTest} fails if the two copies drift apart.
 */
public final class Reference {

  private Reference() {}

  // region softmax
  /**
   * softmax(s)ᵢ = exp(sᵢ − m) / Σⱼ exp(sⱼ − m) with m = maxⱼ sⱼ. Subtracting the maximum changes nothing
   * mathematically (the factor exp(−m) cancels) but keeps every exponent ≤ 0, so exp never overflows.
   * Entries equal to −∞ (masked positions) get weight exactly 0.
   */
  public static double[] softmax(double[] s) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      m = Math.max(m, v);
    }
    if (m == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("softmax of a row where every position is masked");
    }
    double[] p = new double[s.length];
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      p[i] = Math.exp(s[i] - m);
      sum += p[i];
    }
    for (int i = 0; i < s.length; i++) {
      p[i] /= sum;
    }
    return p;
  }
  // endregion

  // region scores
  /** Scaled scores S = Q Kᵀ / √d: Sᵢⱼ says how well query i matches key j. (Tq, d) × (Tk, d) → (Tq, Tk). */
  public static double[][] scores(double[][] Q, double[][] K) {
    int d = Q[0].length;
    double[][] S = new double[Q.length][K.length];
    for (int i = 0; i < Q.length; i++) {
      for (int j = 0; j < K.length; j++) {
        double dot = 0;
        for (int c = 0; c < d; c++) {
          dot += Q[i][c] * K[j][c];
        }
        S[i][j] = dot / Math.sqrt(d);
      }
    }
    return S;
  }
  // endregion

  // region weights
  /**
   * Attention weights A = softmax(S + M) row by row, where M is −∞ at padded keys ({@code keyMask[j]} false)
   * and, when {@code causal}, above the diagonal (query i may not look at a later key j > i). {@code keyMask}
   * may be null: no padding.
   */
  public static double[][] weights(double[][] Q, double[][] K, boolean[] keyMask, boolean causal) {
    double[][] S = scores(Q, K);
    double[][] A = new double[S.length][];
    for (int i = 0; i < S.length; i++) {
      double[] row = S[i].clone();
      for (int j = 0; j < row.length; j++) {
        boolean padded = keyMask != null && !keyMask[j];
        boolean future = causal && j > i;
        if (padded || future) {
          row[j] = Double.NEGATIVE_INFINITY;
        }
      }
      A[i] = softmax(row);
    }
    return A;
  }
  // endregion

  // region attention
  /** Attention(Q, K, V) = A V: each output row is a weighted average of the value rows. → (Tq, dv). */
  public static double[][] attention(
      double[][] Q, double[][] K, double[][] V, boolean[] keyMask, boolean causal) {
    double[][] A = weights(Q, K, keyMask, causal);
    return matmul(A, V);
  }
  // endregion

  // region matmul
  /** (n, k) × (k, m) → (n, m). */
  public static double[][] matmul(double[][] a, double[][] b) {
    int k = b.length;
    if (a[0].length != k) {
      throw new IllegalArgumentException(
          "cannot multiply (" + a.length + ", " + a[0].length + ") by (" + b.length + ", " + b[0].length + ")");
    }
    double[][] c = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int t = 0; t < k; t++) {
        double av = a[i][t];
        for (int j = 0; j < b[0].length; j++) {
          c[i][j] += av * b[t][j];
        }
      }
    }
    return c;
  }
  // endregion

  /** x W + b for x (T, in), W (in, out), b (out) or null. */
  public static double[][] linear(double[][] x, double[][] W, double[] b) {
    double[][] y = matmul(x, W);
    if (b != null) {
      for (double[] row : y) {
        for (int j = 0; j < row.length; j++) {
          row[j] += b[j];
        }
      }
    }
    return y;
  }

  /**
   * Multi-head self-attention of one sequence x (T, D) with H heads of width D/H:
   *
   * <pre>
   *   headₕ = Attention(x W_Q[:, h], x W_K[:, h], x W_V[:, h]),   MHA(x) = concat(head₁ … head_H) W_O
   * </pre>
   *
   * where {@code [:, h]} takes the h-th block of D/H columns. Weights are stored (in, out); biases may be null.
   *
   * @return the output (T, D) and the attention weights per head (H, T, T)
   */
  public static MultiHead multiHead(
      double[][] x,
      double[][] Wq, double[] bq,
      double[][] Wk, double[] bk,
      double[][] Wv, double[] bv,
      double[][] Wo, double[] bo,
      int H, boolean[] keyMask, boolean causal) {
    int D = x[0].length;
    if (D % H != 0) {
      throw new IllegalArgumentException("model width " + D + " is not divisible by " + H + " heads");
    }
    int dh = D / H;
    double[][] q = linear(x, Wq, bq);
    double[][] k = linear(x, Wk, bk);
    double[][] v = linear(x, Wv, bv);
    double[][] concat = new double[x.length][D];
    double[][][] A = new double[H][][];
    for (int h = 0; h < H; h++) {
      double[][] qh = columns(q, h * dh, dh);
      double[][] kh = columns(k, h * dh, dh);
      double[][] vh = columns(v, h * dh, dh);
      A[h] = weights(qh, kh, keyMask, causal);
      double[][] out = matmul(A[h], vh);
      for (int t = 0; t < x.length; t++) {
        System.arraycopy(out[t], 0, concat[t], h * dh, dh);
      }
    }
    return new MultiHead(linear(concat, Wo, bo), A);
  }

  /** Output (T, D) and per-head weights (H, T, T) of {@link #multiHead}. */
  public record MultiHead(double[][] output, double[][][] weights) {}

  private static double[][] columns(double[][] m, int from, int width) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = Arrays.copyOfRange(m[i], from, from + width);
    }
    return out;
  }

  /**
   * Sinusoidal positions (Vaswani et al. 2017, §3.5): PE(t, 2i) = sin(t / 10000^(2i/D)), PE(t, 2i+1) = cos(same).
   * Nearby positions get similar vectors, and PE(t + k) is a linear function of PE(t) for every fixed k.
   */
  public static double[][] sinusoidalPositions(int T, int D) {
    double[][] pe = new double[T][D];
    for (int t = 0; t < T; t++) {
      for (int i = 0; i < D; i += 2) {
        double angle = t / Math.pow(10000, (double) i / D);
        pe[t][i] = Math.sin(angle);
        if (i + 1 < D) {
          pe[t][i + 1] = Math.cos(angle);
        }
      }
    }
    return pe;
  }
}
