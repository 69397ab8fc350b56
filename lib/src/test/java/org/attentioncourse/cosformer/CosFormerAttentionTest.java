package org.attentioncourse.cosformer;

import static org.attentioncourse.cosformer.CosFormerTest.assertClose;
import static org.attentioncourse.cosformer.CosFormerTest.flat;
import static org.attentioncourse.cosformer.CosFormerTest.maxDiff;
import static org.attentioncourse.cosformer.CosFormerTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.attentioncourse.attention.AttentionMechanism;
import org.attentioncourse.attention.MultiHeadAttention;
import org.attentioncourse.attention.Reference;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.train.TrainingTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The multi-head block: against loops, across its two forms, with padding, causally, and as a drop-in. */
class CosFormerAttentionTest {

  static final int D = 8;
  static final int H = 2;
  static final int L = 16;
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

  CosFormerAttention block(CosFormerConfig c, DataType type, int B, int T) {
    CosFormerAttention a = new CosFormerAttention(D, H, L, c);
    a.initialize(m, type, new Shape(B, T, D), new Shape(B, T));
    return a;
  }

  NDArray input(long seed, int B, int T, DataType type) {
    return input(m, seed, B, T, type);
  }

  static NDArray input(NDManager manager, long seed, int B, int T, DataType type) {
    Random r = new Random(seed);
    double[] v = new double[B * T * D];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return manager.create(v, new Shape(B, T, D)).toType(type, false);
  }

  NDArray run(CosFormerAttention a, NDArray x, NDArray mask, boolean causal) {
    a.setCausal(causal);
    return a.forward(new ParameterStore(m, false), mask == null ? new NDList(x) : new NDList(x, mask), false).head();
  }

  static Parameter param(CosFormerAttention a, String name) {
    for (Pair<String, Parameter> p : a.getParameters()) {
      if (p.getKey().endsWith(name)) { // DJL prefixes a child's parameters with its position: 01query_weight
        return p.getValue();
      }
    }
    throw new AssertionError("no parameter " + name + " in " + a.getParameters().keys());
  }

  /** A Linear's weight as (in, out) for {@link Reference#linear}; DJL stores (out, in). */
  static double[][] weight(CosFormerAttention a, String layer) {
    return rows(param(a, layer + "_weight").getArray().transpose());
  }

  static double[] bias(CosFormerAttention a, String layer) {
    return flat(param(a, layer + "_bias").getArray());
  }

  @Test
  void theBlockMatchesMultiHeadLoopsInFloat64() {
    int B = 2;
    int T = 9;
    boolean[][] mask = {
      {true, true, true, true, true, true, true, true, true},
      {true, true, true, true, true, true, false, false, false}
    };
    NDArray maskArray = m.create(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, new Shape(B, T));
    NDArray x = input(1, B, T, DataType.FLOAT64);
    for (boolean causal : new boolean[] {false, true}) {
      for (CosFormerConfig c : List.of(CosFormerConfig.defaults().chunkSize(4), CosFormerConfig.reluLinear())) {
        CosFormerAttention a = block(c, DataType.FLOAT64, B, T);
        NDArray y = run(a, x, maskArray, causal);
        for (int b = 0; b < B; b++) {
          double[][] X = rows(x.get(new NDIndex("{}", b)));
          double[][] Qp = Reference.linear(X, weight(a, "query"), bias(a, "query"));
          double[][] Kp = Reference.linear(X, weight(a, "key"), bias(a, "key"));
          double[][] Vp = Reference.linear(X, weight(a, "value"), bias(a, "value"));
          // the default horizon: the real length when non-causal, the maximum length L when causal
          double M = causal ? L : CosFormerReference.horizon(Horizon.realLength(), mask[b], T);
          int dh = D / H;
          double[][] concat = new double[T][D];
          for (int h = 0; h < H; h++) {
            double[][] O =
                CosFormerReference.attention(
                    columns(Qp, h * dh, dh), columns(Kp, h * dh, dh), columns(Vp, h * dh, dh), mask[b], causal,
                    c.reweighting(), M, c.eps());
            for (int t = 0; t < T; t++) {
              System.arraycopy(O[t], 0, concat[t], h * dh, dh);
            }
          }
          double[][] expected = Reference.linear(concat, weight(a, "output"), bias(a, "output"));
          double[][] got = rows(y.get(new NDIndex("{}", b)));
          for (int t = 0; t < T; t++) {
            assertClose(expected[t], got[t], 1e-10, a + " sequence " + b + " token " + t);
          }
        }
      }
    }
  }

