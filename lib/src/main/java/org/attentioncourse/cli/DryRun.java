package org.attentioncourse.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.bench.ResidentMemory;
import org.attentioncourse.data.Batch;
import org.attentioncourse.data.Example;
import org.attentioncourse.data.Task;
import org.attentioncourse.train.Devices;
import org.attentioncourse.train.MaskedCrossEntropy;
import org.attentioncourse.train.ResumableAdam;
import org.attentioncourse.train.Training;

/**
 * What a full-size run would cost, found out in seconds: builds the model of the config at full size (for the
 * exact parameter count), trains a slice of it for a few steps at batch 1, and extrapolates.
 *
 * <ul>
 *   <li><b>The slice</b>: the same model with fewer layers (default 1 of the config's L) at the full sequence
 *       length. The layers of a model are identical, so time and activation memory per layer are measured at
 *       the real T, width, heads and mechanism, and scale exactly with the number of layers; the embedding and
 *       output layer (small next to a layer) are counted L times, a slight overestimate. A small model (at
 *       most {@code --layers} layers) is timed whole.
 *   <li><b>Time</b>: the fastest of the timed steps after one warm-up step (other work on the machine only makes
 *       steps slower, so the minimum is the least disturbed measurement). When a step is short (under 2 s) a
 *       second batch size is timed too and the cost per example is fitted (fixed cost + slope × batch);
 *       otherwise the time is scaled linearly from batch 1, which is what one CPU does. A GPU is faster per
 *       example at larger batches: run the dry run there ({@code --device gpu}) for GPU figures. Evaluations are
 *       not included.
 *   <li><b>Memory</b>: parameters, gradients and Adam's m and v take 4 bytes each per parameter (16 bytes in
 *       all, exact); activations are the rise of the process's peak resident memory during the timed steps
 *       (after the warm-up step has allocated gradients and optimiser state), per example. The slice's peak holds
 *       the activations its layers store for the backward pass plus the temporaries of the one layer being
 *       computed, and only the stored part grows with depth: a slice twice as deep, trained for one step, gives
 *       the stored bytes per further layer (when that probe is inconsistent, e.g. below 0, the slice's figure is
 *       scaled by layers, an overestimate). An estimate: allocator reuse can make small arrays look free, and a
 *       GPU's caching allocator adds slack.
 * </ul>
 */
final class DryRun {

  /** A step shorter than this is timed at a second batch size to separate fixed from per-example cost. */
  static final double FIT_BELOW_SECONDS = 2.0;

  /** The deeper slice (memory only) runs at the larger batch when its two steps are estimated below this. */
  static final double DEEPER_PROBE_SECONDS = 10.0;

  private DryRun() {}

  /** Settings of a dry run. */
  record Options(int timedSteps, int batch, int layers, String device, boolean oneBatch) {
    static Options defaults() {
      return new Options(3, 1, 1, "cpu", false);
    }
  }

  /**
   * What the dry run found.
   *
   * @param probeLayers layers of the timed slice
   * @param secondsPerStep measured at {@code measuredBatch} with {@code probeLayers} layers
   * @param activationBytesPerExample measured per example for the whole model (scaled by layers); NaN if /proc
   *     is not readable
   */
  record Report(
      long parameters,
      int vocabSize,
      int probeLayers,
      int measuredBatch,
      double warmUpSeconds,
      double secondsPerStep,
      double activationBytesPerExample,
      double secondsPerFullStep,
      double fullRunSeconds,
      double stateBytes,
      double fullMemoryBytes,
      double wallSeconds,
      List<String> notes) {}

