package org.attentioncourse.synthesizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.HashMap;
import java.util.Map;
import org.attentioncourse.attention.ScaledDotProductAttention;
import org.attentioncourse.bench.Mechanism;

/**
 * The Synthesizer's attention cores as benchmark mechanisms, comparable with softmax attention: Q, K, V of shape
 * (B, H, T, d) come from the harness; each variant forms its T×T logits its own way, then softmax · V. The
 * synthesized parameters for each length are made once (seeded) and kept, so only the forward pass is timed.
 */
public final class SynthesizerMechanisms {

  private SynthesizerMechanisms() {}

  /** softmax(R) V with R (H, T, T). */
  public static Mechanism random() {
    Params p = new Params(1);
    return Mechanism.of(
        "random",
        (m, q, k, v, causal) -> {
          NDArray R = p.get("R", m, q, s -> s.randomNormal(new Shape(q.getShape().get(1), q.getShape().get(2), q.getShape().get(2))));
          return finish(R.expandDims(0), v, causal);
        },
        Mechanism::scoreMatrixBytes);
  }

  /** softmax(R₁R₂ᵀ) V with R₁, R₂ (H, T, k). */
  public static Mechanism factorizedRandom(int k) {
    Params p = new Params(2);
    return Mechanism.of(
        "factorized random (k=" + k + ")",
        (m, q, k2, v, causal) -> {
          Shape s = new Shape(q.getShape().get(1), q.getShape().get(2), k);
          NDArray R1 = p.get("R1", m, q, mm -> mm.randomNormal(s));
          NDArray R2 = p.get("R2", m, q, mm -> mm.randomNormal(s));
          return finish(R1.matMul(R2.swapAxes(1, 2)).expandDims(0), v, causal);
        },
        Mechanism::scoreMatrixBytes);
  }

  /** softmax(W₂ ReLU(W₁ q)) V with W₁ (d, d), W₂ (d, T): each row from its own token. */
  public static Mechanism dense() {
    Params p = new Params(3);
    return Mechanism.of(
        "dense",
        (m, q, k, v, causal) -> {
          long d = q.getShape().get(3);
          long T = q.getShape().get(2);
          NDArray W1 = p.get("W1", m, q, mm -> mm.randomNormal(new Shape(d, d)).div(mm.create((float) Math.sqrt(d))));
          NDArray W2 = p.get("W2", m, q, mm -> mm.randomNormal(new Shape(d, T)).div(mm.create((float) Math.sqrt(d))));
          NDArray logits = Activation.relu(q.matMul(W1)).matMul(W2); // (B, H, T, T)
          return finish(logits, v, causal);
        },
        Mechanism::scoreMatrixBytes);
  }

  private static NDArray finish(NDArray logits, NDArray v, boolean causal) {
    NDArray A = ScaledDotProductAttention.maskLogits(logits, null, causal).softmax(-1);
    return A.matMul(v); // (B, H, T, d)
  }

  /** Parameters per (name, shape of q), made once from a fixed seed and kept for the benchmark's lifetime. */
  private static final class Params {
    private final Map<String, NDArray> cache = new HashMap<>();
    private final NDManager owner = NDManager.newBaseManager();
    private final long seed;

    Params(long seed) {
      this.seed = seed;
    }

    /**
     * The parameter {@code name} for q's shape, made on first use, lent to the call's manager {@code call}: an
     * operation's result belongs to the manager of the array it starts from, so without the loan every
     * intermediate computed from a cached parameter (R·V, R₁R₂ᵀ, the softmax) would stay in the long-lived owner
     * and pile up call after call (measured: 3.3 GB after one run at T = 4096 and 8192). Closing {@code call} gives
     * the parameter back to the owner and frees the intermediates.
     */
    NDArray get(String name, NDManager call, NDArray q, java.util.function.Function<NDManager, NDArray> make) {
      String key = name + q.getShape();
      dropOtherShapes(q.getShape().toString());
      NDArray a = cache.computeIfAbsent(key, unused -> {
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) (seed * 1_000 + q.getShape().get(2)));
        return make.apply(owner).toDevice(q.getDevice(), false).toType(q.getDataType(), false);
      });
      a.tempAttach(call);
      return a;
    }

    /**
     * The benchmark runs one length after the other, so only the current length's parameters are kept: at
     * T = 8192 one R is 256 MB, and every length kept would stay allocated for as long as the mechanism lives.
     */
    private void dropOtherShapes(String shape) {
      cache.entrySet().removeIf(e -> {
        if (e.getKey().endsWith(shape)) {
          return false;
        }
        e.getValue().close();
        return true;
      });
    }
  }
}