  static double[][] columns(double[][] a, int from, int width) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = java.util.Arrays.copyOfRange(a[i], from, from + width);
    }
    return out;
  }

  /** Gradients of Σ R ⊙ y for every parameter and for x, in parameter order then x. */
  List<double[]> gradients(CosFormerAttention a, NDArray x0, NDArray mask, boolean causal) {
    a.setCausal(causal);
    try (NDManager scope = m.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray x = x0.duplicate();
      x.attach(scope);
      x.setRequiresGradient(true);
      NDArray y = a.forward(new ParameterStore(scope, false), new NDList(x, mask), true).head();
      Random r = new Random(5);
      double[] R = new double[(int) y.size()];
      for (int i = 0; i < R.length; i++) {
        R[i] = r.nextGaussian();
      }
      for (Pair<String, Parameter> p : a.getParameters()) { // gradients accumulate: start each run from zero
        NDArray g = p.getValue().getArray().getGradient();
        g.subi(g);
        g.close();
      }
      gc.backward(y.mul(scope.create(R, y.getShape()).toType(y.getDataType(), false)).sum());
      List<double[]> out = new ArrayList<>();
      for (Pair<String, Parameter> p : a.getParameters()) {
        NDArray g = p.getValue().getArray().getGradient(); // a new handle each call: close it, or m keeps it
        out.add(flat(g));
        g.close();
      }
      out.add(flat(x.getGradient()));
      return out;
    }
  }

  @Test
  void parameterGradientsAreTheSameInBothForms() {
    int B = 2;
    int T = 10;
    NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0}, new Shape(B, T));
    for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
      double tol = type == DataType.FLOAT64 ? 1e-10 : 1e-5;
      NDArray x = input(2, B, T, type);
      for (boolean causal : new boolean[] {false, true}) {
        CosFormerAttention a = block(CosFormerConfig.defaults().chunkSize(3), type, B, T);
        a.setForm(CosFormerConfig.Form.LINEAR);
        List<double[]> lin = gradients(a, x, mask, causal);
        a.setForm(CosFormerConfig.Form.QUADRATIC);
        List<double[]> quad = gradients(a, x, mask, causal);
        List<String> names = new ArrayList<>(a.getParameters().keys());
        names.add("x");
        assertEquals(9, names.size(), "four projections with weight and bias, and x: " + names);
        for (int i = 0; i < names.size(); i++) {
          assertTrue(maxDiff(new double[lin.get(i).length], lin.get(i)) > 1e-4, names.get(i) + " gets a gradient");
          assertClose(quad.get(i), lin.get(i), tol, type + " causal=" + causal + " gradient of " + names.get(i));
        }
      }
    }
  }

  @Test
  void paddingChangesNothingForRealTokens() {
    int real = 6;
    int T = 10;
    NDArray x = input(3, 1, real, DataType.FLOAT64);
    NDArray junk = input(4, 1, T - real, DataType.FLOAT64).mul(m.create(10.0));
    NDArray right = x.concat(junk, 1); // real tokens first, padding after
    NDArray left = junk.concat(x, 1); // padding first
    NDArray rightMask = m.create(new float[] {1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, new Shape(1, T));
    NDArray leftMask = m.create(new float[] {0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, new Shape(1, T));
    for (boolean causal : new boolean[] {false, true}) {
      for (CosFormerConfig c : List.of(CosFormerConfig.defaults().chunkSize(4), CosFormerConfig.reluLinear().chunkSize(4))) {
        CosFormerAttention a = block(c, DataType.FLOAT64, 1, T);
        double[] alone = flat(run(a, x, null, causal));
        double[] r = flat(run(a, right, rightMask, causal).get(new NDIndex(":, :6, :")));
        double[] l = flat(run(a, left, leftMask, causal).get(new NDIndex(":, 4:, :")));
        assertClose(alone, r, 1e-10, a + ": right padding");
        assertClose(alone, l, 1e-10, a + ": left padding");
        // and in a batch next to a sequence without padding
        NDArray both = right.concat(input(5, 1, T, DataType.FLOAT64), 0);
        NDArray bothMask = rightMask.concat(m.ones(new Shape(1, T)), 0);
        double[] inBatch = flat(run(a, both, bothMask, causal).get(new NDIndex("0:1, :6, :")));
        assertClose(alone, inBatch, 1e-10, a + ": in a mixed batch");
      }
    }
    // the official code's M = padded length is not padding-invariant: this is what the default avoids
    CosFormerAttention padded = block(CosFormerConfig.defaults().horizon(Horizon.paddedLength()), DataType.FLOAT64, 1, T);
    double[] alone = flat(run(padded, x, null, false));
    double[] r = flat(run(padded, right, rightMask, false).get(new NDIndex(":, :6, :")));
    assertTrue(maxDiff(alone, r) > 1e-4, "with M = padded length, padding changes real tokens' outputs");
  }

  @Test
  void causalOutputsIgnoreLaterTokensEvenWhenTheSequenceGrows() {
    int T = 12;
    CosFormerAttention a = block(CosFormerConfig.defaults().chunkSize(5), DataType.FLOAT64, 1, T);
    NDArray x = input(6, 1, T, DataType.FLOAT64);
    NDArray y = run(a, x, null, true);
    NDArray changed = x.duplicate();
    changed.set(new NDIndex(":, 7:, :"), 4.0);
    assertClose(flat(y.get(new NDIndex(":, :7, :"))), flat(run(a, changed, null, true).get(new NDIndex(":, :7, :"))),
        0.0, "tokens 0..6 after changing 7..11");
    NDArray prefix = x.get(new NDIndex(":, :7, :"));
    assertClose(flat(y.get(new NDIndex(":, :7, :"))), flat(run(a, prefix, null, true)), 1e-12,
        "the first 7 tokens alone (generation): the fixed M keeps their outputs");
  }

  @Test
  void itIsADropInAttentionMechanism() {
    AttentionMechanism c = CosFormers.cosFormer().create(D, H, L);
    assertTrue(c instanceof CosFormerAttention);
    assertFalse(c.hasAttentionMatrix());
    assertThrows(UnsupportedOperationException.class, () -> c.setEdit((A, mask) -> A));
    assertEquals(H, c.heads());
    c.setCausal(true);
    assertTrue(c.isCausal());
    assertEquals("CosFormerAttention(D=8, H=2, M=16, chunked scan C=256, causal)", c.toString());
    assertEquals("ReluLinearAttention(D=8, H=2, linear)", CosFormers.reluLinear().create(D, H, L).toString());
    assertTrue(CosFormers.softmax().create(D, H, L) instanceof MultiHeadAttention);
    assertThrows(IllegalArgumentException.class, () -> CosFormers.cosFormer().create(D, 3, L));
    assertThrows(IllegalArgumentException.class, () -> CosFormers.cosFormer(null));

    TransformerModel model =
        TransformerModel.builder().vocabSize(12).maxLength(L).dModel(D).heads(H).layers(2)
            .attention("cosFormer", CosFormers.cosFormer()).perToken(12).build();
    model.initialize(m, DataType.FLOAT32, new Shape(2, L), new Shape(2, L));
    NDArray tokens = m.randomInteger(0, 12, new Shape(2, L), DataType.INT32);
    NDArray y = model.forward(new ParameterStore(m, false), new NDList(tokens, m.ones(new Shape(2, L))), false).head();
    assertEquals(new Shape(2, L, 12), y.getShape());
    assertTrue(model.attention(0) instanceof CosFormerAttention);
    assertTrue(model.toString().contains("attention=cosFormer"), model.toString());
  }

  @Test
  void theBlockShowsItsWeightsForPlots() {
    int T = 7;
    CosFormerAttention a = block(CosFormerConfig.defaults(), DataType.FLOAT64, 1, T);
    NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 0, 0}, new Shape(1, T));
    a.setCausal(true);
    NDArray A = a.weights(new ParameterStore(m, false), input(8, 1, T, DataType.FLOAT64), mask); // (1, H, T, T)
    assertEquals(new Shape(1, H, T, T), A.getShape());
    double[] w = flat(A);
    for (int h = 0; h < H; h++) {
      for (int i = 0; i < T; i++) {
        double sum = 0;
        for (int j = 0; j < T; j++) {
          double v = w[(h * T + i) * T + j];
          assertTrue(v >= 0, "weight " + v);
          if (j > i || j >= 5) {
            assertEquals(0.0, v, 0.0, "future or padded key (" + i + ", " + j + ")");
          }
          sum += v;
        }
        assertTrue(Math.abs(sum - 1) < 1e-12 || sum == 0, "row " + i + " sums to " + sum);
      }
    }
  }

  @Test
  void tooLongOrMisshapenInputsAreRejected() {
    CosFormerAttention a = block(CosFormerConfig.defaults(), DataType.FLOAT64, 1, 4);
    var e = assertThrows(IllegalArgumentException.class, () -> run(a, input(1, 1, L + 1, DataType.FLOAT64), null, false));
    assertTrue(e.getMessage().contains("17") && e.getMessage().contains("16"), e.getMessage());
    var w = assertThrows(IllegalArgumentException.class,
        () -> run(a, m.zeros(new Shape(1, 4, D + 1), DataType.FLOAT64), null, false));
    assertTrue(w.getMessage().contains("(1, 4, 9)"), w.getMessage());
  }

  @Test
  void repeatedTrainingStepsDoNotLeaveArraysBehind() {
    int B = 2;
    int T = 10;
    CosFormerAttention a = block(CosFormerConfig.defaults().chunkSize(3), DataType.FLOAT32, B, T);
    NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, new Shape(B, T));
    int[] live = new int[4];
    for (int step = 0; step < 4; step++) {
      try (NDManager batch = m.newSubManager()) {
        gradients(a, input(batch, step, B, T, DataType.FLOAT32), mask, step % 2 == 1);
      }
      live[step] = TrainingTestSupport.countResources(m);
    }
    assertEquals(live[0], live[2], "live arrays after steps 0 and 2");
    assertEquals(live[1], live[3], "live arrays after steps 1 and 3");
  }
}
