package org.attentioncourse.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The NDArray forms against the float64 loops of {@link Reference}, on seeded random inputs.
 *
 * <p>Tolerances: float64 arrays agree with the reference within 1e-10 (only summation order differs);
 * float32 within 1e-5 (float32 has about 7 digits); gradients from autograd agree with central finite
 * differences of the reference (step 1e-6) within 1e-6.
 */
class AttentionTest {

  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  static double[][] random(Random r, int rows, int cols) {
    double[][] a = new double[rows][cols];
    for (double[] row : a) {
      for (int j = 0; j < cols; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return a;
  }

  NDArray nd(double[][] a, DataType type) {
    return m.create(a).toType(type, false);
  }

  static double[][] rows(NDArray a) {
    long[] s = a.getShape().getShape();
    double[] flat = a.toType(DataType.FLOAT64, false).toDoubleArray();
    double[][] out = new double[(int) s[s.length - 2]][(int) s[s.length - 1]];
    for (int i = 0; i < out.length; i++) {
      System.arraycopy(flat, i * out[0].length, out[i], 0, out[0].length);
    }
    return out;
  }

  static void assertClose(double[][] expected, double[][] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + " rows");
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        worst = Math.max(worst, Math.abs(expected[i][j] - actual[i][j]));
      }
    }
    assertTrue(worst <= tol, what + ": largest difference " + worst + " > " + tol);
  }

  @Test
  void scaledDotProductMatchesTheReferenceWithAndWithoutMasks() {
    Random r = new Random(1);
    int T = 7;
    int d = 5;
    double[][] Q = random(r, T, d);
    double[][] K = random(r, T, d);
    double[][] V = random(r, T, 3);
    boolean[] keep = {true, true, true, true, true, false, false};
    NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 0, 0}).reshape(1, T);
    for (boolean causal : new boolean[] {false, true}) {
      for (boolean masked : new boolean[] {false, true}) {
        double[][] expected = Reference.attention(Q, K, V, masked ? keep : null, causal);
        for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
          NDList out =
              ScaledDotProductAttention.apply(
                  nd(Q, type).expandDims(0), nd(K, type).expandDims(0), nd(V, type).expandDims(0),
                  masked ? mask : null, causal);
          double tol = type == DataType.FLOAT64 ? 1e-10 : 1e-5;
          assertClose(expected, rows(out.get(0)), tol, "output " + type + " causal=" + causal + " masked=" + masked);
          assertClose(
              Reference.weights(Q, K, masked ? keep : null, causal), rows(out.get(1)), tol, "weights " + type);
        }
      }
    }
  }

  @Test
  void maskedPositionsGetExactlyZeroAndRowsSumToOne() {
    Random r = new Random(2);
    int T = 6;
    NDArray Q = nd(random(r, T, 4), DataType.FLOAT32).expandDims(0).mul(30f); // large scores: a hard test
    NDArray K = nd(random(r, T, 4), DataType.FLOAT32).expandDims(0).mul(30f);
    NDArray mask = m.create(new float[] {1, 1, 1, 1, 0, 0}).reshape(1, T);
    double[][] A = rows(ScaledDotProductAttention.weights(Q, K, mask, true));
    for (int i = 0; i < T; i++) {
      double sum = 0;
      for (int j = 0; j < T; j++) {
        if (j > i || j >= 4) {
          assertEquals(0.0, A[i][j], 0.0, "weight at (" + i + ", " + j + ") must be exactly 0");
        }
        sum += A[i][j];
      }
      assertEquals(1.0, sum, 1e-6, "row " + i);
    }
  }

  @Test
  void gradientsMatchFiniteDifferencesOfTheReference() {
    Random r = new Random(3);
    int T = 5;
    int d = 4;
    double[][] Q = random(r, T, d);
    double[][] K = random(r, T, d);
    double[][] V = random(r, T, d);
    double[][] G = random(r, T, d); // loss = Σ G ⊙ out, so dL/dout = G
    boolean[] keep = {true, true, true, true, false};
    NDArray mask = m.create(new float[] {1, 1, 1, 1, 0}).reshape(1, T);
    for (boolean causal : new boolean[] {false, true}) {
      NDArray q = nd(Q, DataType.FLOAT64).expandDims(0);
      NDArray k = nd(K, DataType.FLOAT64).expandDims(0);
      NDArray v = nd(V, DataType.FLOAT64).expandDims(0);
      for (NDArray a : new NDArray[] {q, k, v}) {
        a.setRequiresGradient(true);
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out = ScaledDotProductAttention.apply(q, k, v, mask, causal).head();
        gc.backward(out.mul(nd(G, DataType.FLOAT64).expandDims(0)).sum());
      }
      double[][][] inputs = {Q, K, V};
      NDArray[] grads = {q.getGradient(), k.getGradient(), v.getGradient()};
      for (int which = 0; which < 3; which++) {
        double[][] numeric = new double[T][d];
        for (int i = 0; i < T; i++) {
          for (int c = 0; c < d; c++) {
            double keepValue = inputs[which][i][c];
            double h = 1e-6;
            inputs[which][i][c] = keepValue + h;
            double up = dot(G, Reference.attention(Q, K, V, keep, causal));
            inputs[which][i][c] = keepValue - h;
            double down = dot(G, Reference.attention(Q, K, V, keep, causal));
            inputs[which][i][c] = keepValue;
            numeric[i][c] = (up - down) / (2 * h);
          }
        }
        assertClose(numeric, rows(grads[which]), 1e-6, "gradient of " + "QKV".charAt(which) + " causal=" + causal);
      }
    }
  }

  private static double dot(double[][] a, double[][] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        s += a[i][j] * b[i][j];
      }
    }
    return s;
  }

  @Test
  void multiHeadMatchesTheReferenceHeadByHead() {
    int D = 8;
    int H = 2;
    int T = 5;
    MultiHeadAttention mha = new MultiHeadAttention(D, H);
    Engine.getInstance().setRandomSeed(7);
    mha.initialize(m, DataType.FLOAT64, new Shape(1, T, D), new Shape(1, T));
    double[][] x = random(new Random(4), T, D);
    boolean[] keep = {true, true, true, false, false};
    NDArray mask = m.create(new float[] {1, 1, 1, 0, 0}).reshape(1, T);
    double[][][] W = new double[4][][];
    double[][] b = new double[4][];
    int p = 0;
    for (var l : mha.projections()) {
      for (Pair<String, Parameter> param : l.getParameters()) {
        NDArray a = param.getValue().getArray();
        if (param.getKey().endsWith("weight")) {
          W[p] = rows(a.transpose()); // DJL stores (out, in); the reference uses (in, out)
        } else {
          b[p] = a.toType(DataType.FLOAT64, false).toDoubleArray();
        }
      }
      p++;
    }
    for (boolean causal : new boolean[] {false, true}) {
      mha.setCausal(causal);
      AttentionRecorder recorder = new AttentionRecorder();
      mha.setEdit(recorder);
      NDArray out =
          mha.forward(new ParameterStore(m, false), new NDList(nd(x, DataType.FLOAT64).expandDims(0), mask), false)
              .head();
      var expected = Reference.multiHead(x, W[0], b[0], W[1], b[1], W[2], b[2], W[3], b[3], H, keep, causal);
      assertClose(expected.output(), rows(out), 1e-10, "MHA output causal=" + causal);
      for (int h = 0; h < H; h++) {
        assertClose(expected.weights()[h], recorder.head(0, h), 1e-10, "head " + h);
      }
    }
  }

  @Test
  void anEditReplacesAHead() {
    int D = 8;
    int T = 4;
    MultiHeadAttention mha = new MultiHeadAttention(D, 2);
    mha.initialize(m, DataType.FLOAT32, new Shape(1, T, D), new Shape(1, T));
    double[][] uniform = new double[T][T];
    for (double[] row : uniform) {
      java.util.Arrays.fill(row, 1.0);
    }
    AttentionRecorder after = new AttentionRecorder();
    AttentionEdit replace = AttentionEdits.constantHead(1, uniform);
    mha.setEdit((w, mask) -> after.apply(replace.apply(w, mask), mask));
    NDArray mask = m.create(new float[] {1, 1, 1, 0}).reshape(1, T);
    mha.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(1, T, D)), mask), false);
    double[][] head1 = after.head(0, 1);
    for (double[] row : head1) { // masked to the 3 real keys, each row renormalised
      assertEquals(1.0 / 3, row[0], 1e-6);
      assertEquals(0.0, row[3], 0.0);
    }
    double[][] head0 = after.head(0, 0);
    assertTrue(Math.abs(head0[0][0] - 1.0 / 3) > 1e-4, "head 0 keeps its own weights");
  }

  @Test
  void shapeErrorsNameBothShapes() {
    NDArray Q = m.zeros(new Shape(1, 4, 8));
    NDArray K = m.zeros(new Shape(1, 4, 6));
    var e = assertThrows(IllegalArgumentException.class, () -> ScaledDotProductAttention.weights(Q, K, null, false));
    assertTrue(e.getMessage().contains("(1, 4, 8)") && e.getMessage().contains("(1, 4, 6)"), e.getMessage());
    NDArray badMask = m.ones(new Shape(1, 5));
    var e2 =
        assertThrows(
            IllegalArgumentException.class, () -> ScaledDotProductAttention.weights(Q, Q, badMask, false));
    assertTrue(e2.getMessage().contains("(1, 5)") && e2.getMessage().contains("(1, 4, 8)"), e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(10, 3));
    assertTrue(e3.getMessage().contains("10") && e3.getMessage().contains("3"), e3.getMessage());
    PositionalEncoding pe = new PositionalEncoding(4, 8);
    var e4 =
        assertThrows(
            IllegalArgumentException.class,
            () -> pe.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 6, 8))), false));
    assertTrue(e4.getMessage().contains("6") && e4.getMessage().contains("maximum length 4"), e4.getMessage());
  }

  @Test
  void softmaxSurvivesLargeScoresThatOverflowTheNaiveForm() {
    double[] s = {1000, 999, 998};
    double naive = Math.exp(1000) / (Math.exp(1000) + Math.exp(999) + Math.exp(998));
    assertTrue(Double.isNaN(naive), "exp(1000) overflows to infinity, and ∞/∞ is NaN");
    double[] p = Reference.softmax(s);
    assertEquals(1 / (1 + Math.exp(-1) + Math.exp(-2)), p[0], 1e-15);
    assertThrows(
        IllegalArgumentException.class,
        () -> Reference.softmax(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}));
  }
}