  static Report run(ExperimentConfig cfg, Path dataRoot, Options o, PrintStream out) {
    long wall0 = System.nanoTime();
    List<String> notes = new ArrayList<>();
    ExperimentConfig.Model m = cfg.model();
    ExperimentConfig.Training tr = cfg.training();
    Device device = Devices.choose(o.device());
    out.printf(Locale.ROOT, "Dry run of %s%n  config    %s%n", cfg.file().source(), cfg.summary());
    Task task = TaskSetup.dryRunTask(cfg, dataRoot, notes);
    int T = task.length();
    boolean lm = cfg.task().isLanguageModel();
    if (tr.device().equals(Devices.ALL_GPUS)) {
      notes.add("the config trains on all GPUs (batch split across them); this dry run measures one device");
    }

    // 1. the full model, for its exact size
    long b0 = System.nanoTime();
    Engine.getInstance().setRandomSeed((int) tr.seed());
    long parameters;
    String description;
    try (NDManager manager = NDManager.newBaseManager(device)) {
      TransformerModel full = Models.build(m, task, lm);
      full.initialize(manager, DataType.FLOAT32, new Shape(1, T), new Shape(1, T));
      parameters = Training.countParameters(full);
      description = full.toString();
    }
    out.printf(Locale.ROOT, "  model     %s%n            %,d parameters (vocabulary %d), built in %.1f s%n", description,
        parameters, task.vocabSize(), (System.nanoTime() - b0) / 1e9);

    // 2. a slice of it, trained for a few steps
    int p = Math.min(m.layers(), o.layers());
    ExperimentConfig.Model slice =
        new ExperimentConfig.Model(m.mechanism(), null, p, m.width(), m.heads(), m.ffn(), m.maxLength(), m.options());
    int b1 = Math.min(o.batch(), tr.batch());
    Probe first = probe(slice, task, lm, tr, device, b1, o.timedSteps());
    Probe second = null;
    if (!o.oneBatch() && first.seconds < FIT_BELOW_SECONDS && tr.batch() > b1) {
      int b2 = Math.min(tr.batch(), Math.max(2 * b1, 8 * b1));
      second = probe(slice, task, lm, tr, device, b2, o.timedSteps());
    }
    double layerScale = (double) m.layers() / p;
    double perExample;
    double fixed;
    if (second != null && second.seconds > first.seconds) {
      perExample = (second.seconds - first.seconds) / (second.batch - first.batch);
      fixed = Math.max(0, first.seconds - perExample * first.batch);
    } else {
      perExample = first.seconds / first.batch;
      fixed = 0;
    }
    double fullStep = (fixed + perExample * tr.batch()) * layerScale;
    double fullRun = fullStep * tr.steps();
    double activations = Double.NaN;
    String memoryHow = "";
    if (!Double.isNaN(first.peakRiseBytes)) {
      Probe ref = first;
      double perEx = first.peakRiseBytes / first.batch; // per example, the whole slice
      if (second != null && !Double.isNaN(second.peakRiseBytes) && second.peakRiseBytes > first.peakRiseBytes) {
        perEx = (second.peakRiseBytes - first.peakRiseBytes) / (second.batch - first.batch);
        ref = second;
      }
      // A slice's peak holds its layers' stored activations and the temporaries of the one layer being computed;
      // only the stored ones grow with depth. A slice twice as deep tells them apart.
      double stored = Double.NaN;
      int p2 = Math.min(m.layers(), 2 * p);
      if (p2 > p) {
        ExperimentConfig.Model deeper =
            new ExperimentConfig.Model(m.mechanism(), null, p2, m.width(), m.heads(), m.ffn(), m.maxLength(), m.options());
        // At the larger batch, where allocator noise matters less — unless its two steps (warm-up and one
        // timed) of a slice twice as deep would take long: then at the small batch, to stay within a minute.
        Probe base = DEEPER_PROBE_SECONDS < 2 * ref.seconds * p2 / p ? first : ref;
        Probe d = probe(deeper, task, lm, tr, device, base.batch, 1);
        stored = (d.peakRiseBytes - base.peakRiseBytes) / base.batch / (p2 - p);
      }
      activations = activationsPerExample(perEx, p, m.layers(), stored);
      memoryHow = p2 == p || !storedIsConsistent(perEx, p, stored)
          ? "measured on " + p + (p == 1 ? " layer" : " layers") + ", scaled by layers"
          : String.format(Locale.ROOT, "measured: %s with %d %s, %s more per further layer (from %d layers)",
              bytes(perEx), p, p == 1 ? "layer" : "layers", bytes(stored), p2);
    } else {
      notes.add(first.memoryNote);
    }
    double state = 16.0 * parameters;
    double fullMemory = state + (Double.isNaN(activations) ? 0 : activations * tr.batch());

    String sliceText = p == m.layers() ? "the whole model" : p + " of " + m.layers() + " layers (the layers are identical)";
    out.printf(Locale.ROOT, "  measured  %s at T = %d on %s, after a warm-up step of %.2f s:%n", sliceText, T, device,
        first.warmUp);
    out.printf(Locale.ROOT, "            %.3f s/step at batch %d%s (fastest of %d timed steps; libtorch threads: %s)%n",
        first.seconds, first.batch, second == null ? "" : String.format(Locale.ROOT, ", %.3f s/step at batch %d",
            second.seconds, second.batch), o.timedSteps(), System.getProperty("ai.djl.pytorch.num_threads",
            "libtorch's default"));
    out.printf(Locale.ROOT, "  time      ≈ %s per step at batch %d on this %s%s%n            × %,d steps ≈ %s"
        + " (evaluations not included)%n", ResumableRun.duration(fullStep), tr.batch(), device.isGpu() ? "GPU" : "CPU",
        p == m.layers() ? "" : " (× " + m.layers() + "/" + p + " layers)", tr.steps(), ResumableRun.duration(fullRun));
    out.printf(Locale.ROOT, "  memory    parameters + gradients + Adam m, v: 16 B × %,d = %s%n", parameters,
        bytes(state));
    if (!Double.isNaN(activations)) {
      out.printf(Locale.ROOT, "            activations ≈ %s per example (%s) × batch %d = %s%n",
          bytes(activations), memoryHow, tr.batch(), bytes(activations * tr.batch()));
      out.printf(Locale.ROOT, "            total ≈ %s on one device holding the whole batch%n", bytes(fullMemory));
    }
    for (String n : notes) {
      out.println("  note      " + n);
    }
    double wall = (System.nanoTime() - wall0) / 1e9;
    out.printf(Locale.ROOT, "  dry run took %.1f s%n", wall);
    return new Report(parameters, task.vocabSize(), p, first.batch, first.warmUp, first.seconds, activations, fullStep,
        fullRun, state, fullMemory, wall, List.copyOf(notes));
  }

