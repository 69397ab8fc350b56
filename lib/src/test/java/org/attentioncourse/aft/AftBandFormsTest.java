package org.attentioncourse.aft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.attentioncourse.aft.AftOps.CausalBand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The band of AFT-local and AFT-conv is summed by blocks of queries (one batched matrix product) and, for causal
 * keys whose running maximum jumps too far within a block, offset by offset. Both forms against each other and
 * against the literal T×T×C form, on sequences of several blocks (the other AFT tests stay within one block),
 * with a partial last block, left padding and every shape of band.
 */
class AftBandFormsTest {

  private static final int B = 2;
  private static final int C = 3;

  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(3);
  }

  @AfterEach
  void close() {
    m.close();
  }

  /** Band shapes: one bias for all, per query, per channel, per query and channel. */
  private static final long[][] SHAPES = {{1, 1}, {0, 1}, {1, C}, {0, C}}; // 0 stands for T

  @Test
  void blocksOffsetsAndTheLiteralFormAgreeOnManyBlocks() {
    int seed = 0;
    for (int T : new int[] {1, 5, 16, 17, 40, 70}) {
      for (int s : new int[] {1, 3, 8, 20}) {
        for (long[] shape : SHAPES) {
          for (boolean causal : new boolean[] {false, true}) {
            for (boolean padded : new boolean[] {false, true}) {
              seed++;
              int J = 2 * s - 1;
              int first = -(s - 1);
              String what = "T=" + T + " s=" + s + " band (" + (shape[0] == 0 ? "T" : "1") + ", J, " + shape[1] + ")"
                  + (causal ? " causal" : "") + (padded ? " padded" : "");
              NDArray K = gaussian(seed, 2.0, B, T, C);
              NDArray V = gaussian(seed + 1000, 1.0, B, T, C);
              NDArray w = gaussian(seed + 2000, 1.0, shape[0] == 0 ? T : 1, J, shape[1]);
              boolean[][] keyMask = padded ? AftFixtures.mask(B, T) : null;
              NDArray mask = padded ? AftFixtures.maskArray(m, keyMask, DataType.FLOAT64) : null;
              NDArray expected = AftReference.naive(K, V, AftFixtures.dense(m, w, first, T, (int) shape[1])
                  .broadcast(T, T, C), mask, causal);
              Map<String, double[]> auto = run(w, first, K, V, mask, causal, CausalBand.AUTO);
              assertClose(AftFixtures.values(expected), auto.get("y"), 1e-10, what + ": blocks vs literal");
              if (causal) {
                Map<String, double[]> blocks = run(w, first, K, V, mask, true, CausalBand.BLOCKS);
                Map<String, double[]> offsets = run(w, first, K, V, mask, true, CausalBand.OFFSETS);
                for (String key : blocks.keySet()) {
                  assertClose(offsets.get(key), blocks.get(key), 1e-10, what + ": blocks vs offsets, " + key);
                }
              }
            }
          }
        }
      }
    }
  }

  @Test
  void blocksInFloat32MatchTheLiteralFormInFloat64() {
    int T = 50;
    int s = 6;
    for (boolean causal : new boolean[] {false, true}) {
      NDArray K = gaussian(1, 8.0, B, T, C); // keys of a few units: shifts matter, overflow does not happen
      NDArray V = gaussian(2, 1.0, B, T, C);
      NDArray w = gaussian(3, 1.0, T, 2 * s - 1, 1);
      NDArray mask = AftFixtures.maskArray(m, AftFixtures.mask(B, T), DataType.FLOAT64);
      NDArray expected = AftReference.naive(K, V, AftFixtures.dense(m, w, -(s - 1), T, 1).broadcast(T, T, C), mask, causal);
      NDArray got = AftOps.banded(f32(w), -(s - 1), f32(K), f32(V), f32(mask), causal, CausalBand.BLOCKS);
      assertClose(AftFixtures.values(expected), AftFixtures.values(got), 2e-5, "float32" + (causal ? " causal" : ""));
    }
  }

  @Test
  void causalSimpleByBlocksMatchesTheLiteralForm() {
    for (int T : new int[] {16, 17, 40, 100}) {
      for (boolean padded : new boolean[] {false, true}) {
        NDArray K = gaussian(T, 3.0, B, T, C);
        NDArray V = gaussian(T + 1, 1.0, B, T, C);
        NDArray mask = padded ? AftFixtures.maskArray(m, AftFixtures.mask(B, T), DataType.FLOAT64) : null;
        NDArray expected = AftReference.naive(K, V, m.zeros(new Shape(T, T, 1), DataType.FLOAT64), mask, true);
        assertClose(AftFixtures.values(expected), AftFixtures.values(AftOps.simple(K, V, mask, true)), 1e-10,
            "causal simple T=" + T + (padded ? " padded" : ""));
      }
    }
  }

  /** The blocks' shifts come from earlier keys only: changing later tokens leaves earlier outputs equal to the bit. */
  @Test
  void blockedCausalOutputsDoNotDependOnLaterKeys() {
    int T = 70;
    int s = 8;
    NDArray K = gaussian(1, 2.0, B, T, C);
    NDArray V = gaussian(2, 1.0, B, T, C);
    NDArray w = gaussian(3, 1.0, T, 2 * s - 1, 1);
    NDArray K2 = K.duplicate();
    NDArray V2 = V.duplicate();
    K2.set(new ai.djl.ndarray.index.NDIndex(":, 37:, :"), 5.0); // later keys far larger: they would set a block maximum
    V2.set(new ai.djl.ndarray.index.NDIndex(":, 37:, :"), -3.0);
    double[][] outputs = {
      AftFixtures.values(AftOps.simple(K, V, null, true)),
      AftFixtures.values(AftOps.banded(w, -(s - 1), K, V, null, true, CausalBand.BLOCKS)),
      AftFixtures.values(AftOps.simple(K2, V2, null, true)),
      AftFixtures.values(AftOps.banded(w, -(s - 1), K2, V2, null, true, CausalBand.BLOCKS))
    };
    for (int form = 0; form < 2; form++) {
      for (int b = 0; b < B; b++) {
        for (int t = 0; t < 37; t++) {
          for (int c = 0; c < C; c++) {
            int i = (b * T + t) * C + c;
            assertEquals(outputs[form][i], outputs[form + 2][i], 0.0, (form == 0 ? "simple" : "banded") + " at t=" + t);
          }
        }
      }
    }
  }

  /** Keys that climb by 1e4 along the sequence: the blocked form would overflow, so the automatic choice is offsets. */
  @Test
  void keysThatJumpFallBackToOffsetsAndBlocksRefuseThem() {
    int T = 40;
    double[] k = new double[B * T * C];
    for (int i = 0; i < k.length; i++) {
      k[i] = -1e4 + 2e4 * ((i / C) % T) / (T - 1.0);
    }
    NDArray K = m.create(k, new Shape(B, T, C)).toType(DataType.FLOAT32, false);
    NDArray V = f32(gaussian(5, 1.0, B, T, C));
    NDArray w = f32(gaussian(6, 1.0, T, 5, 1));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AftOps.banded(w, -4, K, V, null, true, CausalBand.BLOCKS));
    assertTrue(e.getMessage().contains("overflow"), e.getMessage());
    double[] auto = AftFixtures.values(AftOps.banded(w, -4, K, V, null, true, CausalBand.AUTO));
    double[] offsets = AftFixtures.values(AftOps.banded(w, -4, K, V, null, true, CausalBand.OFFSETS));
    assertArrayEquals(offsets, auto, 0.0);
    for (double v : auto) {
      assertTrue(Double.isFinite(v), "finite: " + v);
    }
  }

  /** Output y and the gradients of Σ y ⊙ G (G fixed) with respect to K, V and the band. */
  private Map<String, double[]> run(NDArray w0, int first, NDArray K0, NDArray V0, NDArray mask, boolean causal, CausalBand form) {
    Map<String, double[]> out = new LinkedHashMap<>();
    try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray K = K0.duplicate();
      NDArray V = V0.duplicate();
      NDArray w = w0.duplicate();
      for (NDArray a : new NDArray[] {K, V, w}) {
        a.attach(step);
        a.setRequiresGradient(true);
      }
      NDArray y = AftOps.banded(w, first, K, V, mask, causal, form);
      NDArray G = gaussian(99, 1.0, y.getShape().getShape());
      gc.backward(y.mul(G).sum());
      out.put("y", AftFixtures.values(y));
      out.put("dK", AftFixtures.values(K.getGradient()));
      out.put("dV", AftFixtures.values(V.getGradient()));
      out.put("dw", AftFixtures.values(w.getGradient()));
    }
    return out;
  }

  private NDArray gaussian(long seed, double sigma, long... shape) {
    int n = (int) new Shape(shape).size();
    return m.create(AftFixtures.gaussian(seed, n, sigma), new Shape(shape));
  }

  private static NDArray f32(NDArray a) {
    return a.toType(DataType.FLOAT32, false);
  }

  private static void assertClose(double[] expected, double[] got, double tol, String what) {
    assertEquals(expected.length, got.length, what + ": sizes");
    for (int i = 0; i < got.length; i++) {
      assertTrue(Double.isFinite(got[i]), what + ": entry " + i + " is " + got[i]);
      assertEquals(expected[i], got[i], tol * Math.max(1, Math.abs(expected[i])), what + " at " + i);
    }
  }
}
