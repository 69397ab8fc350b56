package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.attentioncourse.attention.Reference;

/** Shared set-up of the AFT tests: the variants, seeded parameters and inputs, and the float64 loops reference. */
final class AftFixtures {

  static final int D = 8;
  static final int L = 9;

  private AftFixtures() {}

  /** A named way to build one variant. */
  record Variant(String name, Supplier<AftAttention> make) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Every variant, with windows and kernels small enough that T = 7 reaches past them. */
  static List<Variant> variants() {
    return List.of(
        new Variant("full", () -> new AftFull(D, L, PositionBias.full(L))),
        new Variant("full u vᵀ", () -> new AftFull(D, L, PositionBias.factorized(L, 3))),
        new Variant("simple", () -> new AftSimple(D, L)),
        new Variant("local s=2", () -> new AftLocal(D, L, 2, PositionBias.full(L))),
        new Variant("local s=3 u vᵀ", () -> new AftLocal(D, L, 3, PositionBias.factorized(L, 3))),
        new Variant("conv h=2 s=3", () -> new AftConv(D, 2, 3, L)),
        new Variant("conv h=4 s=4", () -> new AftConv(D, 4, 4, L)));
  }

  /** The block, initialised for (B, T, D) inputs in {@code type}, every parameter set to seeded N(0, σ²) values. */
  static AftAttention build(Variant v, NDManager m, DataType type, long seed) {
    AftAttention a = v.make().get();
    a.initialize(m, type, new Shape(1, 4, D), new Shape(1, 4));
    Random r = new Random(seed);
    for (var p : a.getParameters()) {
      NDArray arr = p.getValue().getArray();
      // projections as initialised at scale 1/√D; biases of order 1 so that exp(w) matters
      double sigma = p.getKey().endsWith("_weight") ? 1 / Math.sqrt(D) : p.getKey().endsWith("_u") || p.getKey().endsWith("_v") ? 0.6 : 1;
      double[] values = new double[(int) arr.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = sigma * r.nextGaussian();
      }
      set(arr, values);
    }
    return a;
  }

  static void set(NDArray arr, double[] values) {
    if (arr.getDataType() == DataType.FLOAT64) {
      arr.set(values);
    } else {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      arr.set(f);
    }
  }

  static Parameter param(AftAttention a, String name) {
    for (var p : a.getParameters()) {
      if (p.getKey().replaceFirst("^[0-9]+", "").equals(name)) {
        return p.getValue();
      }
    }
    List<String> names = new ArrayList<>(a.getParameters().keys());
    throw new AssertionError("no parameter " + name + " in " + names);
  }

  static double[] values(NDArray a) {
    return a.toType(DataType.FLOAT64, false).toDoubleArray();
  }

  static double[][] matrix(NDArray a) {
    int r = (int) a.getShape().get(0);
    int c = (int) a.getShape().get(1);
    double[] flat = values(a);
    double[][] out = new double[r][c];
    for (int i = 0; i < r; i++) {
      System.arraycopy(flat, i * c, out[i], 0, c);
    }
    return out;
  }

