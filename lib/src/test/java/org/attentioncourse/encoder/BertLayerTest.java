package org.attentioncourse.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BertLayer} against its literal definition, written as float64 loops: post-norm, biases everywhere,
 * exact GELU, padded keys masked. Tolerance 1e-10 in float64 (every parameter drawn at random, not left at
 * its initial zeros and ones).
 */
class BertLayerTest {

  static final int D = 8;
  static final int H = 2;
  static final int F = 12;
  static final int B = 2;
  static final int T = 5;

  @Test
  void geluIsTheExactErfForm() {
    try (NDManager m = NDManager.newBaseManager()) {
      double[] z = new double[241];
      for (int i = 0; i < z.length; i++) {
        z[i] = -6 + 0.05 * i;
      }
      double[] djl = Activation.gelu(m.create(z)).toDoubleArray();
      double maxExact = 0;
      double maxTanh = 0;
      for (int i = 0; i < z.length; i++) {
        double exact = 0.5 * z[i] * (1 + erf(z[i] / Math.sqrt(2)));
        double tanh = 0.5 * z[i] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z[i] + 0.044715 * Math.pow(z[i], 3))));
        maxExact = Math.max(maxExact, Math.abs(djl[i] - exact));
        maxTanh = Math.max(maxTanh, Math.abs(djl[i] - tanh));
      }
      assertTrue(maxExact < 1e-12, "DJL's gelu vs ½z(1 + erf(z/√2)): " + maxExact);
      assertTrue(maxTanh > 1e-4, "the tanh approximation must be told apart: " + maxTanh);
    }
  }

  @Test
  void layerMatchesTheLiteralPostNormDefinition() {
    Engine.getInstance().setRandomSeed(11);
    Random rnd = new Random(11);
    try (NDManager m = NDManager.newBaseManager()) {
      BertLayer layer = new BertLayer(D, H, F, 1e-12f);
      layer.initialize(m, DataType.FLOAT64, new Shape(B, T, D), new Shape(B, T));
      Map<String, double[]> p = new HashMap<>();
      for (Pair<String, Parameter> e : layer.getParameters()) {
        NDArray a = e.getValue().getArray();
        double[] v = new double[(int) a.size()];
        for (int i = 0; i < v.length; i++) {
          boolean gamma = e.getKey().endsWith("gamma");
          v[i] = rnd.nextGaussian() * (gamma ? 0.5 : 0.4) + (gamma ? 1 : 0);
        }
        a.set(v);
        p.put(e.getKey().replaceAll("^\\d+|_\\d+", "_").replaceAll("^_", ""), v);
      }
      double[][][] x = new double[B][T][D];
      double[] flat = new double[B * T * D];
      for (int i = 0; i < flat.length; i++) {
        flat[i] = rnd.nextGaussian();
        x[i / (T * D)][(i / D) % T][i % D] = flat[i];
      }
      float[] maskFlat = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}; // example 1 has 3 real tokens
      NDArray y =
          layer
              .forward(
                  new ParameterStore(m, false),
                  new NDList(m.create(flat, new Shape(B, T, D)), m.create(maskFlat, new Shape(B, T))),
                  false)
              .head();
      double[] ours = y.toDoubleArray();
      double max = 0;
      for (int b = 0; b < B; b++) {
        double[][] expected = naive(x[b], java.util.Arrays.copyOfRange(maskFlat, b * T, (b + 1) * T), p);
        for (int t = 0; t < T; t++) {
          for (int d = 0; d < D; d++) {
            max = Math.max(max, Math.abs(expected[t][d] - ours[(b * T + t) * D + d]));
          }
        }
      }
      assertTrue(max < 1e-10, "max |diff| " + max + " (parameters " + p.keySet() + ")");
    }
  }

  /** y = LN(h + W₂ GELU(W₁ h + b₁) + b₂), h = LN(x + MHA(x)), one example, by loops. */
  static double[][] naive(double[][] x, float[] mask, Map<String, double[]> p) {
    double[][] q = linear(x, w(p, "query_weight"), w(p, "query_bias"));
    double[][] k = linear(x, w(p, "key_weight"), w(p, "key_bias"));
    double[][] v = linear(x, w(p, "value_weight"), w(p, "value_bias"));
    int dh = D / H;
    double[][] concat = new double[T][D];
    for (int h = 0; h < H; h++) {
      for (int i = 0; i < T; i++) {
        double[] s = new double[T];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < T; j++) {
          if (mask[j] == 0) {
            s[j] = Double.NEGATIVE_INFINITY;
            continue;
          }
          for (int c = 0; c < dh; c++) {
            s[j] += q[i][h * dh + c] * k[j][h * dh + c];
          }
          s[j] /= Math.sqrt(dh);
          max = Math.max(max, s[j]);
        }
        double z = 0;
        for (int j = 0; j < T; j++) {
          s[j] = Math.exp(s[j] - max);
          z += s[j];
        }
        for (int j = 0; j < T; j++) {
          for (int c = 0; c < dh; c++) {
            concat[i][h * dh + c] += s[j] / z * v[j][h * dh + c];
          }
        }
      }
    }
    double[][] a = linear(concat, w(p, "output_weight", 0), w(p, "output_bias", 0));
    double[][] h = norm(add(x, a), w(p, "attentionNorm_gamma"), w(p, "attentionNorm_beta"));
    double[][] f = linear(h, w(p, "intermediate_weight"), w(p, "intermediate_bias"));
    for (double[] row : f) {
      for (int c = 0; c < row.length; c++) {
        row[c] = 0.5 * row[c] * (1 + erf(row[c] / Math.sqrt(2)));
      }
    }
    f = linear(f, w(p, "output_weight", 1), w(p, "output_bias", 1));
    return norm(add(h, f), w(p, "outputNorm_gamma"), w(p, "outputNorm_beta"));
  }

  /** The parameter whose cleaned name ends with {@code suffix}; {@code which} picks among several (0, 1). */
  static double[] w(Map<String, double[]> p, String suffix, int which) {
    java.util.List<String> keys =
        p.keySet().stream().filter(k -> k.endsWith("_" + suffix) || k.equals(suffix)).sorted().toList();
    // attention's output projection sorts before the layer's own output (…attention_output… < output…)
    return p.get(keys.get(which));
  }

  static double[] w(Map<String, double[]> p, String suffix) {
    return w(p, suffix, 0);
  }

  /** x Wᵀ + b with W laid out [out, in], as DJL's Linear. */
  static double[][] linear(double[][] x, double[] W, double[] b) {
    int out = b.length;
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = b[o];
        for (int i = 0; i < in; i++) {
          s += x[t][i] * W[o * in + i];
        }
        y[t][o] = s;
      }
    }
    return y;
  }

  static double[][] add(double[][] a, double[][] b) {
    double[][] y = new double[a.length][a[0].length];
    for (int t = 0; t < a.length; t++) {
      for (int d = 0; d < a[0].length; d++) {
        y[t][d] = a[t][d] + b[t][d];
      }
    }
    return y;
  }

  static double[][] norm(double[][] x, double[] gamma, double[] beta) {
    double[][] y = new double[x.length][x[0].length];
    for (int t = 0; t < x.length; t++) {
      double mean = java.util.Arrays.stream(x[t]).average().orElseThrow();
      double var = 0;
      for (double v : x[t]) {
        var += (v - mean) * (v - mean) / x[t].length;
      }
      for (int d = 0; d < x[t].length; d++) {
        y[t][d] = (x[t][d] - mean) / Math.sqrt(var + 1e-12) * gamma[d] + beta[d];
      }
    }
    return y;
  }

  /** erf to about 1e-15: its Taylor series below 3, the continued fraction of erfc above. */
  static double erf(double x) {
    double ax = Math.abs(x);
    double r;
    if (ax < 3) {
      double term = ax;
      double sum = ax;
      for (int n = 1; n < 200 && Math.abs(term) > 1e-20; n++) {
        term *= -ax * ax / n;
        sum += term / (2 * n + 1);
      }
      r = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      double f = ax;
      for (int k = 80; k >= 1; k--) {
        f = ax + (k / 2.0) / f;
      }
      r = 1 - Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
    }
    return x < 0 ? -r : r;
  }

  @Test
  void theErfReferenceIsAccurate() {
    assertEquals(0.8427007929497149, erf(1), 1e-15);
    assertEquals(0.9953222650189527, erf(2), 1e-15);
    assertEquals(0.9999779095030014, erf(3), 1e-15);
    assertEquals(-0.5204998778130465, erf(-0.5), 1e-15);
  }
}
