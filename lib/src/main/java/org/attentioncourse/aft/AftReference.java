package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * AFT written the plain way, to check the efficient forms of {@link AftOps} against and to show in the notebook:
 *
 * <pre>
 *   Y_t^c = σ(Q_t^c) · Σ_{t'} exp(K_{t'}^c + w_{t,t'}^c) V_{t'}^c / Σ_{t'} exp(K_{t'}^c + w_{t,t'}^c)
 * </pre>
 *
 * over the keys t' that query t may see (real keys; t' ≤ t when causal). {@link #loops} is that line as nested
 * loops over (b, t, c, t') in float64 — nothing subtracted, so it is only for moderate inputs. {@link #naive} and
 * {@link #weights} form the whole (B, T, T, C) array over (query, key, channel) — Eq. 3, "attention with as many
 * heads as channels" — with autograd. Both cost O(T²C): teaching and testing only.
 *
 * <p>The region marked {@code aft-loops} appears word for word in notebook 04; {@code NotebookSyncTest} fails if the
 * two copies differ.
 */
public final class AftReference {

  private AftReference() {}

  /** The bias w_{t,t'} added to key t' for query t in channel c. */
  @FunctionalInterface
  public interface Bias {
    double at(int t, int tPrime, int c);

    /** w = 0: AFT-simple. */
    static Bias zero() {
      return (t, tPrime, c) -> 0;
    }

    /** AFT-full: w[t][t'], the same for every channel. */
    static Bias matrix(double[][] w) {
      return (t, tPrime, c) -> w[t][tPrime];
    }

    /** AFT-local (Eq. 4): w[t][t'] where |t − t'| &lt; s, and 0 — not −∞ — elsewhere. */
    static Bias local(double[][] w, int s) {
      return (t, tPrime, c) -> Math.abs(t - tPrime) < s ? w[t][tPrime] : 0;
    }

    /**
     * AFT-conv: head i = c / (D/h) uses its kernel, tap j at offset t' − t = j − ⌊(s−1)/2⌋, or j − (s−1) when causal;
     * 0 where no tap reaches.
     *
     * @param kernels [head][tap], already reparameterised ({@link #reparameterize})
     */
    static Bias conv(double[][] kernels, int dModel, boolean causal) {
      int h = kernels.length;
      int s = kernels[0].length;
      int first = causal ? -(s - 1) : -((s - 1) / 2);
      return (t, tPrime, c) -> {
        int j = tPrime - t - first;
        return j >= 0 && j < s ? kernels[c / (dModel / h)][j] : 0;
      };
    }
  }

  /** σ(x) = 1 / (1 + e^{−x}). */
  public static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  // region aft-loops
  /**
   * Eq. 2 as loops, in float64.
   *
   * @param Q [b][t][c]
   * @param K [b][t][c] (AFT-conv: each head's key repeated over its channels)
   * @param V [b][t][c]
   * @param keyMask [b][t], true for real tokens, or null
   * @return Y [b][t][c]; 0 where a query sees no real key
   */
  public static double[][][] loops(
      double[][][] Q, double[][][] K, double[][][] V, Bias w, boolean[][] keyMask, boolean causal) {
    int B = Q.length;
    int T = Q[0].length;
    int C = Q[0][0].length;
    double[][][] Y = new double[B][T][C];
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        for (int c = 0; c < C; c++) {
          double num = 0;
          double den = 0;
          for (int tPrime = 0; tPrime < T; tPrime++) {
            boolean visible = (keyMask == null || keyMask[b][tPrime]) && (!causal || tPrime <= t);
            if (visible) {
              double e = Math.exp(K[b][tPrime][c] + w.at(t, tPrime, c));
              num += e * V[b][tPrime][c];
              den += e;
            }
          }
          Y[b][t][c] = den == 0 ? 0 : sigmoid(Q[b][t][c]) * num / den;
        }
      }
    }
    return Y;
  }
  // endregion

  /**
   * AFT-conv's reparameterised kernels, w^i = γ^i (w^i − mean(w^i)) / √(var(w^i) + {@value AftConv#EPS}) + β^i,
   * with the population variance over the taps.
   */
  public static double[][] reparameterize(double[][] raw, double[] gamma, double[] beta) {
    double[][] out = new double[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      int s = raw[i].length;
      double mean = 0;
      for (double x : raw[i]) {
        mean += x / s;
      }
      double var = 0;
      for (double x : raw[i]) {
        var += (x - mean) * (x - mean) / s;
      }
      out[i] = new double[s];
      for (int j = 0; j < s; j++) {
        out[i][j] = gamma[i] * (raw[i][j] - mean) / Math.sqrt(var + AftConv.EPS) + beta[i];
      }
    }
    return out;
  }

  /**
   * The weighted average Ȳ_t = Σ_{t'} a_{t,t'} ⊙ V_{t'} (B, T, C), from the implicit weights a of Eq. 3 formed in
   * full: the (B, T, T, C) array exp(K_{t'} + w_{t,t'}), normalised over t' (a softmax over the keys a query may
   * see, per channel). Differentiable; O(T²C).
   *
   * @param K (B, T, C)
   * @param V (B, T, C)
   * @param w (T, T, 1) or (T, T, C): [t][t'][c]
   * @param keyMask (B, T) or null
   */
  public static NDArray naive(NDArray K, NDArray V, NDArray w, NDArray keyMask, boolean causal) {
    NDArray a = normalised(K, w, keyMask, causal); // (B, T, T, C)
    return a.mul(V.expandDims(1)).sum(new int[] {2}); // Σ over keys t'
  }

  /**
   * The implicit attention weights of Eq. 3, (B, T, T, C): σ(Q_t^c) exp(K_{t'}^c + w_{t,t'}^c) / Σ_{t''}
   * exp(K_{t''}^c + w_{t,t''}^c), 0 at keys query t may not see. O(T²C).
   */
  public static NDArray weights(NDArray Q, NDArray K, NDArray w, NDArray keyMask, boolean causal) {
    return normalised(K, w, keyMask, causal).mul(Activation.sigmoid(Q).expandDims(2));
  }

  /** exp(K + w) normalised over the visible keys, (B, T, T, C); rows with no visible key are 0. */
  private static NDArray normalised(NDArray K, NDArray w, NDArray keyMask, boolean causal) {
    Shape s = K.getShape();
    long B = s.get(0);
    long T = s.get(1);
    Shape ws = w.getShape();
    if (ws.dimension() != 3 || ws.get(0) != T || ws.get(1) != T || (ws.get(2) != 1 && ws.get(2) != s.get(2))) {
      throw new IllegalArgumentException(
          "w has shape " + ws + " but K has shape " + s + ": expected (" + T + ", " + T + ", 1 or " + s.get(2) + ")");
    }
    NDManager m = K.getManager();
    DataType type = K.getDataType();
    NDArray logits = K.expandDims(1).add(w.expandDims(0)); // (B, T, T, C): [b][t][t'][c] = K_{t'} + w_{t,t'}
    NDArray allowed = m.ones(new Shape(1, T, T, 1), type);
    if (keyMask != null) {
      allowed = allowed.mul(AftOps.onManagerOf(keyMask, K).toType(type, false).reshape(B, 1, T, 1));
    }
    if (causal) {
      NDArray t = m.arange(0, T, 1, DataType.INT64).reshape(T, 1);
      NDArray tPrime = m.arange(0, T, 1, DataType.INT64).reshape(1, T);
      allowed = allowed.mul(tPrime.lte(t).toType(type, false).reshape(1, T, T, 1));
    }
    // Hidden keys get −1e9 before the softmax (exp underflows to exactly 0) and are zeroed after it, so that a
    // query with no visible key gets all-zero weights rather than a uniform row.
    NDArray hide = allowed.sub(AftOps.scalar(K, 1)).mul(AftOps.scalar(K, 1e9));
    return logits.add(hide).softmax(2).mul(allowed);
  }
}
