package org.attentioncourse.aft;

import static org.attentioncourse.aft.AftFixtures.D;
import static org.attentioncourse.aft.AftFixtures.L;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.attentioncourse.aft.AftFixtures.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What AFT must satisfy beyond matching the reference: limits, causality, padding, extreme keys, errors. */
class AftPropertiesTest {

  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(7);
  }

  @AfterEach
  void close() {
    m.close();
  }

  private NDArray run(AftAttention a, NDArray x, NDArray mask, boolean causal) {
    return a.attend(new ParameterStore(m, false), x, mask, causal, false);
  }

  /** Copies every parameter of {@code from} into the parameter of {@code to} with the same name. */
  private static void copyParameters(AftAttention from, AftAttention to) {
    for (var p : to.getParameters()) {
      String name = p.getKey().replaceFirst("^[0-9]+", "");
      AftFixtures.set(p.getValue().getArray(), AftFixtures.values(AftFixtures.param(from, name).getArray()));
    }
  }

  private static void assertSame(NDArray expected, NDArray got, double tol, String what) {
    double[] e = AftFixtures.values(expected);
    double[] g = AftFixtures.values(got);
    assertEquals(e.length, g.length, what + ": sizes");
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], g[i], tol, what + " at " + i);
    }
  }

  @Test
  void localWithAWindowOfAtLeastTIsFull() {
    int T = 7;
    AftAttention full = AftFixtures.build(new Variant("full", () -> new AftFull(D, L, PositionBias.full(L))), m, DataType.FLOAT64, 21);
    for (int s : new int[] {T, L, 40}) {
      AftLocal local = new AftLocal(D, L, s, PositionBias.full(L));
      local.initialize(m, DataType.FLOAT64, new Shape(1, T, D), new Shape(1, T));
      copyParameters(full, local);
      NDArray x = AftFixtures.input(m, 1, 2, T, DataType.FLOAT64);
      NDArray mask = AftFixtures.maskArray(m, AftFixtures.mask(2, T), DataType.FLOAT64);
      for (boolean causal : new boolean[] {false, true}) {
        assertSame(run(full, x, mask, causal), run(local, x, mask, causal), 1e-12, "local s=" + s + (causal ? " causal" : ""));
      }
    }
    // and with a window narrower than T it differs: the test can tell the two apart
    AftLocal narrow = new AftLocal(D, L, 2, PositionBias.full(L));
    narrow.initialize(m, DataType.FLOAT64, new Shape(1, T, D), new Shape(1, T));
    copyParameters(full, narrow);
    NDArray x = AftFixtures.input(m, 1, 1, T, DataType.FLOAT64);
    double diff = run(full, x, null, false).sub(run(narrow, x, null, false)).abs().max().getDouble();
    assertTrue(diff > 1e-3, "a window of 2 must change the output, max difference " + diff);
  }

  @Test
  void fullWithZeroBiasIsSimpleAndConvStartsAsSimple() {
    int T = 6;
    for (Variant v : new Variant[] {
      new Variant("full", () -> new AftFull(D, L, PositionBias.full(L))),
      new Variant("local", () -> new AftLocal(D, L, 2, PositionBias.full(L)))
    }) {
      AftAttention a = AftFixtures.build(v, m, DataType.FLOAT64, 22);
      AftFixtures.set(AftFixtures.param(a, "bias_w").getArray(), new double[L * L]); // w = 0
      AftSimple simple = new AftSimple(D, L);
      simple.initialize(m, DataType.FLOAT64, new Shape(1, T, D), new Shape(1, T));
      copyParameters(a, simple);
      NDArray x = AftFixtures.input(m, 2, 2, T, DataType.FLOAT64);
      NDArray mask = AftFixtures.maskArray(m, AftFixtures.mask(2, T), DataType.FLOAT64);
      for (boolean causal : new boolean[] {false, true}) {
        assertSame(run(simple, x, mask, causal), run(a, x, mask, causal), 1e-12, v + " with w = 0");
      }
    }
    // AFT-conv as initialised (γ = β = 0, so w = 0), one channel per head so that K has the same shape
    AftConv conv = new AftConv(D, D, 3, L);
    conv.initialize(m, DataType.FLOAT64, new Shape(1, T, D), new Shape(1, T));
    AftSimple simple = new AftSimple(D, L);
    simple.initialize(m, DataType.FLOAT64, new Shape(1, T, D), new Shape(1, T));
    copyParameters(conv, simple);
    NDArray x = AftFixtures.input(m, 2, 1, T, DataType.FLOAT64);
    assertSame(run(simple, x, null, true), run(conv, x, null, true), 1e-12, "fresh AFT-conv");
    for (double[] kernel : conv.kernelValues()) {
      for (double tap : kernel) {
        assertEquals(0.0, tap, 0.0, "γ = β = 0 at the start");
      }
    }
  }

  @Test
  void causalOutputsDoNotDependOnLaterTokens() {
    int T = 9;
    for (Variant v : AftFixtures.variants()) {
      AftAttention a = AftFixtures.build(v, m, DataType.FLOAT64, 23);
      NDArray x = AftFixtures.input(m, 3, 2, T, DataType.FLOAT64);
      NDArray changed = x.duplicate();
      changed.set(new NDIndex(":, 5:, :"), m.create(AftFixtures.gaussian(4, 2 * 4 * D, 30), new Shape(2, 4, D)));
      NDArray y = run(a, x, null, true);
      NDArray y2 = run(a, changed, null, true);
      assertSame(y.get(new NDIndex(":, :5, :")), y2.get(new NDIndex(":, :5, :")), 0.0, v + ": positions before the change");
      double later = y.get(new NDIndex(":, 5:, :")).sub(y2.get(new NDIndex(":, 5:, :"))).abs().max().getDouble();
      assertTrue(later > 1e-6, v + ": positions after the change must change");
    }
  }

  @Test
  void paddingDoesNotChangeTheRealTokens() {
    int real = 5;
    int T = 8;
    for (Variant v : AftFixtures.variants()) {
      AftAttention a = AftFixtures.build(v, m, DataType.FLOAT64, 24);
      NDArray x = AftFixtures.input(m, 5, 1, real, DataType.FLOAT64);
      NDArray junk = m.create(AftFixtures.gaussian(6, (T - real) * D, 50), new Shape(1, T - real, D)); // large, to be felt
      NDArray padded = x.concat(junk, 1);
      float[] mask = new float[T];
      java.util.Arrays.fill(mask, 0, real, 1);
      NDArray keyMask = m.create(mask, new Shape(1, T)).toType(DataType.FLOAT64, false);
      for (boolean causal : new boolean[] {false, true}) {
        NDArray y = run(a, x, null, causal);
        NDArray yp = run(a, padded, keyMask, causal).get(new NDIndex(":, :{}, :", real));
        assertSame(y, yp, 1e-12, v + (causal ? " causal" : "") + ": real tokens with and without padding");
      }
    }
  }

  /**
   * Keys of ±1e4 in float32 (exp(1e4) is far beyond float32's range): every form stays finite and agrees with the
   * literal form in float64 within 1e-4. Channel 0's keys grow along the sequence, so a single maximum over all
   * positions would push every key a causal query sees below float32's range (0/0); channel 1's keys shrink.
   */
  @Test
  void extremeKeysStayFiniteAndCorrectInFloat32() {
    int B = 2;
    int T = 13; // not a power of two: the causal AFT-full pads to 16
    int C = 4;
    Random r = new Random(9);
    double[] k = new double[B * T * C];
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        for (int c = 0; c < C; c++) {
          double v = c == 0 ? -1e4 + 2e4 * t / (T - 1) : c == 1 ? 1e4 - 2e4 * t / (T - 1) : (r.nextBoolean() ? 1e4 : -1e4) * (0.5 + r.nextDouble() / 2);
          k[(b * T + t) * C + c] = v;
        }
      }
    }
    NDArray K64 = m.create(k, new Shape(B, T, C));
    NDArray V64 = m.create(AftFixtures.gaussian(10, B * T * C, 1), new Shape(B, T, C));
    NDArray w64 = m.create(AftFixtures.gaussian(11, T * T, 1), new Shape(T, T));
    int J = 5;
    int first = -2;
    NDArray band64 = m.create(AftFixtures.gaussian(12, T * J, 1), new Shape(T, J, 1));
    NDArray conv64 = m.create(AftFixtures.gaussian(13, J * C, 1), new Shape(1, J, C));
    boolean[][] keyMask = AftFixtures.mask(B, T);
    NDArray mask = AftFixtures.maskArray(m, keyMask, DataType.FLOAT32);
    NDArray K = K64.toType(DataType.FLOAT32, false);
    NDArray V = V64.toType(DataType.FLOAT32, false);
    K64 = K.toType(DataType.FLOAT64, false); // the float32 values exactly, for the reference
    V64 = V.toType(DataType.FLOAT64, false);
    for (boolean causal : new boolean[] {false, true}) {
      NDArray maskRef = AftFixtures.maskArray(m, keyMask, DataType.FLOAT64);
      check(AftOps.simple(K, V, mask, causal),
          AftReference.naive(K64, V64, m.zeros(new Shape(T, T, 1), DataType.FLOAT64), maskRef, causal), "simple", causal);
      check(AftOps.full(w64.toType(DataType.FLOAT32, false), K, V, mask, causal),
          AftReference.naive(K64, V64, w64.toType(DataType.FLOAT32, false).toType(DataType.FLOAT64, false).reshape(T, T, 1), maskRef, causal),
          "full", causal);
      NDArray b32 = band64.toType(DataType.FLOAT32, false);
      check(AftOps.banded(b32, first, K, V, mask, causal),
          AftReference.naive(K64, V64, AftFixtures.dense(m, b32, first, T, 1), maskRef, causal), "banded per row", causal);
      NDArray c32 = conv64.toType(DataType.FLOAT32, false);
      check(AftOps.banded(c32, first, K, V, mask, causal),
          AftReference.naive(K64, V64, AftFixtures.dense(m, c32, first, T, C), maskRef, causal), "banded per channel", causal);
    }
  }

  private static void check(NDArray got, NDArray expected, String what, boolean causal) {
    double[] g = AftFixtures.values(got);
    double[] e = AftFixtures.values(expected);
    for (int i = 0; i < g.length; i++) {
      assertTrue(Double.isFinite(g[i]), what + (causal ? " causal" : "") + ": entry " + i + " is " + g[i]);
      assertEquals(e[i], g[i], 1e-4, what + (causal ? " causal" : "") + " at " + i);
    }
  }

  @Test
  void tooLongSequencesAndWrongShapesAreNamed() {
    for (Variant v : new Variant[] {
      new Variant("full", () -> new AftFull(D, L, PositionBias.full(L))),
      new Variant("full u vᵀ", () -> new AftFull(D, L, PositionBias.factorized(L, 2))),
      new Variant("local", () -> new AftLocal(D, L, 3, PositionBias.full(L)))
    }) {
      AftAttention a = AftFixtures.build(v, m, DataType.FLOAT32, 25);
      NDArray x = AftFixtures.input(m, 1, 1, L + 3, DataType.FLOAT32);
      var e = assertThrows(IllegalArgumentException.class, () -> run(a, x, null, false));
      assertTrue(e.getMessage().contains("12") && e.getMessage().contains("maximum length 9"), v + ": " + e.getMessage());
    }
    AftAttention simple = AftFixtures.build(AftFixtures.variants().get(2), m, DataType.FLOAT32, 25);
    NDArray longer = AftFixtures.input(m, 1, 1, 3 * L, DataType.FLOAT32);
    assertEquals(new Shape(1, 3 * L, D), run(simple, longer, null, true).getShape(), "AFT-simple takes any length");

    NDArray wide = m.zeros(new Shape(1, 4, D + 1));
    var e = assertThrows(IllegalArgumentException.class, () -> run(simple, wide, null, false));
    assertTrue(e.getMessage().contains("(1, 4, 9)") && e.getMessage().contains("(B, T, 8)"), e.getMessage());
    NDArray x = m.zeros(new Shape(2, 4, D));
    e = assertThrows(IllegalArgumentException.class, () -> run(simple, x, m.ones(new Shape(2, 5)), false));
    assertTrue(e.getMessage().contains("(2, 5)") && e.getMessage().contains("(2, 4)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> AftOps.full(m.zeros(new Shape(4, 5)), m.zeros(new Shape(1, 4, 3)), m.zeros(new Shape(1, 4, 3)), null, false));
    assertTrue(e.getMessage().contains("(4, 5)") && e.getMessage().contains("(4, 4)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> AftOps.simple(m.zeros(new Shape(1, 4, 3)), m.zeros(new Shape(1, 4, 2)), null, false));
    assertTrue(e.getMessage().contains("(1, 4, 2)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new AftConv(D, 3, 3, L), "8 channels do not split into 3 heads");
    assertThrows(IllegalArgumentException.class, () -> new AftLocal(D, L, 0, PositionBias.full(L)));
  }

  @Test
  void implicitWeightsAreSigmoidQTimesADistributionAndReachOutsideTheWindow() {
    int T = 7;
    AftAttention a = AftFixtures.build(new Variant("local", () -> new AftLocal(D, L, 2, PositionBias.full(L))), m, DataType.FLOAT64, 26);
    NDArray x = AftFixtures.input(m, 7, 2, T, DataType.FLOAT64);
    boolean[][] keyMask = AftFixtures.mask(2, T);
    a.setCausal(false);
    NDArray A = a.implicitWeights(x, AftFixtures.maskArray(m, keyMask, DataType.FLOAT64)); // (B, T, T, D)
    assertEquals(new Shape(2, T, T, D), A.getShape());
    NDArray Q = a.projections()[0].forward(new ParameterStore(m, false), new NDList(x), false).head();
    NDArray rowSums = A.sum(new int[] {2}); // (B, T, D)
    assertSame(ai.djl.nn.Activation.sigmoid(Q), rowSums, 1e-12, "Σ_t' a = σ(Q)");
    double[] flat = AftFixtures.values(A);
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < T; t++) {
        for (int tp = 0; tp < T; tp++) {
          double w = flat[((b * T + t) * T + tp) * D];
          if (!keyMask[b][tp]) {
            assertEquals(0.0, w, 0.0, "padded key " + tp);
          } else {
            assertTrue(w > 0, "key " + tp + " is outside the window of query " + t + " and still has weight");
          }
        }
      }
    }
  }

  @Test
  void parameterCountsAndDescriptions() {
    assertEquals((long) L * L, PositionBias.full(L).parameterCount());
    assertEquals(2L * L * 4, PositionBias.factorized(L, 4).parameterCount());
    AftAttention f = AftFixtures.build(AftFixtures.variants().get(1), m, DataType.FLOAT32, 1);
    assertEquals(2L * L * 3, AftFixtures.param(f, "bias_u").getArray().size() + AftFixtures.param(f, "bias_v").getArray().size());
    AftConv c = new AftConv(D, 2, 5, L);
    c.initialize(m, DataType.FLOAT32, new Shape(1, 4, D), new Shape(1, 4));
    assertEquals(2, AftFixtures.param(c, "key_weight").getArray().getShape().get(0), "AFT-conv's K has one channel per head");
    assertEquals(2 * 5, AftFixtures.param(c, "w").getArray().size());
    c.setCausal(true);
    assertEquals("AFT-conv(D=8, h=2, s=5, causal)", c.toString());
    assertEquals("AFT-local(D=8, s=3, w = u vᵀ, u, v 9×3)", AftFixtures.variants().get(4).make().get().toString());
    assertEquals("AFT-full(D=8, w 9×9)", AftFixtures.variants().get(0).make().get().toString());
  }
}
