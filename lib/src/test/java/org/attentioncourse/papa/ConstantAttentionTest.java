package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.SplittableRandom;
import org.attentioncourse.attention.AttentionMaps;
import org.attentioncourse.attention.AttentionRecorder;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Example;
import org.junit.jupiter.api.Test;

class ConstantAttentionTest {

  /** Random constants for L layers × H heads × T, rows not normalised (a renormalisation must cope). */
  static ConstantMatrices randomConstants(int L, int H, int T, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    ConstantMatrices.Accumulator acc = new ConstantMatrices.Accumulator(L, H, T);
    float[] ones = new float[T];
    java.util.Arrays.fill(ones, 1f);
    acc.count(ones, 1);
    for (int l = 0; l < L; l++) {
      float[] w = new float[H * T * T];
      for (int k = 0; k < w.length; k++) {
        w[k] = (float) r.nextDouble(0.01, 1);
      }
      acc.add(l, w, new long[] {1, H, T, T}, ones);
    }
    return acc.build("random", "none", 1);
  }

  /** The literal definition in float64: rownorm(C ⊙ m mᵀ). */
  static double[][] naive(double[][] C, float[] mask) {
    int T = C.length;
    double[][] out = new double[T][T];
    for (int i = 0; i < T; i++) {
      double s = 0;
      for (int j = 0; j < T; j++) {
        out[i][j] = C[i][j] * mask[i] * mask[j];
        s += out[i][j];
      }
      for (int j = 0; j < T; j++) {
        out[i][j] = s > 0 ? out[i][j] / s : 0;
      }
    }
    return out;
  }

