package org.attentioncourse.synthesizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.List;
import java.util.Random;
import org.attentioncourse.attention.AttentionRecorder;
import org.attentioncourse.attention.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tolerances: float64 arrays against float64 loops within 1e-10; row sums within 1e-12. */
class SynthesizerTest {

  static final int D = 8;
  static final int H = 2;
  static final int L = 10;
  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(5);
  }

  @AfterEach
  void close() {
    m.close();
  }

  SynthesizedAttention init(SynthesizedAttention s, int T) {
    s.initialize(m, DataType.FLOAT64, new Shape(1, T, D), new Shape(1, T));
    return s;
  }

  static List<SynthesizedAttention> all() {
    return List.of(
        new RandomSynthesizer(D, H, L, true),
        new RandomSynthesizer(D, H, L, false),
        new FactorizedRandomSynthesizer(D, H, L, 3),
        new DenseSynthesizer(D, H, L),
        (SynthesizedAttention) Synthesizers.factorizedDense().create(D, H, L),
        (SynthesizedAttention) Synthesizers.randomPlusVanilla().create(D, H, L),
        (SynthesizedAttention) Synthesizers.densePlusVanilla().create(D, H, L),
        (SynthesizedAttention) Synthesizers.randomPlusDense().create(D, H, L));
  }

  @Test
  void factorizedDenseRowsHoldEveryProductOnce() {
    int T = 10; // = l, so every position is kept: a = 2, b = 5
    SynthesizedAttention s = init((SynthesizedAttention) Synthesizers.factorizedDense().create(D, H, L), T);
    NDArray logits = s.logits(new ParameterStore(m, false), input(4, T), false); // (1, H, T, T)
    double[] row = logits.get(new ai.djl.ndarray.index.NDIndex("0, 0, 0, :")).toDoubleArray();
    assertEquals(L, java.util.Arrays.stream(row).map(v -> Math.round(v * 1e9) / 1e9).distinct().count(),
        "the flattened outer product has l distinct entries; tiling both factors would give at most 5");
    int[] ab = Sources.FactorizedDense.balancedFactors(L);
    assertEquals(2, ab[0]);
    assertEquals(5, ab[1]);
    SynthesizedAttention one = init((SynthesizedAttention) Synthesizers.factorizedDense().create(D, 1, L), T);
    assertEquals(Synthesizers.paperFactorizedDense(D, 2, 5), count(one, "hidden_weight", "toA_weight", "toB_weight"));
    assertThrows(IllegalArgumentException.class, () -> new Sources.FactorizedDense(D, H, L, 3, 4));
  }

  @Test
  void mixturesStartEvenAndLearnTheirWeights() {
    int T = 4;
    SynthesizedAttention s = init((SynthesizedAttention) Synthesizers.randomPlusVanilla().create(D, H, L), T);
    double[] alpha = s.mixtureWeights();
    assertEquals(0.5, alpha[0], 1e-12);
    assertEquals(0.5, alpha[1], 1e-12);
    Parameter mix = param(s, "mix");
    backwardOfSquares(s, T);
    assertTrue(mix.getArray().getGradient().abs().sum().getDouble() > 0, "the mixture weights get a gradient");
    assertEquals("Synthesizer[R+V](D=8, H=2, l=10)", s.toString());
  }

  NDArray input(long seed, int T) {
    Random r = new Random(seed);
    double[] v = new double[T * D];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return m.create(v, new Shape(1, T, D));
  }

  AttentionRecorder run(SynthesizedAttention s, NDArray x, NDArray mask, boolean causal) {
    AttentionRecorder rec = new AttentionRecorder();
    s.setEdit(rec);
    s.setCausal(causal);
    s.forward(new ParameterStore(m, false), mask == null ? new NDList(x) : new NDList(x, mask), false);
    return rec;
  }

  @Test
  void rowsSumToOneAndMasksGiveExactZeros() {
    int T = 6;
    NDArray mask = m.create(new float[] {1, 1, 1, 1, 1, 0}).reshape(1, T);
    for (SynthesizedAttention s : all()) {
      init(s, T);
      AttentionRecorder rec = run(s, input(1, T), mask, true);
      for (int h = 0; h < H; h++) {
        double[][] A = rec.head(0, h);
        for (int i = 0; i < T; i++) {
          double sum = 0;
          for (int j = 0; j < T; j++) {
            if (j > i || j == 5) {
              assertEquals(0.0, A[i][j], 0.0, s + ": weight (" + i + ", " + j + ")");
            }
            sum += A[i][j];
          }
          assertEquals(1.0, sum, 1e-12, s + ": row " + i);
        }
      }
    }
  }

  @Test
  void randomVariantsIgnoreTheInput() {
    for (SynthesizedAttention s : List.of(all().get(0), all().get(1), all().get(2))) {
      init(s, 5);
      double[][] a = run(s, input(1, 5), null, false).head(0, 1);
      double[][] b = run(s, input(2, 5), null, false).head(0, 1);
      for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 5; j++) {
          assertEquals(a[i][j], b[i][j], 0.0, s + " must not depend on x");
        }
      }
    }
  }

  @Test
  void denseRowIDependsOnTokenIOnly() {
    int T = 5;
    SynthesizedAttention s = init(new DenseSynthesizer(D, H, L), T);
    NDArray x = input(1, T);
    NDArray y = x.duplicate();
    y.set(new ai.djl.ndarray.index.NDIndex("0, 3, :"), 7.0); // change token 3 only
    double[][] a = run(s, x, null, false).head(0, 0);
    double[][] b = run(s, y, null, false).head(0, 0);
    for (int i = 0; i < T; i++) {
      boolean same = true;
      for (int j = 0; j < T; j++) {
        same &= a[i][j] == b[i][j];
      }
      assertEquals(i != 3, same, "row " + i);
    }
  }

  @Test
  void factorizedRandomLogitsHaveRankAtMostK() {
    int T = 10;
    FactorizedRandomSynthesizer s = (FactorizedRandomSynthesizer) init(new FactorizedRandomSynthesizer(D, H, L, 3), T);
    NDArray logits = s.logits(new ParameterStore(m, false), input(1, T), false); // (1, H, T, T)
    double[] flat = logits.toDoubleArray();
    for (int h = 0; h < H; h++) {
      double[][] M = new double[T][T];
      for (int i = 0; i < T; i++) {
        System.arraycopy(flat, (h * T + i) * T, M[i], 0, T);
      }
      assertEquals(3, rank(M, 1e-9), "head " + h);
    }
  }

  static int rank(double[][] a, double tol) {
    double[][] M = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      M[i] = a[i].clone();
    }
    int rank = 0;
    boolean[] used = new boolean[M.length];
    for (int c = 0; c < M[0].length; c++) {
      int pivot = -1;
      for (int r = 0; r < M.length; r++) {
        if (!used[r] && Math.abs(M[r][c]) > tol && (pivot < 0 || Math.abs(M[r][c]) > Math.abs(M[pivot][c]))) {
          pivot = r;
        }
      }
      if (pivot < 0) {
        continue;
      }
      used[pivot] = true;
      rank++;
      for (int r = 0; r < M.length; r++) {
        if (r != pivot) {
          double f = M[r][c] / M[pivot][c];
          for (int k = c; k < M[0].length; k++) {
            M[r][k] -= f * M[pivot][k];
          }
        }
      }
    }
    return rank;
  }

  @Test
  void gradientsReachTrainableRButNeverTheFixedOne() {
    int T = 4;
    for (boolean trainable : new boolean[] {true, false}) {
      RandomSynthesizer s = (RandomSynthesizer) init(new RandomSynthesizer(D, H, L, trainable), T);
      Parameter R = param(s, "_R");
      backwardOfSquares(s, T);
      if (trainable) {
        assertTrue(R.getArray().getGradient().abs().sum().getDouble() > 0, "trainable R gets a gradient");
      } else {
        assertFalse(R.getArray().hasGradient(), "fixed R must not take part in training");
      }
    }
  }

  @Test
  void parameterCountsMatchThePaper() {
    int T = 4;
    assertEquals(H * Synthesizers.paperRandom(L), count(init(new RandomSynthesizer(D, H, L, true), T), "R"));
    assertEquals(H * Synthesizers.paperFactorizedRandom(L, 3), count(init(new FactorizedRandomSynthesizer(D, H, L, 3), T), "R1", "R2"));
    // Dense with one head: W₁ (d²) + W₂ (d·l), biases aside
    SynthesizedAttention dense = init(new DenseSynthesizer(D, 1, L), T);
    assertEquals(Synthesizers.paperDense(D, L), count(dense, "hidden_weight", "toPositions_weight"));
  }

  static long count(SynthesizedAttention s, String... suffixes) {
    long n = 0;
    for (var p : s.getParameters()) {
      for (String suffix : suffixes) {
        if (p.getKey().endsWith(suffix)) {
          n += p.getValue().getArray().size();
        }
      }
    }
    return n;
  }

  @Test
  void randomAndDenseMatchANaiveFloat64Evaluation() {
    int T = 5;
    NDArray x = input(9, T);
    double[][] X = rows(x, T, D);
    for (SynthesizedAttention s : List.of(new RandomSynthesizer(D, H, L, true), new DenseSynthesizer(D, H, L))) {
      init(s, T);
      NDArray y = s.forward(new ParameterStore(m, false), new NDList(x), false).head();
      double[][] Wv = weight(s, "value_weight");
      double[] bv = bias(s, "value_bias");
      double[][] Wo = weight(s, "output_weight");
      double[] bo = bias(s, "output_bias");
      double[][] V = Reference.linear(X, Wv, bv);
      int dh = D / H;
      double[][] concat = new double[T][D];
      for (int h = 0; h < H; h++) {
        double[][] B = new double[T][T];
        if (s instanceof RandomSynthesizer rs) {
          double[][] R = rs.logits(h);
          for (int i = 0; i < T; i++) {
            System.arraycopy(R[i], 0, B[i], 0, T);
          }
        } else {
          double[][] hid = Reference.linear(X, weight(s, "hidden_weight"), bias(s, "hidden_bias"));
          for (double[] row : hid) {
            for (int c = 0; c < row.length; c++) {
              row[c] = Math.max(0, row[c]);
            }
          }
          double[][] all = Reference.linear(hid, weight(s, "toPositions_weight"), bias(s, "toPositions_bias"));
          for (int i = 0; i < T; i++) {
            System.arraycopy(all[i], h * L, B[i], 0, T); // head h's l logits, first T of them
          }
        }
        for (int i = 0; i < T; i++) {
          double[] a = Reference.softmax(B[i]);
          for (int c = 0; c < dh; c++) {
            double sum = 0;
            for (int j = 0; j < T; j++) {
              sum += a[j] * V[j][h * dh + c];
            }
            concat[i][h * dh + c] = sum;
          }
        }
      }
      double[][] expected = Reference.linear(concat, Wo, bo);
      double[][] got = rows(y, T, D);
      for (int i = 0; i < T; i++) {
        for (int c = 0; c < D; c++) {
          assertEquals(expected[i][c], got[i][c], 1e-10, s + " at (" + i + ", " + c + ")");
        }
      }
    }
  }

  static double[][] rows(NDArray a, int r, int c) {
    double[] flat = a.toType(DataType.FLOAT64, false).toDoubleArray();
    double[][] out = new double[r][c];
    for (int i = 0; i < r; i++) {
      System.arraycopy(flat, i * c, out[i], 0, c);
    }
    return out;
  }

  /** The one parameter whose name ends with {@code suffix}. */
  static Parameter param(SynthesizedAttention s, String suffix) {
    for (var p : s.getParameters()) {
      if (p.getKey().endsWith(suffix)) {
        return p.getValue();
      }
    }
    throw new AssertionError("no parameter " + suffix);
  }

  /** One backward pass of Σ y² for a seeded input, in a sub-manager, with gradients recorded. */
  void backwardOfSquares(SynthesizedAttention s, int T) {
    try (NDManager batch = m.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray x = input(3, T);
      x.attach(batch);
      NDArray out = s.forward(new ParameterStore(batch, false), new NDList(x), true).head();
      gc.backward(out.mul(out).sum());
    }
  }

  static double[][] weight(SynthesizedAttention s, String suffix) {
    NDArray w = param(s, suffix).getArray().transpose(); // DJL stores (out, in)
    return rows(w, (int) w.getShape().get(0), (int) w.getShape().get(1));
  }

  static double[] bias(SynthesizedAttention s, String suffix) {
    return param(s, suffix).getArray().toType(DataType.FLOAT64, false).toDoubleArray();
  }

  @Test
  void aLongerInputNamesBothLengths() {
    SynthesizedAttention s = init(new RandomSynthesizer(D, H, L, true), 4);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.forward(new ParameterStore(m, false), new NDList(input(1, L + 2)), false));
    assertTrue(e.getMessage().contains("12") && e.getMessage().contains("10"), e.getMessage());
  }
}
