package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

/**
 * AFT-conv (Eq. 6), configuration AFT-conv-h-s: h heads, Q and V split into h blocks of D/h channels, K with one
 * channel per head (its width is tied to the number of heads), and per head a convolution kernel w^i ∈ ℝ^s:
 *
 * <pre>
 *   Y_t^i = σ(Q_t^i) ⊙ [conv1d(exp(K^i) ⊙ V^i, exp(w^i) − 1) + Σ_{t'} exp(K_{t'}^i) ⊙ V_{t'}^i]
 *                    / [conv1d(exp(K^i),       exp(w^i) − 1) + Σ_{t'} exp(K_{t'}^i)]
 * </pre>
 *
 * The conv1d is depthwise, its filter shared by the D/h channels of a head. This is AFT with a bias that depends
 * only on the offset t' − t: w^i at the kernel's offsets and 0 elsewhere, so the global term keeps every position
 * connected. The kernel is reparameterised, w^i = γ^i (w^i − mean(w^i)) / std(w^i) + β^i with γ, β ∈ ℝ^h
 * initialised to 0 — so AFT-conv starts out as AFT-simple; std is the population standard deviation over the s
 * taps, computed as √(var + {@value #EPS}) so that s = 1 or a constant kernel is not 0/0.
 *
 * <p>Offsets: not causal, tap j sits at t' − t = j − ⌊(s−1)/2⌋ (a centred kernel; for even s one more tap to the
 * right, as a "same" convolution pads); causal, at t' − t = j − (s − 1), a causal convolution over the s most
 * recent positions. O(T·s·D) time, O(T·D) memory for the conv's blocks ({@link AftOps#banded}), any length.
 */
public final class AftConv extends AftAttention {

  /** Added to the variance of each kernel before the square root. */
  public static final double EPS = 1e-5;

  private final int heads;
  private final int s;
  private final Parameter w;
  private final Parameter gamma;
  private final Parameter beta;

  public AftConv(int dModel, int heads, int s, int maxLength) {
    super(dModel, checkedHeads(dModel, heads), maxLength);
    if (s < 1) {
      throw new IllegalArgumentException("kernel size s must be at least 1, got " + s);
    }
    this.heads = heads;
    this.s = s;
    w = addParameter(parameter("w", new Shape(heads, s), new NormalInitializer(1f)));
    gamma = addParameter(parameter("gamma", new Shape(heads), Initializer.ZEROS));
    beta = addParameter(parameter("beta", new Shape(heads), Initializer.ZEROS));
  }

  private static int checkedHeads(int dModel, int heads) {
    if (heads < 1 || dModel % heads != 0) {
      throw new IllegalArgumentException(
          "model width " + dModel + " must be a positive multiple of the number of heads " + heads);
    }
    return heads;
  }

  private static Parameter parameter(String name, Shape shape, Initializer init) {
    // OTHER, not WEIGHT: the trainer's Xavier initialiser must not replace γ = β = 0
    return Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape).optInitializer(init).build();
  }

  /** The reparameterised kernels w^i, (heads, s), attached to {@code like}'s manager. */
  NDArray kernels(ParameterStore ps, NDArray like, boolean training) {
    NDArray raw = AftOps.onManagerOf(ps.getValue(w, like.getDevice(), training), like); // (h, s)
    NDArray g = AftOps.onManagerOf(ps.getValue(gamma, like.getDevice(), training), like).reshape(heads, 1);
    NDArray b = AftOps.onManagerOf(ps.getValue(beta, like.getDevice(), training), like).reshape(heads, 1);
    NDArray centred = raw.sub(raw.mean(new int[] {1}, true)); // (h, s)
    NDArray std = centred.square().mean(new int[] {1}, true).add(AftOps.scalar(raw, EPS)).sqrt(); // (h, 1)
    return g.mul(centred.div(std)).add(b);
  }

  /** Offset t' − t of tap 0. */
  int firstOffset(boolean causal) {
    return causal ? -(s - 1) : -((s - 1) / 2);
  }

  @Override
  protected NDArray keysPerChannel(NDArray K) {
    return K.repeat(2, dModel / heads); // (B, T, h) → (B, T, D): each head's key for each of its channels
  }

  @Override
  protected NDArray average(ParameterStore ps, NDArray K, NDArray V, NDArray keyMask, boolean causal, boolean training) {
    NDArray kernel = kernels(ps, K, training); // (h, s)
    NDArray band = kernel.transpose().repeat(1, dModel / heads).expandDims(0); // (1, s, D): the same at every t
    return AftOps.banded(band, firstOffset(causal), keysPerChannel(K), V, keyMask, causal);
  }

  @Override
  protected NDArray effectiveBias(ParameterStore ps, int T, NDArray like, boolean training, boolean causal) {
    // Toeplitz: w′[t][t'] = kernel[t' − t − first] where that tap exists, else 0 — one-hot taps × kernel
    int first = firstOffset(causal);
    double[] taps = new double[s * T * T];
    for (int j = 0; j < s; j++) {
      for (int t = 0; t < T; t++) {
        int tPrime = t + first + j;
        if (tPrime >= 0 && tPrime < T) {
          taps[(j * T + t) * T + tPrime] = 1;
        }
      }
    }
    NDArray oneHot = like.getManager().create(taps, new Shape(s, (long) T * T)).toType(like.getDataType(), false);
    NDArray kernel = kernels(ps, like, training); // (h, s)
    NDArray perHead = kernel.matMul(oneHot).reshape(heads, T, T).transpose(1, 2, 0); // (T, T, h)
    return perHead.repeat(2, dModel / heads); // (T, T, D)
  }

  /** The current kernels w^i after the reparameterisation, [head][tap], as numbers. */
  public double[][] kernelValues() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray like = m.zeros(new Shape(1), w.getArray().getDataType());
      double[] flat = kernels(new ParameterStore(m, false), like, false).toType(DataType.FLOAT64, false).toDoubleArray();
      double[][] out = new double[heads][s];
      for (int i = 0; i < heads; i++) {
        System.arraycopy(flat, i * s, out[i], 0, s);
      }
      return out;
    }
  }

  @Override
  public int heads() {
    return heads;
  }

  /** The kernel size s. */
  public int kernelSize() {
    return s;
  }

  @Override
  public String variant() {
    return "AFT-conv";
  }

  @Override
  protected String settings() {
    return "h=" + heads + ", s=" + s;
  }
}
