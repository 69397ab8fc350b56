package org.attentioncourse.cosformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forms of {@link CosFormer} against each other and against the double loops of {@link CosFormerReference}.
 *
 * <p>Tolerances (absolute; outputs and gradients are O(1) here): float64 1e-10, float32 1e-5.
 */
class CosFormerTest {

  static final int B = 2;
  static final int H = 2;
  static final int T = 11;
  static final int d = 8;
  /** Sequence 0 has no padding; sequence 1 has one padded token before its 7 real ones and three after. */
  static final boolean[][] MASK = {
    {true, true, true, true, true, true, true, true, true, true, true},
    {false, true, true, true, true, true, true, true, false, false, false}
  };

  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  NDArray normal(long seed, DataType type, long... shape) {
    Random r = new Random(seed);
    Shape s = new Shape(shape);
    double[] v = new double[(int) s.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return m.create(v, s).toType(type, false);
  }

  NDArray mask() {
    float[] v = new float[B * T];
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        v[b * T + t] = MASK[b][t] ? 1 : 0;
      }
    }
    return m.create(v, new Shape(B, T));
  }

  static CosFormerConfig config(boolean reweighting, Horizon h, int chunk) {
    return CosFormerConfig.defaults().reweighting(reweighting).horizon(h).chunkSize(chunk);
  }

  static List<Horizon> horizons() {
    return List.of(Horizon.realLength(), Horizon.paddedLength(), Horizon.fixed(16));
  }

  static void assertClose(double[] expected, double[] got, double tol, String what) {
    assertEquals(expected.length, got.length, what + ": sizes");
    double worst = 0;
    int at = -1;
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Double.isFinite(got[i]), what + ": entry " + i + " is " + got[i]);
      double e = Math.abs(expected[i] - got[i]);
      if (e > worst) {
        worst = e;
        at = i;
      }
    }
    assertTrue(worst <= tol, what + ": largest difference " + worst + " at entry " + at + " > " + tol);
  }

  static double[] flat(NDArray a) {
    NDArray c = a.toType(DataType.FLOAT64, false);
    double[] v = c.toDoubleArray();
    if (c != a) {
      c.close(); // a converted copy would otherwise stay in a's manager
    }
    return v;
  }

  /** Head (b, h) of a (B, H, T, w) array as double[T][w]. */
  static double[][] head(NDArray a, int b, int h) {
    NDArray x = a.get(new NDIndex("{}, {}", b, h));
    return rows(x);
  }

  static double[][] rows(NDArray x) {
    int r = (int) x.getShape().get(0);
    int c = (int) x.getShape().get(1);
    double[] f = flat(x);
    double[][] out = new double[r][c];
    for (int i = 0; i < r; i++) {
      System.arraycopy(f, i * c, out[i], 0, c);
    }
    return out;
  }

  @Test
  void linearEqualsQuadraticEqualsTheLoopsInFloat64() {
    NDArray Q = normal(1, DataType.FLOAT64, B, H, T, d);
    NDArray K = normal(2, DataType.FLOAT64, B, H, T, d);
    NDArray V = normal(3, DataType.FLOAT64, B, H, T, d);
    for (boolean causal : new boolean[] {false, true}) {
      for (boolean reweighting : new boolean[] {true, false}) {
        for (NDArray mask : new NDArray[] {null, mask()}) {
          for (Horizon h : horizons()) {
            CosFormerConfig c = config(reweighting, h, 4);
            String what = c + (causal ? " causal" : "") + (mask == null ? "" : " masked");
            NDArray lin = CosFormer.linear(Q, K, V, mask, causal, c);
            NDArray quad = CosFormer.quadratic(Q, K, V, mask, causal, c);
            assertEquals(DataType.FLOAT64, lin.getDataType());
            assertClose(flat(quad), flat(lin), 1e-10, "linear vs quadratic, " + what);
            for (int b = 0; b < B; b++) {
              boolean[] km = mask == null ? null : MASK[b];
              double M = CosFormerReference.horizon(h, km, T);
              for (int hh = 0; hh < H; hh++) {
                double[][] expected =
                    CosFormerReference.attention(
                        head(Q, b, hh), head(K, b, hh), head(V, b, hh), km, causal, reweighting, M, 1e-6);
                double[][] got = head(quad, b, hh);
                for (int i = 0; i < T; i++) {
                  assertClose(expected[i], got[i], 1e-10, "quadratic vs loops, " + what + " (" + b + ", " + hh + ", " + i + ")");
                }
              }
            }
          }
        }
      }
    }
  }

  @Test
  void theRealLengthHorizonIsPerSequenceAndTheReweightingMatters() {
    // the loops above take M from CosFormerReference.horizon: check that rule, and that M really changes the result
    assertEquals(7.0, CosFormerReference.horizon(Horizon.realLength(), MASK[1], T));
    assertEquals(11.0, CosFormerReference.horizon(Horizon.paddedLength(), MASK[1], T));
    assertEquals(16.0, CosFormerReference.horizon(Horizon.fixed(16), MASK[1], T));
    NDArray Q = normal(1, DataType.FLOAT64, B, H, T, d);
    NDArray K = normal(2, DataType.FLOAT64, B, H, T, d);
    NDArray V = normal(3, DataType.FLOAT64, B, H, T, d);
    double[] real = flat(CosFormer.linear(Q, K, V, mask(), false, config(true, Horizon.realLength(), 4)));
    double[] padded = flat(CosFormer.linear(Q, K, V, mask(), false, config(true, Horizon.paddedLength(), 4)));
    double[] plain = flat(CosFormer.linear(Q, K, V, mask(), false, config(false, Horizon.realLength(), 4)));
    int half = real.length / 2; // sequence 0 (no padding): real length = padded length
    assertClose(java.util.Arrays.copyOf(real, half), java.util.Arrays.copyOf(padded, half), 1e-12, "sequence 0");
    assertTrue(maxDiff(real, padded) > 1e-3, "sequence 1: M = 7 and M = 11 must differ");
    assertTrue(maxDiff(real, plain) > 1e-3, "with and without re-weighting must differ");
  }

  static double maxDiff(double[] a, double[] b) {
    double w = 0;
    for (int i = 0; i < a.length; i++) {
      w = Math.max(w, Math.abs(a[i] - b[i]));
    }
    return w;
  }

  @Test
  void float32FormsAgreeWithin1e5() {
    NDArray Q = normal(4, DataType.FLOAT32, B, H, T, d);
    NDArray K = normal(5, DataType.FLOAT32, B, H, T, d);
    NDArray V = normal(6, DataType.FLOAT32, B, H, T, d);
    for (boolean causal : new boolean[] {false, true}) {
      for (boolean reweighting : new boolean[] {true, false}) {
        CosFormerConfig c = config(reweighting, Horizon.realLength(), 4);
        NDArray lin = CosFormer.linear(Q, K, V, mask(), causal, c);
        assertEquals(DataType.FLOAT32, lin.getDataType());
        assertClose(flat(CosFormer.quadratic(Q, K, V, mask(), causal, c)), flat(lin), 1e-5, c + " causal=" + causal);
        // and the float32 result is the float64 one to float32 accuracy
        NDArray lin64 =
            CosFormer.linear(
                Q.toType(DataType.FLOAT64, false), K.toType(DataType.FLOAT64, false), V.toType(DataType.FLOAT64, false),
                mask(), causal, c);
        assertClose(flat(lin64), flat(lin), 1e-5, "float32 vs float64, " + c);
      }
    }
  }

  /** Gradients of Σ R ⊙ O with respect to Q, K and V, for a fixed random R. */
  double[][] gradients(NDArray Q0, NDArray K0, NDArray V0, NDArray mask, boolean causal, CosFormerConfig c, boolean linear) {
    try (NDManager scope = m.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray Q = Q0.duplicate();
      NDArray K = K0.duplicate();
      NDArray V = V0.duplicate();
      for (NDArray a : new NDArray[] {Q, K, V}) {
        a.attach(scope);
        a.setRequiresGradient(true);
      }
      NDArray R = normal(99, Q0.getDataType(), B, H, T, d);
      R.attach(scope);
      NDArray O = linear ? CosFormer.linear(Q, K, V, mask, causal, c) : CosFormer.quadratic(Q, K, V, mask, causal, c);
      gc.backward(O.mul(R).sum());
      return new double[][] {flat(Q.getGradient()), flat(K.getGradient()), flat(V.getGradient())};
    }
  }

  @Test
  void gradientsOfBothFormsAgree() {
    for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
      double tol = type == DataType.FLOAT64 ? 1e-10 : 1e-5;
      NDArray Q = normal(7, type, B, H, T, d);
      NDArray K = normal(8, type, B, H, T, d);
      NDArray V = normal(9, type, B, H, T, d);
      for (boolean causal : new boolean[] {false, true}) {
        for (boolean reweighting : new boolean[] {true, false}) {
          CosFormerConfig c = config(reweighting, Horizon.realLength(), 3);
          double[][] lin = gradients(Q, K, V, mask(), causal, c, true);
          double[][] quad = gradients(Q, K, V, mask(), causal, c, false);
          String[] names = {"dQ", "dK", "dV"};
          for (int i = 0; i < 3; i++) {
            assertTrue(maxDiff(new double[lin[i].length], lin[i]) > 1e-3, names[i] + " must not be all zero");
            assertClose(quad[i], lin[i], tol, names[i] + " " + type + " " + c + " causal=" + causal);
          }
        }
      }
    }
  }

  @Test
  void theChunkedScanEqualsTheQuadraticFormForChunksThatDoAndDoNotDivideN() {
    int n = 12;
    NDArray Q = normal(10, DataType.FLOAT64, 1, H, n, d);
    NDArray K = normal(11, DataType.FLOAT64, 1, H, n, d);
    NDArray V = normal(12, DataType.FLOAT64, 1, H, n, d);
    double[] quad = flat(CosFormer.quadratic(Q, K, V, null, true, config(true, Horizon.realLength(), 1)));
    for (int C : new int[] {1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 64}) {
      CosFormerConfig c = config(true, Horizon.realLength(), C);
      assertClose(quad, flat(CosFormer.linear(Q, K, V, null, true, c)), 1e-10, "chunk size " + C + " with N = " + n);
    }
  }

  @Test
  void theOfficialStylePrefixSumsGiveTheSameResult() {
    NDArray Q = normal(13, DataType.FLOAT64, B, H, T, d);
    NDArray K = normal(14, DataType.FLOAT64, B, H, T, d);
    NDArray V = normal(15, DataType.FLOAT64, B, H, T, d);
    CosFormerConfig c = config(true, Horizon.realLength(), 4);
    assertClose(
        flat(CosFormer.quadratic(Q, K, V, mask(), true, c)),
        flat(CosFormer.causalFullPrefixSums(Q, K, V, mask(), c)),
        1e-10,
        "full prefix sums");
  }

  @Test
  void weightsAreNonNegativeAndRowsSumToOne() {
    NDArray Q = normal(16, DataType.FLOAT64, B, H, T, d);
    NDArray K = normal(17, DataType.FLOAT64, B, H, T, d);
    // fixed(T) is the tightest horizon allowed: tokens T − 1 apart get cos(π/2 · (T−1)/T) > 0
    for (Horizon h : List.of(Horizon.realLength(), Horizon.paddedLength(), Horizon.fixed(T))) {
      for (boolean causal : new boolean[] {false, true}) {
        NDArray A = CosFormer.weights(Q, K, mask(), causal, config(true, h, 4)); // (B, H, T, T)
        double[] a = flat(A);
        for (double w : a) {
          assertTrue(w >= 0, h + ": a weight is " + w);
        }
        double[] sums = flat(A.sum(new int[] {-1}));
        for (int r = 0; r < sums.length; r++) {
          // 0 only for a query whose features (or whose allowed keys' features) are all zero
          assertTrue(Math.abs(sums[r] - 1) < 1e-12 || sums[r] == 0, h + ": row " + r + " sums to " + sums[r]);
        }
      }
    }
    // the cos factor itself stays positive at the largest distance
    double[][] w = CosFormerReference.rawWeights(
        new double[][] {{1}, {1}, {1}}, new double[][] {{1}, {1}, {1}}, null, false, true, 3);
    assertTrue(w[0][2] > 0 && w[0][2] < w[0][1] && w[0][1] < w[0][0], "weights fall with distance but stay > 0");
  }

  @Test
  void aQueryWithAllZeroFeaturesGivesAFiniteOutputAndGradient() {
    for (boolean causal : new boolean[] {false, true}) {
      NDArray Q = normal(18, DataType.FLOAT64, 1, 1, 6, d);
      Q.set(new NDIndex("0, 0, 2, :"), -1.0); // ReLU(Q₂) = 0: its denominator is 0 before the clamp
      Q.set(new NDIndex("0, 0, 0, :"), 1.0);
      NDArray K = normal(19, DataType.FLOAT64, 1, 1, 6, d);
      K.set(new NDIndex("0, 0, 0, :"), -1.0); // in the causal case query 0 sees only this key: 0 again
      NDArray V = normal(20, DataType.FLOAT64, 1, 1, 6, d);
      for (CosFormerConfig.Form form : CosFormerConfig.Form.values()) {
        CosFormerConfig c = config(true, Horizon.realLength(), 4);
        NDArray O = form == CosFormerConfig.Form.LINEAR
            ? CosFormer.linear(Q, K, V, null, causal, c)
            : CosFormer.quadratic(Q, K, V, null, causal, c);
        double[] row2 = flat(O.get(new NDIndex("0, 0, 2, :")));
        for (double v : row2) {
          assertEquals(0.0, v, 0.0, form + ": 0 / max(0, eps) = 0");
        }
        if (causal) {
          for (double v : flat(O.get(new NDIndex("0, 0, 0, :")))) {
            assertEquals(0.0, v, 0.0, form + ": query 0's only key has zero features");
          }
        }
        for (double v : flat(O)) {
          assertTrue(Double.isFinite(v), form + ": output " + v);
        }
      }
      try (NDManager scope = m.newSubManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray q = Q.duplicate();
        q.attach(scope);
        q.setRequiresGradient(true);
        gc.backward(CosFormer.linear(q, K, V, null, causal, config(true, Horizon.realLength(), 4)).sum());
        for (double v : flat(q.getGradient())) {
          assertTrue(Double.isFinite(v), "gradient " + v);
        }
      }
    }
  }

  @Test
  void causalOutputsDoNotDependOnLaterTokens() {
    NDArray Q = normal(21, DataType.FLOAT64, 1, H, T, d);
    NDArray K = normal(22, DataType.FLOAT64, 1, H, T, d);
    NDArray V = normal(23, DataType.FLOAT64, 1, H, T, d);
    NDArray K2 = K.duplicate();
    NDArray V2 = V.duplicate();
    NDArray Q2 = Q.duplicate();
    K2.set(new NDIndex("0, :, 6:, :"), 5.0);
    V2.set(new NDIndex("0, :, 6:, :"), -5.0);
    Q2.set(new NDIndex("0, :, 6:, :"), 3.0);
    CosFormerConfig c = config(true, Horizon.fixed(16), 4);
    double[] a = flat(CosFormer.linear(Q, K, V, null, true, c).get(new NDIndex("0, :, :6, :")));
    double[] b = flat(CosFormer.linear(Q2, K2, V2, null, true, c).get(new NDIndex("0, :, :6, :")));
    assertClose(a, b, 0.0, "tokens 0..5 after changing tokens 6..10");
    // appending tokens keeps the past with a fixed M ...
    NDArray Qs = Q.get(new NDIndex(":, :, :6, :"));
    NDArray Ks = K.get(new NDIndex(":, :, :6, :"));
    NDArray Vs = V.get(new NDIndex(":, :, :6, :"));
    assertClose(a, flat(CosFormer.linear(Qs, Ks, Vs, null, true, c)), 1e-12, "6 tokens alone, M fixed");
    // ... but not with M = the length: that is why the default causal horizon is fixed
    CosFormerConfig byLength = config(true, Horizon.realLength(), 4);
    double[] whole = flat(CosFormer.linear(Q, K, V, null, true, byLength).get(new NDIndex("0, :, :6, :")));
    double[] prefix = flat(CosFormer.linear(Qs, Ks, Vs, null, true, byLength));
    assertTrue(maxDiff(whole, prefix) > 1e-6, "M = length lets the number of later tokens change the past");
  }

  @Test
  void halfPrecisionInputsAreSummedInFloat32() {
    int n = 64;
    // keys around 60: Σⱼ φ(Kⱼ) reaches about 64·60 per feature and Q̃ᵢ z about 60·3840·8 ≈ 1.8e6, far above
    // float16's largest number 65504: summed in float16 the result would be inf or NaN
    NDArray Q = normal(24, DataType.FLOAT64, 1, 1, n, d).add(m.create(60.0));
    NDArray K = normal(25, DataType.FLOAT64, 1, 1, n, d).add(m.create(60.0));
    NDArray V = normal(26, DataType.FLOAT64, 1, 1, n, d);
    // bfloat16 takes the same path, but DJL 0.35.1's PyTorch engine aborts the whole process when converting to
    // it (seen here), so only float16 is tested
    for (DataType half : new DataType[] {DataType.FLOAT16}) {
      for (boolean causal : new boolean[] {false, true}) {
        CosFormerConfig c = config(true, Horizon.realLength(), 16);
        NDArray O = CosFormer.linear(Q.toType(half, false), K.toType(half, false), V.toType(half, false), null, causal, c);
        assertEquals(half, O.getDataType(), "the output keeps the input's type");
        NDArray ref =
            CosFormer.linear(
                Q.toType(half, false).toType(DataType.FLOAT64, false), K.toType(half, false).toType(DataType.FLOAT64, false),
                V.toType(half, false).toType(DataType.FLOAT64, false), null, causal, c);
        double tol = 1e-2; // the final rounding to float16 (outputs are O(1); float16 keeps 11 bits)
        assertClose(flat(ref), flat(O), tol, half + " causal=" + causal);
      }
    }
  }

  @Test
  void rank3InputsAreOneHead() {
    NDArray Q = normal(27, DataType.FLOAT64, B, T, d);
    NDArray K = normal(28, DataType.FLOAT64, B, T, d);
    NDArray V = normal(29, DataType.FLOAT64, B, T, d);
    CosFormerConfig c = config(true, Horizon.realLength(), 4);
    NDArray O = CosFormer.linear(Q, K, V, mask(), true, c);
    assertEquals(new Shape(B, T, d), O.getShape());
    NDArray O4 = CosFormer.linear(Q.expandDims(1), K.expandDims(1), V.expandDims(1), mask(), true, c);
    assertClose(flat(O4), flat(O), 0.0, "rank 3 = one head");
    assertEquals(new Shape(B, T, T), CosFormer.weights(Q, K, mask(), true, c).getShape());
  }

  @Test
  void badInputsAndSettingsFailWithClearMessages() {
    NDArray Q = normal(30, DataType.FLOAT64, 1, 1, 6, d);
    CosFormerConfig c = config(true, Horizon.realLength(), 4);
    var e1 = assertThrows(IllegalArgumentException.class,
        () -> CosFormer.linear(Q, normal(1, DataType.FLOAT64, 1, 1, 5, d), Q, null, false, c));
    assertTrue(e1.getMessage().contains("(1, 1, 6, 8)") && e1.getMessage().contains("(1, 1, 5, 8)"), e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> CosFormer.linear(Q, Q, Q, m.ones(new Shape(1, 5)), false, c));
    assertTrue(e2.getMessage().contains("(1, 5)") && e2.getMessage().contains("(1, 6)"), e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> CosFormer.linear(Q, Q, Q, null, true, config(true, Horizon.fixed(5), 4)));
    assertTrue(e3.getMessage().contains("6") && e3.getMessage().contains("M = 5"), e3.getMessage());
    var e4 = assertThrows(IllegalArgumentException.class,
        () -> CosFormer.linear(Q, Q, Q, null, true, CosFormerConfig.defaults()));
    assertTrue(e4.getMessage().contains("resolve"), e4.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CosFormer.linear(Q, Q, normal(1, DataType.FLOAT64, 1, 1, 6), null, false, c));
    assertThrows(IllegalArgumentException.class, () -> CosFormerConfig.defaults().chunkSize(0));
    assertThrows(IllegalArgumentException.class, () -> CosFormerConfig.defaults().eps(0));
    assertThrows(IllegalArgumentException.class, () -> CosFormerConfig.defaults().eps(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Horizon.fixed(0));
    // without re-weighting M plays no part, so an unresolved horizon is fine
    CosFormer.linear(Q, Q, Q, null, true, CosFormerConfig.reluLinear());
  }

  @Test
  void horizonsResolveAsDocumented() {
    assertEquals(Horizon.realLength(), Horizon.auto().resolve(50, false));
    assertEquals(Horizon.fixed(50), Horizon.auto().resolve(50, true));
    assertEquals(Horizon.fixed(50), Horizon.maxLength().resolve(50, false));
    assertEquals(Horizon.paddedLength(), Horizon.paddedLength().resolve(50, true));
    assertEquals(
        "CosFormerConfig(cos re-weighting, M=auto, chunk=256, eps=1.0E-6, linear)", CosFormerConfig.defaults().toString());
  }
}
