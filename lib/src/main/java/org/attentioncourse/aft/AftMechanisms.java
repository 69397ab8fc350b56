package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.attentioncourse.bench.Forward;
import org.attentioncourse.bench.Mechanism;

/**
 * AFT's cores as benchmark mechanisms, comparable with softmax attention: Q, K, V of shape (B, H, T, d) come from
 * the harness and every (batch, head) pair is one AFT sequence of width d; the output is σ(Q) ⊙ Ȳ (the
 * projections, the same for every mechanism, are left out as they are for softmax). Position biases are drawn
 * once per length from a fixed seed and kept, so only the forward pass is timed.
 *
 * <ul>
 *   <li>{@link #full}: a T×T bias; O(T²d) time, and its largest intermediate is the T×T matrix exp(w − r) — shared
 *       by the whole batch, unlike softmax's (B, H, T, T) scores.
 *   <li>{@link #simple}: O(Td).
 *   <li>{@link #local}: window s (the paper's best Enwik8 window is 32); O(T·s·d) time, O(T·d + T·s) memory.
 *   <li>{@link #conv}: one kernel of size s per channel (h = d heads, as in the paper's best ImageNet model; s = 11
 *       there); O(T·s·d) time, O(T·d) memory.
 * </ul>
 */
public final class AftMechanisms {

  private AftMechanisms() {}

  /** AFT-full with a T×T bias drawn from N(0, 0.1²). */
  public static Mechanism full() {
    Biases biases = new Biases(1);
    return Mechanism.of(
        "aft-full",
        perSequence((Q, K, V, causal) -> {
          long T = K.getShape().get(1);
          NDArray w = biases.get("w", K, m -> m.randomNormal(0, 0.1f, new Shape(T, T), K.getDataType()));
          return AftOps.full(w, K, V, null, causal);
        }),
        (batch, heads, T, d) -> Math.max((long) T * T, (long) batch * heads * T * d) * Float.BYTES);
  }

  /** AFT-simple. */
  public static Mechanism simple() {
    return Mechanism.of(
        "aft-simple",
        perSequence((Q, K, V, causal) -> AftOps.simple(K, V, null, causal)),
        AftMechanisms::sequenceBytes);
  }

  /** AFT-local with window s: a bias on the 2s − 1 offsets |t' − t| &lt; s, drawn from N(0, 0.1²) per row. */
  public static Mechanism local(int s) {
    if (s < 1) {
      throw new IllegalArgumentException("window size s must be at least 1, got " + s);
    }
    Biases biases = new Biases(2);
    return Mechanism.of(
        "aft-local (s=" + s + ")",
        perSequence((Q, K, V, causal) -> {
          long T = K.getShape().get(1);
          NDArray band = biases.get("band", K, m -> m.randomNormal(0, 0.1f, new Shape(T, 2L * s - 1, 1), K.getDataType()));
          return AftOps.banded(band, -(s - 1), K, V, null, causal);
        }),
        (batch, heads, T, d) -> Math.max(sequenceBytes(batch, heads, T, d), (long) T * (2L * s - 1) * Float.BYTES));
  }

  /** AFT-conv with kernel size s and one head per channel (K as wide as Q and V). */
  public static Mechanism conv(int s) {
    if (s < 1) {
      throw new IllegalArgumentException("kernel size s must be at least 1, got " + s);
    }
    Biases biases = new Biases(3);
    return Mechanism.of(
        "aft-conv (s=" + s + ")",
        perSequence((Q, K, V, causal) -> {
          long d = K.getShape().get(2);
          NDArray kernels = biases.get("kernels", K, m -> m.randomNormal(0, 1f, new Shape(1, s, d), K.getDataType()));
          return AftOps.banded(kernels, causal ? -(s - 1) : -((s - 1) / 2), K, V, null, causal);
        }),
        AftMechanisms::sequenceBytes);
  }

  /** Bytes of one float32 (B, H, T, d) array. */
  static long sequenceBytes(int batch, int heads, int T, int d) {
    return (long) batch * heads * T * d * Float.BYTES;
  }

  /** The weighted average Ȳ for (B·H, T, d) sequences. */
  @FunctionalInterface
  private interface Average {
    NDArray run(NDArray Q, NDArray K, NDArray V, boolean causal);
  }

  /** Treats each (batch, head) pair as one sequence and returns σ(Q) ⊙ Ȳ in the harness's (B, H, T, d). */
  private static Forward perSequence(Average average) {
    return (m, q, k, v, causal) -> {
      Shape s = q.getShape();
      long n = s.get(0) * s.get(1);
      NDArray Q = q.reshape(n, s.get(2), s.get(3));
      NDArray Ybar = average.run(Q, k.reshape(n, s.get(2), s.get(3)), v.reshape(n, s.get(2), s.get(3)), causal);
      return Activation.sigmoid(Q).mul(Ybar).reshape(s);
    };
  }

  /** Biases per (name, length, width), drawn once from a fixed seed and kept for the benchmark's lifetime. */
  private static final class Biases {
    private final Map<String, NDArray> cache = new HashMap<>();
    private final NDManager owner = NDManager.newBaseManager();
    private final long seed;

    Biases(long seed) {
      this.seed = seed;
    }

    NDArray get(String name, NDArray K, Function<NDManager, NDArray> make) {
      String shape = K.getShape().slice(1) + "" + K.getDataType();
      String key = name + shape;
      // one length at a time (the benchmark's order): a T×T bias at T = 8192 is 256 MB, and each length kept
      // would stay allocated for as long as the mechanism lives
      cache.entrySet().removeIf(e -> {
        if (e.getKey().endsWith(shape)) {
          return false;
        }
        e.getValue().close();
        return true;
      });
      return cache.computeIfAbsent(key, unused -> {
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) (seed * 1_000 + K.getShape().get(1)));
        return make.apply(owner).toDevice(K.getDevice(), false);
      });
    }
  }
}
