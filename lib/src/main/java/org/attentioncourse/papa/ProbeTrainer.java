package org.attentioncourse.papa;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import org.attentioncourse.data.Example;
import org.attentioncourse.display.Progress;
import org.attentioncourse.train.MaskedCrossEntropy;

/**
 * Trains a {@link Probe} (and optionally {@link HeadGates}) on a frozen model with Adam on the masked
 * cross-entropy. The model's parameters are frozen for the run (no gradient is computed for them, so they cannot
 * change) and unfrozen afterwards as they were.
 *
 * <pre>{@code
 * try (ProbeTrainer.TrainedProbe p = ProbeTrainer.train(probed, Probe.pooled(), train, ProbeConfig.defaults())) {
 *   Metrics m = p.evaluate(test);
 * }
 * }</pre>
 */
public final class ProbeTrainer {

  private ProbeTrainer() {}

  /** Trains {@code probe} on {@code train}; nothing of the model is trained. */
  public static TrainedProbe train(ProbedModel model, Probe probe, List<ProbeExample> train, ProbeConfig cfg) {
    return train(model, probe, train, cfg, null);
  }

  /**
   * Trains {@code probe} together with {@code gates} (which must already be installed on the model with {@link
   * HeadGates#install}); the gates' parameter array is updated in place, at {@link ProbeConfig#gateLearningRate()}.
   */
  public static TrainedProbe train(
      ProbedModel model, Probe probe, List<ProbeExample> train, ProbeConfig cfg, HeadGates gates) {
    if (train.isEmpty()) {
      throw new IllegalArgumentException("a probe needs training examples; got none");
    }
    boolean perToken = perToken(train);
    int classes = cfg.classes() > 0 ? cfg.classes() : classesOf(train);
    Device device = model.device();
    Engine.getInstance().setRandomSeed((int) cfg.seed());
    NDManager manager = NDManager.newBaseManager(device);
    Probe.Head head = probe.create(model, classes, perToken);
    boolean ok = false;
    Map<Parameter, Boolean> frozen = freeze(model);
    try {
      int T = train.get(0).size();
      head.initialize(manager, cfg.batchSize(), T);
      List<Parameter> params = new ArrayList<>();
      if (head.block() != null) {
        for (Pair<String, Parameter> p : head.block().getParameters()) {
          params.add(p.getValue());
        }
      }
      if (gates != null) {
        params.add(gates.lambda());
      }
      List<Double> losses = new ArrayList<>();
      if (!params.isEmpty()) {
        Optimizer adam =
            Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) cfg.learningRate())).build();
        Optimizer gateAdam = // λ gets its own rate (ProbeConfig.gateLearningRate)
            Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) cfg.gateLearningRate())).build();
        MaskedCrossEntropy loss = new MaskedCrossEntropy();
        ParameterStore ps = new ParameterStore(manager, false);
        Batcher batches = new Batcher(train, cfg.batchSize(), cfg.seed());
        try (Progress bar = cfg.progress() ? Progress.start("probe " + probe.name(), cfg.steps()) : null) {
          for (int step = 1; step <= cfg.steps(); step++) {
            if (Thread.currentThread().isInterrupted() || cfg.stopRequested()) {
              throw new CancellationException("probe training stopped after step " + (step - 1) + " of " + cfg.steps());
            }
            try (NDManager scope = manager.newSubManager()) {
              NDList in = ProbeExample.toNDList(batches.next(), scope);
              NDArray target = perToken ? in.get(4) : in.get(3);
              double value;
              try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = head.logits(ps, model, in, true);
                NDArray l = loss.evaluate(new NDList(target), new NDList(logits));
                gc.backward(l);
                value = l.getFloat();
              }
              if (!Double.isFinite(value)) {
                throw new IllegalStateException(
                    "the probe's loss became " + value + " at step " + step + "; lower the learning rate");
              }
              for (Parameter p : params) {
                NDArray w = p.getArray();
                NDArray g = w.getGradient();
                (gates != null && p == gates.lambda() ? gateAdam : adam).update(p.getId(), w, g);
                g.subi(g); // PyTorch accumulates gradients: clear them for the next step
              }
              losses.add(value);
              if (cfg.stepListener() != null) {
                cfg.stepListener().stepDone(step, cfg.steps(), value);
              }
              if (bar != null) {
                bar.step(String.format(Locale.ROOT, "loss %.4f", value));
              }
            }
          }
        }
      }
      ok = true;
      return new TrainedProbe(model, probe, head, manager, classes, perToken, List.copyOf(losses));
    } finally {
      unfreeze(frozen);
      if (!ok) {
        manager.close();
      }
    }
  }

  /** A probe as created, not trained: for {@link Probe#modelOutput()}, which has nothing to train. */
  public static TrainedProbe untrained(ProbedModel model, Probe probe, List<ProbeExample> like) {
    boolean perToken = perToken(like);
    int classes = Math.max(2, classesOf(like));
    NDManager manager = NDManager.newBaseManager(model.device());
    Probe.Head head = probe.create(model, classes, perToken);
    head.initialize(manager, 1, like.get(0).size());
    return new TrainedProbe(model, probe, head, manager, classes, perToken, List.of());
  }

  /** Freezes every parameter of the model, remembering which ones were trainable. */
  static Map<Parameter, Boolean> freeze(ProbedModel model) {
    Map<Parameter, Boolean> before = new IdentityHashMap<>();
    for (Pair<String, Parameter> p : model.block().getParameters()) {
      before.put(p.getValue(), p.getValue().requiresGradient());
      if (p.getValue().isInitialized()) {
        p.getValue().freeze(true);
      }
    }
    return before;
  }

  static void unfreeze(Map<Parameter, Boolean> before) {
    before.forEach(
        (p, trainable) -> {
          if (p.isInitialized()) {
            p.freeze(!trainable);
          }
        });
  }

  /** Whether the examples are scored per token; they must all agree. */
  static boolean perToken(List<ProbeExample> data) {
    boolean first = data.get(0).perToken();
    for (ProbeExample e : data) {
      if (e.perToken() != first) {
        throw new IllegalArgumentException("mixing labelled and per-token examples in one data set");
      }
    }
    return first;
  }

  /** One more than the largest label (or target) in the data. */
  static int classesOf(List<ProbeExample> data) {
    int max = 1;
    for (ProbeExample e : data) {
      if (e.perToken()) {
        for (int y : e.targets()) {
          max = Math.max(max, y);
        }
      } else {
        max = Math.max(max, e.label());
      }
    }
    return max + 1;
  }

  /** Seeded reshuffled passes over the data, batch by batch, as the training loop needs them. */
  private static final class Batcher {
    private final List<ProbeExample> data;
    private final int size;
    private final long seed;
    private List<ProbeExample> order;
    private int pos;
    private int epoch;

    Batcher(List<ProbeExample> data, int size, long seed) {
      this.data = data;
      this.size = Math.min(size, data.size());
      this.seed = seed;
      reshuffle();
    }

    private void reshuffle() {
      order = new ArrayList<>(data);
      SplittableRandom rng = new SplittableRandom(seed + epoch);
      for (int i = order.size() - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        order.set(j, order.set(i, order.get(j)));
      }
      pos = 0;
    }

    List<ProbeExample> next() {
      if (pos >= order.size()) {
        epoch++;
        reshuffle();
      }
      List<ProbeExample> b = order.subList(pos, Math.min(order.size(), pos + size));
      pos += size;
      return b;
    }
  }

  /** A trained probe; {@link #close()} frees its parameters. */
  public static final class TrainedProbe implements AutoCloseable {
    private final ProbedModel model;
    private final Probe probe;
    private final Probe.Head head;
    private final NDManager manager;
    private final int classes;
    private final boolean perToken;
    private final List<Double> losses;

    TrainedProbe(
        ProbedModel model, Probe probe, Probe.Head head, NDManager manager, int classes, boolean perToken,
        List<Double> losses) {
      this.model = model;
      this.probe = probe;
      this.head = head;
      this.manager = manager;
      this.classes = classes;
      this.perToken = perToken;
      this.losses = losses;
    }

    /** The training loss after each step (empty when nothing was trained). */
    public List<Double> losses() {
      return losses;
    }

    public Probe probe() {
      return probe;
    }

    /** Scores the probe on {@code examples} with whatever edits are installed on the model now. */
    public Metrics evaluate(List<ProbeExample> examples) {
      return evaluate(examples, 64);
    }

    /** {@link #evaluate(List)} with a batch size. */
    public Metrics evaluate(List<ProbeExample> examples, int batchSize) {
      if (examples.isEmpty()) {
        throw new IllegalArgumentException("cannot evaluate on no examples");
      }
      if (perToken(examples) != perToken) {
        throw new IllegalArgumentException("the probe was trained on " + (perToken ? "per-token" : "labelled")
            + " examples but these are not");
      }
      ParameterStore ps = new ParameterStore(manager, false);
      List<Integer> truth = new ArrayList<>();
      List<Integer> predicted = new ArrayList<>();
      for (int start = 0; start < examples.size(); start += batchSize) {
        List<ProbeExample> batch = examples.subList(start, Math.min(examples.size(), start + batchSize));
        try (NDManager scope = manager.newSubManager()) {
          NDList in = ProbeExample.toNDList(batch, scope);
          NDArray logits = head.logits(ps, model, in, false);
          long[] p = logits.argMax(-1).toType(DataType.INT64, false).toLongArray();
          int T = batch.get(0).size();
          for (int b = 0; b < batch.size(); b++) {
            ProbeExample e = batch.get(b);
            if (perToken) {
              for (int t = 0; t < T; t++) {
                if (e.targets()[t] != Example.IGNORE) {
                  truth.add(e.targets()[t]);
                  predicted.add((int) p[b * T + t]);
                }
              }
            } else {
              truth.add(e.label());
              predicted.add((int) p[b]);
            }
          }
        }
      }
      return Metrics.of(
          truth.stream().mapToInt(Integer::intValue).toArray(),
          predicted.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public void close() {
      manager.close();
    }

    @Override
    public String toString() {
      return "TrainedProbe(" + probe + ", " + classes + " classes, " + losses.size() + " steps)";
    }
  }
}
