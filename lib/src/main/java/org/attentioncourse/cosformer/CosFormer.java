package org.attentioncourse.cosformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * cosFormer attention on NDArrays (Qin et al., ICLR 2022, arXiv 2202.08791), in its two equal forms.
 *
 * <p>With φ = ReLU, positions i, j counted over real tokens (see {@link Horizon}) and θᵢ = (π/2) · i / M:
 *
 * <pre>
 *   quadratic ("left product"):  wᵢⱼ = φ(Qᵢ)·φ(Kⱼ) · cos(θᵢ − θⱼ)     for allowed j (real; j ≤ i when causal)
 *                                Oᵢ  = Σⱼ wᵢⱼ Vⱼ / max(Σⱼ wᵢⱼ, eps)
 *   linear ("right product"):    cos(θᵢ − θⱼ) = cos θᵢ cos θⱼ + sin θᵢ sin θⱼ, so with
 *                                Q̃ᵢ = [φ(Qᵢ) cos θᵢ, φ(Qᵢ) sin θᵢ]  and  K̃ⱼ = [φ(Kⱼ) cos θⱼ, φ(Kⱼ) sin θⱼ]  (2d wide)
 *                                wᵢⱼ = Q̃ᵢ · K̃ⱼ,   Oᵢ = Q̃ᵢ S / max(Q̃ᵢ z, eps),   S = Σⱼ K̃ⱼᵀ Vⱼ (2d × d),  z = Σⱼ K̃ⱼᵀ
 * </pre>
 *
 * The linear form costs O(N·d²) instead of O(N²·d). Causal attention needs S and z summed over j ≤ i only:
 * {@link #linear} does that with a chunked scan — chunks of C positions, the quadratic form inside a chunk, the
 * running S and z carried from chunk to chunk — so the forward pass never holds more than one (2d × d) state
 * (and the C × C block of the chunk) besides the O(N·d) features and outputs. The official code instead builds
 * every prefix sum at once, an (N, 2d, d) tensor per head ({@link #causalFullPrefixSums}, kept for comparison).
 *
 * <p>Without re-weighting (config {@code reweighting(false)}) the same code is plain ReLU linear attention:
 * Q̃ = φ(Q), K̃ = φ(K).
 *
 * <p>Inputs are (B, H, T, d) or (B, T, d); self-attention, so Q, K and V have the same length T. Padded keys
 * (keyMask 0) get weight exactly 0 — their features are zeroed, not just down-weighted — and do not count as
 * positions. Float16 and bfloat16 inputs are computed in float32 (the sums over the sequence overflow half
 * precision) and the output is cast back; float32 and float64 stay as they are. (Only float16 is tested: DJL
 * 0.35.1's PyTorch engine aborts the process when it converts an array to bfloat16.)
 */
public final class CosFormer {

  private CosFormer() {}

  /** Oᵢ by the linear form: the right product when non-causal, the chunked scan when causal. (…, T, d_v). */
  public static NDArray linear(
      NDArray Q, NDArray K, NDArray V, NDArray keyMask, boolean causal, CosFormerConfig config) {
    Inputs in = Inputs.of(Q, K, V, keyMask, causal, config);
    NDArray Qf = in.features(in.Q); // (B, H, T, F), F = 2d with re-weighting, d without
    NDArray Kf = in.maskKeys(in.features(in.K)); // (B, H, T, F), zero at padded keys
    NDArray out = causal ? chunkedScan(Qf, Kf, in.V, in.eps, config.chunkSize()) : rightProduct(Qf, Kf, in.V, in.eps);
    return in.restore(out);
  }

  /**
   * Oᵢ by the quadratic form: forms every wᵢⱼ with cos(θᵢ − θⱼ) taken directly (not decomposed), masks, then
   * normalises. O(N²) time and memory: for teaching and for testing {@link #linear}. (…, T, d_v).
   */
  public static NDArray quadratic(
      NDArray Q, NDArray K, NDArray V, NDArray keyMask, boolean causal, CosFormerConfig config) {
    Inputs in = Inputs.of(Q, K, V, keyMask, causal, config);
    NDArray w = in.unnormalisedWeights(); // (B, H, T, T)
    NDArray den = w.sum(new int[] {-1}, true).maximum(in.eps); // (B, H, T, 1)
    return in.restore(w.matMul(in.V).div(den));
  }

  /**
   * The normalised weights Aᵢⱼ = wᵢⱼ / max(Σⱼ wᵢⱼ, eps) of the quadratic form, (…, T, T): non-negative, rows sum
   * to 1 (to 0 for a query whose features are all zero). For plots; the linear form never builds them.
   */
  public static NDArray weights(NDArray Q, NDArray K, NDArray keyMask, boolean causal, CosFormerConfig config) {
    Inputs in = Inputs.of(Q, K, K, keyMask, causal, config);
    NDArray w = in.unnormalisedWeights();
    NDArray den = w.sum(new int[] {-1}, true).maximum(in.eps);
    return in.restore(w.div(den));
  }

  /**
   * Causal cosFormer the way the official code computes it: K̃ⱼᵀ Vⱼ for every j as one (B, H, T, F, d) tensor,
   * then its running sum over j. Same result as {@link #linear}, but it holds T · F · d numbers per head — 256 MB
   * at T = 8192, d = 64 in float32. Kept only so the benchmark can measure that; do not use it in models.
   */
  public static NDArray causalFullPrefixSums(
      NDArray Q, NDArray K, NDArray V, NDArray keyMask, CosFormerConfig config) {
    Inputs in = Inputs.of(Q, K, V, keyMask, true, config);
    NDArray Qf = in.features(in.Q); // (B, H, T, F)
    NDArray Kf = in.maskKeys(in.features(in.K)); // (B, H, T, F)
    NDArray S = Kf.expandDims(-1).mul(in.V.expandDims(-2)).cumSum(2); // (B, H, T, F, d): S at every i
    NDArray z = Kf.cumSum(2); // (B, H, T, F)
    NDArray num = Qf.expandDims(-2).matMul(S).squeeze(-2); // (B, H, T, d)
    NDArray den = Qf.mul(z).sum(new int[] {-1}, true).maximum(in.eps); // (B, H, T, 1)
    return in.restore(num.div(den));
  }

  /** Non-causal: S = K̃ᵀ V and z = Σⱼ K̃ⱼ once, then every query reads them. */
  private static NDArray rightProduct(NDArray Qf, NDArray Kf, NDArray V, NDArray eps) {
    NDArray S = Kf.swapAxes(-1, -2).matMul(V); // (B, H, F, d)
    NDArray z = Kf.sum(new int[] {2}, true).swapAxes(-1, -2); // (B, H, F, 1)
    NDArray num = Qf.matMul(S); // (B, H, T, d)
    NDArray den = Qf.matMul(z).maximum(eps); // (B, H, T, 1)
    return num.div(den);
  }

  /**
   * Causal: for chunk c = [s, e), Oᵢ = (Q̃ᵢ S_&lt;s + Σ_{s≤j≤i} wᵢⱼ Vⱼ) / max(Q̃ᵢ z_&lt;s + Σ_{s≤j≤i} wᵢⱼ, eps), with
   * S_&lt;s and z_&lt;s the sums over all earlier chunks. Each chunk's temporaries live in a sub-manager closed at
   * the end of the chunk, so only the outputs and the current (S, z) stay alive. (Autograd keeps what the
   * backward pass needs on its own, so closing them is safe: the per-chunk states it keeps cost O(N·d²/C).)
   */
  private static NDArray chunkedScan(NDArray Qf, NDArray Kf, NDArray V, NDArray eps, int C) {
    NDManager outer = Qf.getManager();
    Shape s = Qf.getShape();
    long B = s.get(0);
    long H = s.get(1);
    long T = s.get(2);
    long F = s.get(3);
    long dv = V.getShape().get(3);
    DataType type = Qf.getDataType();
    int c0 = (int) Math.min(C, T);
    NDArray tri = lowerTriangle(outer, c0, type); // (c0, c0): 1 where j ≤ i inside a chunk
    NDArray S = outer.zeros(new Shape(B, H, F, dv), type, Qf.getDevice()); // Σ K̃ⱼᵀ Vⱼ over earlier chunks
    NDArray z = outer.zeros(new Shape(B, H, F, 1), type, Qf.getDevice()); // Σ K̃ⱼᵀ over earlier chunks
    NDList outs = new NDList();
    for (long start = 0; start < T; start += C) {
      long end = Math.min(T, start + C);
      try (NDManager chunk = outer.newSubManager()) {
        NDIndex rows = new NDIndex(":, :, {}:{}", start, end);
        NDArray Qc = into(chunk, Qf.get(rows)); // (B, H, c, F)
        NDArray Kc = into(chunk, Kf.get(rows)); // (B, H, c, F)
        NDArray Vc = into(chunk, V.get(rows)); // (B, H, c, d)
        NDArray mask = end - start == c0 ? tri : into(chunk, tri.get(new NDIndex(":{}, :{}", end - start, end - start)));
        NDArray w = Qc.matMul(Kc.swapAxes(-1, -2)).mul(mask); // (B, H, c, c), causal inside the chunk
        NDArray num = w.matMul(Vc).add(Qc.matMul(S)); // (B, H, c, d): this chunk + all earlier ones
        NDArray den = w.sum(new int[] {-1}, true).add(Qc.matMul(z)); // (B, H, c, 1)
        outs.add(keep(num.div(den.maximum(eps)), outer));
        NDArray nextS = keep(Kc.swapAxes(-1, -2).matMul(Vc).add(S), outer); // (B, H, F, d)
        NDArray nextZ = keep(Kc.sum(new int[] {2}, true).swapAxes(-1, -2).add(z), outer); // (B, H, F, 1)
        S.attach(chunk); // the old state is freed with the chunk
        z.attach(chunk);
        S = nextS;
        z = nextZ;
      }
    }
    return outs.size() == 1 ? outs.head() : NDArrays.concat(outs, 2); // (B, H, T, d)
  }

  /** Moves a new array into {@code m} so that it, and what is computed from it, is freed with {@code m}. */
  private static NDArray into(NDManager m, NDArray a) {
    a.attach(m);
    return a;
  }

  private static NDArray keep(NDArray a, NDManager outer) {
    a.attach(outer);
    return a;
  }

  /** (n, n) with 1 where column ≤ row. */
  private static NDArray lowerTriangle(NDManager m, long n, DataType type) {
    NDArray i = m.arange(0, (int) n, 1, DataType.INT64).reshape(n, 1);
    NDArray j = m.arange(0, (int) n, 1, DataType.INT64).reshape(1, n);
    return j.lte(i).toType(type, false);
  }

  /** Checked, converted inputs shared by the forms: everything in the working type, as (B, H, T, ·). */
  private static final class Inputs {
    final NDArray Q;
    final NDArray K;
    final NDArray V;
    final NDArray keyMask; // (B, T) in the working type, or null
    final boolean causal;
    final CosFormerConfig config;
    final NDArray eps; // scalar in the working type
    final DataType outType;
    final boolean rank3;
    final long T;
    private NDArray cos; // (B or 1, 1, T, 1)
    private NDArray sin;
    private NDArray theta;

    private Inputs(
        NDArray Q, NDArray K, NDArray V, NDArray keyMask, boolean causal, CosFormerConfig config,
        DataType outType, boolean rank3) {
      this.Q = Q;
      this.K = K;
      this.V = V;
      this.keyMask = keyMask;
      this.causal = causal;
      this.config = config;
      this.outType = outType;
      this.rank3 = rank3;
      this.T = Q.getShape().get(2);
      // An array of the batch's manager, not a Java number: DJL frees a number's temporary scalar right after the
      // operation while autograd may still need it (see ScaledDotProductAttention.logits).
      this.eps = Q.getManager().create(config.eps()).toType(Q.getDataType(), false);
    }

    static Inputs of(NDArray Q, NDArray K, NDArray V, NDArray keyMask, boolean causal, CosFormerConfig config) {
      if (config == null) {
        throw new IllegalArgumentException("config must not be null; use CosFormerConfig.defaults()");
      }
      if (config.reweighting() && !config.horizon().isResolved()) {
        throw new IllegalArgumentException(
            "horizon " + config.horizon() + " depends on the model; call config.resolve(maxLength, causal) first"
                + " or give Horizon.realLength(), paddedLength() or fixed(M)");
      }
      int r = Q.getShape().dimension();
      if (r != 3 && r != 4) {
        throw new IllegalArgumentException("Q must be (B, T, d) or (B, H, T, d), got shape " + Q.getShape());
      }
      if (K.getShape().dimension() != r || V.getShape().dimension() != r) {
        throw new IllegalArgumentException(
            "Q, K and V must have the same rank: Q " + Q.getShape() + ", K " + K.getShape() + ", V " + V.getShape());
      }
      Shape q = Q.getShape();
      Shape k = K.getShape();
      Shape v = V.getShape();
      if (!q.equals(k)) {
        throw new IllegalArgumentException(
            "cosFormer self-attention needs Q and K of the same shape (same length, so positions i and j count"
                + " alike): Q " + q + ", K " + k);
      }
      if (!v.slice(0, r - 1).equals(k.slice(0, r - 1))) {
        throw new IllegalArgumentException(
            "V must match K in every axis but the last: K " + k + ", V " + v);
      }
      long B = q.get(0);
      long T = q.get(r - 2);
      if (keyMask != null) {
        Shape m = keyMask.getShape();
        if (m.dimension() != 2 || m.get(0) != B || m.get(1) != T) {
          throw new IllegalArgumentException(
              "key mask has shape " + m + " but the keys have shape " + k + ": expected (" + B + ", " + T + ")");
        }
      }
      if (config.reweighting() && config.horizon().kind() == Horizon.Kind.FIXED && T > config.horizon().value()) {
        throw new IllegalArgumentException(
            "sequence length " + T + " is longer than the fixed horizon M = " + config.horizon().value()
                + ": weights cos(π/2 · (i − j)/M) of tokens M or more apart would be ≤ 0");
      }
      DataType in = Q.getDataType();
      // Half precision overflows in the sums over the sequence (65504 is float16's largest number): compute in
      // float32 and cast the result back.
      DataType work = in == DataType.FLOAT16 || in == DataType.BFLOAT16 ? DataType.FLOAT32 : in;
      if (r == 3) {
        Q = Q.expandDims(1);
        K = K.expandDims(1);
        V = V.expandDims(1);
      }
      NDArray mask = null;
      if (keyMask != null) {
        // A copy owned by the batch's manager: arrays computed from it then die with the batch, even when the
        // caller keeps the mask in a longer-lived manager.
        mask = keyMask.toType(work, true);
        mask.attach(Q.getManager());
      }
      return new Inputs(
          Q.toType(work, false), K.toType(work, false), V.toType(work, false), mask, causal, config, in, r == 3);
    }

    /** θ (B or 1, 1, T, 1) = (π/2) · position / M, computed in float64, per {@link Horizon}. */
    NDArray theta() {
      if (theta != null) {
        return theta;
      }
      NDManager m = Q.getManager();
      NDArray position; // (B or 1, T): 1, 2, 3 … over real tokens
      if (keyMask == null) {
        position = m.arange(1, (int) T + 1, 1, DataType.FLOAT64).reshape(1, T);
      } else {
        position = keyMask.toType(DataType.FLOAT64, false).cumSum(1);
      }
      NDArray M; // (B or 1, 1)
      Horizon h = config.horizon();
      switch (h.kind()) {
        case REAL_LENGTH -> {
          if (keyMask == null) {
            M = m.create((double) T).reshape(1, 1);
          } else {
            // an all-padding row has M = 0; any M ≥ 1 will do, as none of its keys counts
            M = keyMask.toType(DataType.FLOAT64, false).sum(new int[] {1}, true).maximum(m.create(1.0));
          }
        }
        case PADDED_LENGTH -> M = m.create((double) T).reshape(1, 1);
        case FIXED -> M = m.create((double) h.value()).reshape(1, 1);
        default -> throw new IllegalStateException("unresolved horizon " + h);
      }
      theta = position.mul(m.create(Math.PI / 2)).div(M);
      theta = theta.reshape(theta.getShape().get(0), 1, T, 1);
      return theta;
    }

    NDArray cosTheta() {
      if (cos == null) {
        cos = theta().cos().toType(Q.getDataType(), false);
      }
      return cos;
    }

    NDArray sinTheta() {
      if (sin == null) {
        sin = theta().sin().toType(Q.getDataType(), false);
      }
      return sin;
    }

    /** φ(X) = ReLU(X), and with re-weighting [φ(X) cos θ, φ(X) sin θ]. (B, H, T, d) → (B, H, T, F). */
    NDArray features(NDArray X) {
      NDArray phi = Activation.relu(X);
      if (!config.reweighting()) {
        return phi;
      }
      return phi.mul(cosTheta()).concat(phi.mul(sinTheta()), -1);
    }

    /** Zeroes the rows of padded keys. */
    NDArray maskKeys(NDArray Kf) {
      if (keyMask == null) {
        return Kf;
      }
      return Kf.mul(keyMask.reshape(keyMask.getShape().get(0), 1, T, 1));
    }

    /** wᵢⱼ = φ(Qᵢ)·φ(Kⱼ) · cos(θᵢ − θⱼ) · allowedᵢⱼ, (B, H, T, T), straight from the definition. */
    NDArray unnormalisedWeights() {
      NDArray w = Activation.relu(Q).matMul(Activation.relu(K).swapAxes(-1, -2)); // (B, H, T, T)
      if (config.reweighting()) {
        NDArray th = theta(); // (B or 1, 1, T, 1)
        NDArray cosDiff = th.sub(th.swapAxes(-1, -2)).cos().toType(Q.getDataType(), false); // (B or 1, 1, T, T)
        w = w.mul(cosDiff);
      }
      if (keyMask != null) {
        w = w.mul(keyMask.reshape(keyMask.getShape().get(0), 1, 1, T)); // padded key j: weight 0
      }
      if (causal) {
        w = w.mul(lowerTriangle(Q.getManager(), T, Q.getDataType())); // key j > query i: weight 0
      }
      return w;
    }

    /** Back to the caller's type and rank. */
    NDArray restore(NDArray out) {
      NDArray o = out.toType(outType, false);
      return rank3 ? o.squeeze(1) : o;
    }
  }
}