  static double[][][] cube(NDArray a) {
    Shape s = a.getShape();
    int B = (int) s.get(0);
    int T = (int) s.get(1);
    int C = (int) s.get(2);
    double[] flat = values(a);
    double[][][] out = new double[B][T][C];
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        System.arraycopy(flat, (b * T + t) * C, out[b][t], 0, C);
      }
    }
    return out;
  }

  static double[] gaussian(long seed, int n, double sigma) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = sigma * r.nextGaussian();
    }
    return v;
  }

  static NDArray input(NDManager m, long seed, int B, int T, DataType type) {
    return m.create(gaussian(seed, B * T * D, 1), new Shape(B, T, D)).toType(type, false);
  }

  /** Batch 0: all real. Batch 1: key 0 and the last two keys padded (query 0 sees no real key when causal). */
  static boolean[][] mask(int B, int T) {
    boolean[][] k = new boolean[B][T];
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        k[b][t] = b == 0 || (t > 0 && t < T - 2);
      }
    }
    return k;
  }

  static NDArray maskArray(NDManager m, boolean[][] k, DataType type) {
    int B = k.length;
    int T = k[0].length;
    float[] f = new float[B * T];
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        f[b * T + t] = k[b][t] ? 1 : 0;
      }
    }
    return m.create(f, new Shape(B, T)).toType(type, false);
  }

  /** The bias w′ of {@code a}, read from its parameters with plain loops (independently of the variant's code). */
  static AftReference.Bias referenceBias(AftAttention a, int T, boolean causal) {
    if (a instanceof AftSimple) {
      return AftReference.Bias.zero();
    }
    if (a instanceof AftConv c) {
      double[][] raw = matrix(param(a, "w").getArray());
      double[] gamma = values(param(a, "gamma").getArray());
      double[] beta = values(param(a, "beta").getArray());
      return AftReference.Bias.conv(AftReference.reparameterize(raw, gamma, beta), D, causal);
    }
    PositionBias pb = a instanceof AftFull f ? f.bias() : ((AftLocal) a).bias();
    double[][] w;
    if (pb instanceof PositionBias.Full) {
      w = matrix(param(a, "bias_w").getArray());
    } else {
      double[][] u = matrix(param(a, "bias_u").getArray());
      double[][] v = matrix(param(a, "bias_v").getArray());
      w = new double[L][L];
      for (int i = 0; i < L; i++) {
        for (int j = 0; j < L; j++) {
          for (int k = 0; k < u[0].length; k++) {
            w[i][j] += u[i][k] * v[j][k];
          }
        }
      }
    }
    return a instanceof AftLocal loc ? AftReference.Bias.local(w, loc.window()) : AftReference.Bias.matrix(w);
  }

  /** The block's whole output (projections included) from the float64 loops of {@link AftReference#loops}. */
  static double[][][] reference(AftAttention a, double[][][] x, boolean[][] keyMask, boolean causal) {
    int B = x.length;
    int T = x[0].length;
    double[][][] Q = new double[B][][];
    double[][][] K = new double[B][][];
    double[][][] V = new double[B][][];
    for (int b = 0; b < B; b++) {
      Q[b] = linear(a, "query", x[b]);
      double[][] k = linear(a, "key", x[b]);
      int h = k[0].length;
      K[b] = new double[T][D];
      for (int t = 0; t < T; t++) {
        for (int c = 0; c < D; c++) {
          K[b][t][c] = k[t][c / (D / h)]; // AFT-conv: the head's key in each of its channels
        }
      }
      V[b] = linear(a, "value", x[b]);
    }
    double[][][] Y = AftReference.loops(Q, K, V, referenceBias(a, T, causal), keyMask, causal);
    double[][][] out = new double[B][][];
    for (int b = 0; b < B; b++) {
      out[b] = linear(a, "output", Y[b]);
    }
    return out;
  }

  private static double[][] linear(AftAttention a, String name, double[][] x) {
    double[][] W = matrix(param(a, name + "_weight").getArray().transpose()); // DJL stores (out, in)
    return Reference.linear(x, W, values(param(a, name + "_bias").getArray()));
  }

  /** A band bias (T|1, J, C|1) written out as the (T, T, C) matrix it stands for, with loops. */
  static NDArray dense(NDManager m, NDArray band, int first, int T, int C) {
    Shape s = band.getShape();
    int J = (int) s.get(1);
    double[] b = AftFixtures.values(band);
    double[] out = new double[T * T * C];
    for (int t = 0; t < T; t++) {
      for (int j = 0; j < J; j++) {
        int tPrime = t + first + j;
        if (tPrime < 0 || tPrime >= T) {
          continue;
        }
        for (int c = 0; c < C; c++) {
          int row = s.get(0) == 1 ? 0 : t;
          int ch = s.get(2) == 1 ? 0 : c;
          out[(t * T + tPrime) * C + c] = b[(row * J + j) * (int) s.get(2) + ch];
        }
      }
    }
    return m.create(out, new Shape(T, T, C));
  }
}
