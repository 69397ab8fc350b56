package org.attentioncourse.aft;

import static org.attentioncourse.aft.AftFixtures.D;
import static org.attentioncourse.aft.AftFixtures.L;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.attentioncourse.aft.AftFixtures.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every AFT variant against the float64 loops of Eq. 2. Tolerances: float64 within 1e-10 (absolute, outputs of
 * order 1); float32 within 2e-5.
 */
class AftTest {

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

  @Test
  void everyVariantMatchesTheLoopsCausalOrNotWithPadding() {
    int B = 2;
    int T = 7;
    for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
      double tol = type == DataType.FLOAT64 ? 1e-10 : 2e-5;
      for (Variant v : AftFixtures.variants()) {
        AftAttention a = AftFixtures.build(v, m, type, 11);
        for (boolean causal : new boolean[] {false, true}) {
          for (boolean padded : new boolean[] {false, true}) {
            boolean[][] keyMask = padded ? AftFixtures.mask(B, T) : null;
            NDArray x = AftFixtures.input(m, 3, B, T, type);
            NDArray mask = padded ? AftFixtures.maskArray(m, keyMask, type) : null;
            NDArray y = a.attend(new ParameterStore(m, false), x, mask, causal, false);
            double[][][] expected = AftFixtures.reference(a, AftFixtures.cube(x), keyMask, causal);
            assertClose(expected, AftFixtures.cube(y), tol, v + " " + type + (causal ? " causal" : "") + (padded ? " padded" : ""));
          }
        }
      }
    }
  }

  @Test
  void shortestSequencesAndTheMaximumLength() {
    for (Variant v : AftFixtures.variants()) {
      AftAttention a = AftFixtures.build(v, m, DataType.FLOAT64, 15);
      for (int T : new int[] {1, 2, 3, 8, L}) {
        for (boolean causal : new boolean[] {false, true}) {
          NDArray x = AftFixtures.input(m, 8, 2, T, DataType.FLOAT64);
          NDArray y = a.attend(new ParameterStore(m, false), x, null, causal, false);
          assertClose(AftFixtures.reference(a, AftFixtures.cube(x), null, causal), AftFixtures.cube(y), 1e-10, v + " T=" + T + (causal ? " causal" : ""));
        }
      }
    }
  }

  @Test
  void naiveDefinitionMatchesTheLoops() {
    int B = 2;
    int T = 6;
    for (Variant v : AftFixtures.variants()) {
      AftAttention a = AftFixtures.build(v, m, DataType.FLOAT64, 12);
      for (boolean causal : new boolean[] {false, true}) {
        boolean[][] keyMask = AftFixtures.mask(B, T);
        NDArray x = AftFixtures.input(m, 4, B, T, DataType.FLOAT64);
        NDArray y = a.attendNaive(new ParameterStore(m, false), x, AftFixtures.maskArray(m, keyMask, DataType.FLOAT64), causal, false);
        assertClose(AftFixtures.reference(a, AftFixtures.cube(x), keyMask, causal), AftFixtures.cube(y), 1e-10, v + " naive");
      }
    }
  }

  /**
   * Gradients of Σ y ⊙ R through the efficient form and through the literal (B, T, T, D) form agree, with respect
   * to the input and to every parameter (projections, w, u, v, γ, β), within 1e-9 relative to the largest.
   */
  @Test
  void efficientAndLiteralFormsHaveTheSameGradients() {
    int B = 2;
    int T = 7;
    for (Variant v : AftFixtures.variants()) {
      AftAttention a = AftFixtures.build(v, m, DataType.FLOAT64, 13);
      for (boolean causal : new boolean[] {false, true}) {
        Map<String, double[]> fast = gradients(a, T, B, causal, false);
        Map<String, double[]> slow = gradients(a, T, B, causal, true);
        for (String name : slow.keySet()) {
          double[] g = fast.get(name);
          double[] h = slow.get(name);
          double scale = 0;
          for (double x : h) {
            scale = Math.max(scale, Math.abs(x));
          }
          assertTrue(scale > 0,
              v + ": no gradient reaches " + name);
          for (int i = 0; i < h.length; i++) {
            assertEquals(h[i], g[i], 1e-9 * Math.max(1, scale), v + (causal ? " causal" : "") + ": d/d" + name + "[" + i + "]");
          }
        }
        assertTrue(slow.size() >= 9, v + ": " + slow.keySet());
      }
    }
  }

  /**
   * The same backward pass twice, the second time with the garbage collector run and freed native memory
   * overwritten with NaN bit patterns between forward and backward: a scalar that autograd still needs but DJL
   * has freed (see train.GradientStabilityTest) would turn the gradients into NaN or change them.
   */
  @Test
  void gradientsSurviveGarbageCollectionBetweenForwardAndBackward() {
    int B = 2;
    int T = 9;
    for (Variant v : AftFixtures.variants()) {
      AftAttention a = AftFixtures.build(v, m, DataType.FLOAT32, 14);
      for (boolean causal : new boolean[] {false, true}) {
        Map<String, double[]> first = gradients(a, T, B, causal, false);
        Map<String, double[]> again = gradients(a, T, B, causal, false, true);
        for (String name : first.keySet()) {
          double[] g = first.get(name);
          double[] h = again.get(name);
          for (int i = 0; i < g.length; i++) {
            assertTrue(Double.isFinite(h[i]), v + ": d/d" + name + " is " + h[i]);
            assertEquals(g[i], h[i], 1e-6 * (1 + Math.abs(g[i])), v + (causal ? " causal" : "") + ": d/d" + name + "[" + i + "]");
          }
        }
      }
    }
  }

  private static final List<Object> SCRIBBLES = new ArrayList<>();

  /** Collects garbage, then fills fresh small native blocks with NaN bit patterns. */
  private static void scribbleOverFreedBuffers() {
    System.gc();
    try {
      Thread.sleep(20); // the cleaner thread frees the memory of collected direct buffers
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<ByteBuffer> keep = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(8);
      b.putLong(0, -1L); // all bits set: NaN as a float or a double
      keep.add(b);
    }
    SCRIBBLES.add(keep);
  }

  private Map<String, double[]> gradients(AftAttention a, int T, int B, boolean causal, boolean naive) {
    return gradients(a, T, B, causal, naive, false);
  }

  /** Gradients of Σ y ⊙ R with respect to x ("x") and every parameter, then zeroed again. */
  private Map<String, double[]> gradients(AftAttention a, int T, int B, boolean causal, boolean naive, boolean scribble) {
    Map<String, double[]> out = new TreeMap<>();
    try (NDManager batch = m.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      DataType type = a.projections()[0].getParameters().get(0).getValue().getArray().getDataType();
      NDArray x = AftFixtures.input(batch, 5, B, T, type);
      x.setRequiresGradient(true);
      NDArray mask = AftFixtures.maskArray(batch, AftFixtures.mask(B, T), type);
      NDArray R = batch.create(AftFixtures.gaussian(6, B * T * D, 1), x.getShape()).toType(type, false);
      ParameterStore ps = new ParameterStore(batch, false);
      NDArray y = naive ? a.attendNaive(ps, x, mask, causal, true) : a.attend(ps, x, mask, causal, true);
      if (scribble) {
        scribbleOverFreedBuffers();
      }
      gc.backward(y.mul(R).sum());
      out.put("x", AftFixtures.values(x.getGradient()));
      for (var p : a.getParameters()) {
        NDArray g = p.getValue().getArray().getGradient();
        out.put(p.getKey(), AftFixtures.values(g));
        g.subi(g);
      }
    }
    return out;
  }

  static void assertClose(double[][][] expected, double[][][] got, double tol, String what) {
    for (int b = 0; b < expected.length; b++) {
      for (int t = 0; t < expected[0].length; t++) {
        for (int c = 0; c < expected[0][0].length; c++) {
          assertEquals(expected[b][t][c], got[b][t][c], tol, what + " at (" + b + ", " + t + ", " + c + ")");
        }
      }
    }
  }
}