  /**
   * Activation bytes per example of the whole model: {@code slice} per example with {@code p} layers, plus, per
   * further layer, {@code stored} (what a layer keeps for the backward pass, from a deeper slice). When that figure
   * is missing or inconsistent (NaN, below 0, or more than the slice's own share per layer) the slice is scaled by
   * layers instead, which counts one layer's temporaries in every layer: an overestimate.
   */
  static double activationsPerExample(double slice, int p, int layers, double stored) {
    if (layers == p) {
      return slice;
    }
    return storedIsConsistent(slice, p, stored) ? slice + (layers - p) * stored : slice * layers / p;
  }

  private static boolean storedIsConsistent(double slice, int p, double stored) {
    return !Double.isNaN(stored) && stored >= 0 && stored < slice / p;
  }

  /** One timed probe: seconds per step, warm-up time and peak memory rise at one batch size. */
  private record Probe(int batch, double warmUp, double seconds, double peakRiseBytes, String memoryNote) {}

  private static Probe probe(ExperimentConfig.Model slice, Task task, boolean lm, ExperimentConfig.Training tr,
      Device device, int b, int timedSteps) {
    Engine.getInstance().setRandomSeed((int) tr.seed());
    TransformerModel block = Models.build(slice, task, lm);
    ResumableAdam adam = ResumableAdam.of(block, (float) tr.lr(), (float) tr.clipGrad());
    DefaultTrainingConfig tc = new DefaultTrainingConfig(new MaskedCrossEntropy())
        .optDevices(new Device[] {device})
        .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
        .optOptimizer(adam);
    try (Model model = Model.newInstance("dry-run", device)) {
      model.setBlock(block);
      try (Trainer trainer = model.newTrainer(tc)) {
        Shape in = new Shape(1, task.length());
        trainer.initialize(in, in);
        boolean perToken = task.kind() == Task.Kind.SEQUENCE;
        List<Example> rows = TaskSetup.sample(task, b * (timedSteps + 1), tr.seed());
        Device[] devices = {device};
        long w0 = System.nanoTime();
        ResumableRun.step(trainer, Batch.of(rows.subList(0, b)), perToken, devices, 1);
        double warmUp = (System.nanoTime() - w0) / 1e9;
        ResidentMemory memory = ResidentMemory.probe();
        long before = memory.unavailableReason() == null ? reset(memory) : -1;
        double seconds = Double.POSITIVE_INFINITY;
        for (int i = 1; i <= timedSteps; i++) {
          long t0 = System.nanoTime();
          ResumableRun.step(trainer, Batch.of(rows.subList(i * b, (i + 1) * b)), perToken, devices, i + 1);
          // the fastest step: other processes on the machine only ever make a step slower
          seconds = Math.min(seconds, (System.nanoTime() - t0) / 1e9);
        }
        double rise = Double.NaN;
        if (before >= 0) {
          long peak = peak(memory);
          rise = peak < 0 ? Double.NaN : Math.max(0, peak - before);
        }
        return new Probe(b, warmUp, seconds, rise, memory.unavailableReason());
      }
    }
  }

  private static long reset(ResidentMemory probe) {
    try {
      return probe.reset();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long peak(ResidentMemory probe) {
    try {
      return probe.peak();
    } catch (IOException e) {
      return -1;
    }
  }

  /** 1.2 GB, 340 MB, 12 KB (powers of 1024). */
  static String bytes(double b) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  }
}