  @Test
  void renormalisedRowsSumToOneAndPaddingGetsZero() {
    int H = 3;
    int T = 5;
    ConstantMatrices C = randomConstants(1, H, T, 7);
    float[][] masks = {{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}};
    try (NDManager m = NDManager.newBaseManager()) {
      for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
        NDArray like = m.zeros(new Shape(2, H, T, T), type);
        NDArray Ct = ConstantAttention.maskedNormalized(C, 0, m.create(masks), like);
        assertEquals(new Shape(2, H, T, T), Ct.getShape());
        double[] got = Ct.toType(DataType.FLOAT64, false).toDoubleArray();
        double tol = type == DataType.FLOAT64 ? 1e-12 : 1e-6;
        for (int b = 0; b < 2; b++) {
          for (int h = 0; h < H; h++) {
            double[][] want = naive(C.matrix(0, h), masks[b]);
            for (int i = 0; i < T; i++) {
              double rowSum = 0;
              for (int j = 0; j < T; j++) {
                double v = got[((b * H + h) * T + i) * T + j];
                assertEquals(want[i][j], v, tol, type + " example " + b + " head " + h + " (" + i + ", " + j + ")");
                rowSum += v;
                if (masks[b][j] == 0) {
                  assertEquals(0.0, v, 0.0, "a padded key gets exactly 0");
                }
              }
              assertEquals(masks[b][i] == 1 ? 1.0 : 0.0, rowSum, tol, "row " + i + " of example " + b);
            }
          }
        }
      }
    }
  }

  @Test
  void replacingKeepsOtherHeadsBitForBit() {
    int H = 3;
    int T = 4;
    ConstantMatrices C = randomConstants(1, H, T, 9);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray A = m.randomUniform(0f, 1f, new Shape(2, H, T, T)).softmax(-1);
      NDArray mask = m.create(new float[][] {{1, 1, 0, 0}, {1, 1, 1, 1}});
      NDArray out = ConstantAttention.replacing(C, 0, new boolean[] {false, true, false}).apply(A, mask);
      float[] a = A.toFloatArray();
      float[] o = out.toFloatArray();
      float[] ct = ConstantAttention.maskedNormalized(C, 0, mask, A).toFloatArray();
      for (int b = 0; b < 2; b++) {
        for (int h = 0; h < H; h++) {
          for (int k = 0; k < T * T; k++) {
            int idx = (b * H + h) * T * T + k;
            float want = h == 1 ? ct[idx] : a[idx];
            assertEquals(want, o[idx], 0f, "example " + b + " head " + h + " cell " + k);
          }
        }
      }
      assertNull(ConstantAttention.replacing(C, 0, new boolean[H]), "no head replaced: no edit");
    }
  }

  /**
   * With every head constant, what the model attends to no longer depends on the tokens: two inputs of the same
   * length get identical attention maps in every layer, while a different length (another mask) changes them.
   */
  @Test
  void replacingAllHeadsMakesAttentionIndependentOfContentGivenLength() {
    int T = 6;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 11);
      ProbedModel probed = ProbedModel.of(model);
      List<ProbeExample> data = PapaTestSupport.labelled(20, T, 3);
      ConstantMatrices C = ConstantMatrices.compute(probed, "tiny", data, 8);
      Example x = example(new int[] {3, 4, 5, 6, 0, 0});
      Example y = example(new int[] {11, 10, 9, 8, 0, 0});
      Example z = example(new int[] {3, 4, 5, 6, 7, 0});
      HeadOrder all = HeadOrder.random(probed, 1);
      try (ConstantAttention.Installed r = ConstantAttention.replace(probed, C, all.heads())) {
        double[][][][] mx = AttentionMaps.of(model, x);
        double[][][][] my = AttentionMaps.of(model, y);
        double[][][][] mz = AttentionMaps.of(model, z);
        for (int l = 0; l < 2; l++) {
          for (int h = 0; h < 2; h++) {
            for (int i = 0; i < T; i++) {
              assertArrayEquals(mx[l][h][i], my[l][h][i], 0.0, "same length, other tokens: L" + l + "H" + h);
            }
          }
        }
        assertFalse(java.util.Arrays.deepEquals(mx, mz), "another length changes the mask and so the maps");
      }
      // without the edits the maps do depend on the tokens
      assertFalse(java.util.Arrays.deepEquals(AttentionMaps.of(model, x), AttentionMaps.of(model, y)));
      assertNull(model.attention(0).edit(), "closing the handle restored the model");
    }
  }

  @Test
  void replacingARecordedModelKeepsItsOutputWhenNoHeadIsReplaced() {
    int T = 5;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 13);
      ProbedModel probed = ProbedModel.of(model);
      ConstantMatrices C = ConstantMatrices.compute(probed, "tiny", PapaTestSupport.labelled(10, T, 3), 8);
      AttentionRecorder rec = new AttentionRecorder();
      model.attention(1).setEdit(rec);
      NDList in = ProbeExample.toNDList(PapaTestSupport.labelled(3, T, 4), m);
      ParameterStore ps = new ParameterStore(m, false);
      float[] before = model.forward(ps, new NDList(in.get(0), in.get(1)), false).head().toFloatArray();
      try (ConstantAttention.Installed r = ConstantAttention.replace(probed, C, List.of(new HeadId(0, 1)))) {
        assertEquals(rec, model.attention(1).edit(), "a layer without replaced heads keeps its edit");
        float[] during = model.forward(ps, new NDList(in.get(0), in.get(1)), false).head().toFloatArray();
        assertFalse(java.util.Arrays.equals(before, during));
      }
      assertEquals(rec, model.attention(1).edit());
      var e = assertThrows(IllegalArgumentException.class,
          () -> ConstantAttention.replace(probed, C, List.of(new HeadId(2, 0))));
      assertTrue(e.getMessage().contains("L2H0"), e.getMessage());
    }
  }

  private static Example example(int[] tokens) {
    int len = 0;
    while (len < tokens.length && tokens[len] != 0) {
      len++;
    }
    int[] targets = new int[tokens.length];
    java.util.Arrays.fill(targets, Example.IGNORE);
    targets[0] = tokens[0];
    return new Example(tokens, targets, -1, len);
  }
}
