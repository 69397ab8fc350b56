package org.attentioncourse.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adam (Kingma and Ba 2015, arXiv 1412.6980) whose state can be saved and restored, so that a resumed run
 * continues exactly where the interrupted one stopped.
 *
 * <p>Why not DJL's own {@code Adam}: its moment estimates m, v and its step counters live in private fields
 * with no public accessor, so a checkpoint could only hold the parameters. Resuming with fresh m = v = 0 and
 * t = 0 restarts Adam's warm-up (the bias-corrected first steps are as large as the learning rate allows in
 * every coordinate) and the loss curve visibly jumps. This class performs the same update through the same
 * native kernel DJL's Adam calls ({@code NDArrayEx.adamUpdate}, with the same bias correction), so on one device
 * it gives the same numbers as {@code Optimizer.adam()}; in addition {@link #state()} exports, per parameter
 * <em>name</em>, the step count t and the arrays m and v, and {@link #restore} puts them back.
 *
 * <pre>
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   w ← w − η √(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)
 * </pre>
 *
 * with g clipped element-wise to [−clip, clip] first.
 *
 * <p>Parameters are keyed by their path in the block ({@code layer3_attention_...}), not by DJL's parameter
 * ids, which are fresh random UUIDs in every process. With several devices (DJL's multi-device training) every
 * device holds a copy of each weight and receives the same summed gradient, so the copies and their states stay
 * identical; each (parameter, device) pair counts its own steps, and the state of the first device is what
 * {@link #state()} exports.
 */
public final class ResumableAdam extends Optimizer {

  /** Adam's defaults, as DJL's. */
  public static final float BETA1 = 0.9f;

  public static final float BETA2 = 0.999f;
  public static final float EPSILON = 1e-8f;

  private final float learningRate;
  private final Map<String, String> nameOfId = new HashMap<>();
  private final Map<String, Map<Device, Slot>> slots = new HashMap<>(); // by parameter id
  private final Map<String, State> pending = new HashMap<>(); // restored, by name, not yet placed on a device

  /** m, v and t of one parameter on one device. */
  private static final class Slot {
    NDArray mean;
    NDArray variance;
    int count;
  }

  /**
   * The state of one parameter.
   *
   * @param name the parameter's path in the block
   * @param count t, the number of updates it has had
   * @param mean m (the live array, or one decoded from a checkpoint)
   * @param variance v, likewise
   */
  public record State(String name, int count, NDArray mean, NDArray variance) {}

  private ResumableAdam(Builder b, Block block) {
    super(b);
    this.learningRate = b.learningRate;
    for (Pair<String, Parameter> p : block.getParameters()) {
      nameOfId.put(p.getValue().getId(), p.getKey());
    }
  }

  /**
   * Adam for the parameters of {@code block} with a fixed learning rate and element-wise gradient clipping (the
   * course's training loop clips at 1).
   */
  public static ResumableAdam of(Block block, float learningRate, float clipGrad) {
    if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
    }
    Builder b = new Builder();
    b.learningRate = learningRate;
    b.optClipGrad(clipGrad);
    return new ResumableAdam(b, block);
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    Device device = weight.getDevice();
    Slot s = slots.computeIfAbsent(parameterId, k -> new HashMap<>()).computeIfAbsent(device, d -> newSlot(parameterId, weight));
    s.count++;
    int t = s.count;
    // the same arithmetic, in the same precision, as DJL's Adam, so both give the same weights
    double coef1 = 1.0 - Math.pow(BETA1, t);
    double coef2 = 1.0 - Math.pow(BETA2, t);
    float biasCorrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
    weight.getNDArrayInternal().adamUpdate(
        new NDList(weight, grad, s.mean, s.variance), new NDList(weight), learningRate, biasCorrected,
        getWeightDecay(), rescaleGrad, clipGrad, BETA1, BETA2, EPSILON, true, false);
  }

  /** Fresh zeros, or the restored state of this parameter moved to the weight's device. */
  private Slot newSlot(String parameterId, NDArray weight) {
    Slot s = new Slot();
    String name = nameOfId.get(parameterId);
    State saved = name == null ? null : pending.get(name);
    if (saved == null) {
      s.mean = weight.zerosLike();
      s.variance = weight.zerosLike();
      return s;
    }
    s.mean = placedLike(saved.mean(), weight, name, "m");
    s.variance = placedLike(saved.variance(), weight, name, "v");
    s.count = saved.count();
    return s;
  }

  /** A copy of a restored array on the weight's device, in the weight's manager, after checking its shape. */
  private static NDArray placedLike(NDArray a, NDArray weight, String name, String what) {
    if (!a.getShape().equals(weight.getShape()) || a.getDataType() != weight.getDataType()) {
      throw new IllegalArgumentException(
          "saved Adam state " + what + " of parameter " + name + " is " + a.getShape() + " " + a.getDataType()
              + " but the parameter is " + weight.getShape() + " " + weight.getDataType()
              + "; the checkpoint belongs to another model");
    }
    // A real copy with its own memory. An array decoded from bytes may borrow a Java buffer that only the
    // decoded array keeps alive, and toDevice(sameDevice, true) can return an alias of the same memory: once the
    // decoded array is freed (releaseRestored) the buffer is collected and the in-place Adam update would write
    // into freed memory. duplicate() (a clone) and a move to another device both allocate new storage.
    NDArray placed = a.getDevice().equals(weight.getDevice()) ? a.duplicate() : a.toDevice(weight.getDevice(), true);
    placed.attach(weight.getManager());
    return placed;
  }

  /**
   * The state of every parameter updated at least once (or restored and not reached yet), in name order. The
   * arrays are the live ones of the first device: read them, do not close them.
   */
  public List<State> state() {
    TreeMap<String, State> out = new TreeMap<>();
    for (Map.Entry<String, Map<Device, Slot>> e : slots.entrySet()) {
      String name = nameOfId.get(e.getKey());
      if (name == null || e.getValue().isEmpty()) {
        continue;
      }
      Slot s = first(e.getValue());
      out.put(name, new State(name, s.count, s.mean, s.variance));
    }
    for (State p : pending.values()) {
      out.putIfAbsent(p.name(), p); // restored but not reached yet (a parameter without gradient so far)
    }
    return new ArrayList<>(out.values());
  }

  private static Slot first(Map<Device, Slot> byDevice) {
    // the lowest device (cpu, then gpu(0), gpu(1), ...) so that exports do not depend on map order
    Device best = null;
    for (Device d : byDevice.keySet()) {
      if (best == null || d.toString().compareTo(best.toString()) < 0) {
        best = d;
      }
    }
    return byDevice.get(best);
  }

  /**
   * Writes {@link #state()}: a count, then per parameter its name, t, and m and v encoded with {@link
   * NDArray#encode()} (exact bytes, so a restored run continues bit for bit). One parameter is encoded at a time,
   * so the Java heap never holds more than the largest one.
   */
  public void write(DataOutputStream out) throws IOException {
    List<State> states = state();
    out.writeInt(states.size());
    for (State s : states) {
      out.writeUTF(s.name());
      out.writeInt(s.count());
      byte[] m = s.mean().encode();
      out.writeInt(m.length);
      out.write(m);
      byte[] v = s.variance().encode();
      out.writeInt(v.length);
      out.write(v);
    }
  }

  /**
   * Reads what {@link #write} wrote into arrays of {@code manager} and keeps them until each parameter's first
   * update places them on its device. Must be called before the first update; names this block does not have
   * are an error naming them.
   */
  public void restore(DataInputStream in, NDManager manager) throws IOException {
    if (!slots.isEmpty()) {
      throw new IllegalStateException("restore the Adam state before the first update, not after");
    }
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("corrupt Adam state: " + n + " parameters");
    }
    java.util.Set<String> known = new java.util.HashSet<>(nameOfId.values());
    List<String> unknown = new ArrayList<>();
    Map<String, State> read = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      int count = in.readInt();
      NDArray m = manager.decode(readBytes(in));
      NDArray v = manager.decode(readBytes(in));
      if (!known.contains(name)) {
        unknown.add(name);
      }
      read.put(name, new State(name, count, m, v));
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "the saved Adam state names parameters this model does not have: " + unknown
              + "; the checkpoint belongs to another model");
    }
    pending.putAll(read);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      throw new IOException("corrupt Adam state: an array of " + length + " bytes");
    }
    byte[] b = new byte[length];
    in.readFully(b);
    return b;
  }

  /**
   * Frees the restored arrays of parameters that have been placed on their devices (call after the first step of
   * a resumed run; until then a resumed run holds the optimiser state twice).
   */
  public void releaseRestored() {
    java.util.Set<String> placed = new java.util.HashSet<>();
    slots.forEach((id, byDevice) -> {
      if (!byDevice.isEmpty() && nameOfId.containsKey(id)) {
        placed.add(nameOfId.get(id));
      }
    });
    pending.entrySet().removeIf(e -> {
      if (placed.contains(e.getKey())) {
        e.getValue().mean().close();
        e.getValue().variance().close();
        return true;
      }
      return false;
    });
  }

  /** t of every parameter (by name) as {@link #state()} reports it. */
  public Map<String, Integer> counts() {
    Map<String, Integer> out = new TreeMap<>();
    for (State s : state()) {
      out.put(s.name(), s.count());
    }
    return out;
  }

  /** The learning rate η. */
  public float learningRate() {
    return learningRate;
  }

  private static final class Builder extends OptimizerBuilder<Builder> {
    float learningRate;

    @Override
    protected Builder self() {
      return this;
    }
  }
}
