package org.attentioncourse.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import org.attentioncourse.data.Batch;
import org.attentioncourse.data.Batches;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.attentioncourse.display.Progress;

/**
 * The course's training loop: Adam on {@link MaskedCrossEntropy}, one batch per step.
 *
 * <ul>
 *   <li><b>Device</b>: from the config (or {@link Devices#choose()}); a GPU asked for but absent is an error.
 *   <li><b>Reproducible</b>: the seed fixes the initial weights and the batch order, so two CPU runs give the
 *       same loss at every step.
 *   <li><b>Bounded memory</b>: every batch's arrays live in a sub-manager closed after the step.
 *   <li><b>Stoppable</b>: the thread's interrupt flag is checked before every batch; stopping the kernel ends
 *       training within one batch with a {@link CancellationException} that says at which step (and a checkpoint
 *       if checkpoints are on). The block keeps the parameters it has learned, so the next cell can evaluate it
 *       or train it further: {@code run} on a block whose parameters exist continues from them.
 * </ul>
 *
 * <pre>{@code
 * TrainResult r = Training.run(model, task, splits, TrainConfig.defaults().steps(500));
 * }</pre>
 */
public final class Training {

  private Training() {}

  /** Trains {@code block} (a model taking [tokens, mask]) on {@code data} and evaluates it on the test split. */
  public static TrainResult run(Block block, Task task, Splits data, TrainConfig config) {
    Device device = config.device() == null ? Devices.choose() : Devices.choose(config.device());
    Engine.getInstance().setRandomSeed((int) config.seed());
    String name = block.toString();
    if (!config.quiet()) {
      System.out.println("Training " + name + " on " + task.name() + " (" + data.sizes() + ") on " + device);
      System.out.println(config);
    }

    DefaultTrainingConfig tc =
        new DefaultTrainingConfig(new MaskedCrossEntropy())
            .optDevices(new Device[] {device})
            .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
            .optOptimizer(
                Optimizer.adam()
                    .optLearningRateTracker(config.schedule()) // warm-up, then a cosine decay (or constant)
                    .optClipGrad(1f) // element-wise clip: one bad batch cannot blow the weights up
                    .build());
    // The Model owns the parameters and outlives this method (it is returned inside the result, so the trained
    // block can be inspected); the Trainer owns gradients and optimiser state and is closed here.
    Model model = Model.newInstance("course-model", device);
    HostMemory memory = HostMemory.start();
    boolean ok = false;
    try {
      model.setBlock(block);
      try (Trainer trainer = model.newTrainer(tc)) {
        int B = config.batchSize();
        int T = task.length();
        trainer.initialize(new Shape(B, T), new Shape(B, T));
        long parameters = countParameters(block);
        List<Double> losses = new ArrayList<>(config.steps());
        List<TrainResult.Checkpoint> validation = new ArrayList<>();
        boolean perToken = task.kind() == Task.Kind.SEQUENCE;
        long t0 = System.nanoTime();
        int epoch = 0;
        Iterator<Batch> batches = Batches.of(data.train(), B, true, config.seed()).iterator();
        TrainResult.Checkpoint best = null;
        float[][] bestParameters = null;
        try (Progress bar = config.progress() ? Progress.start("training steps", config.steps()) : null) {
          for (int step = 1; step <= config.steps(); step++) {
            if (Thread.interrupted()) {
              // The flag is cleared first: with it set, writing the checkpoint would fail (Java's file channels
              // close themselves on an interrupted thread). The block keeps what it learned.
              keepParameters(block, device, name);
              Path saved = saveIfAsked(block, config, step - 1, true);
              throw new CancellationException(
                  "training stopped by an interrupt after step " + (step - 1) + " of " + config.steps()
                      + (saved != null ? "; parameters saved to " + saved : "")
                      + ". The model keeps what it learned: evaluate it, or pass it to Training.run again to"
                      + " train it further.");
            }
            if (!batches.hasNext()) {
              epoch++; // a new pass over the training split, in a new (seeded) order
              batches = Batches.of(data.train(), B, true, config.seed() + epoch).iterator();
            }
            double loss = step(trainer, batches.next(), perToken, step);
            losses.add(loss);
            if (config.listener() != null) {
              config.listener().afterStep(step, loss, trainer);
            }
            String status = String.format(Locale.ROOT, "loss %.4f", loss);
            if (step % config.evalEvery() == 0 || step == config.steps()) {
              Evaluation v = Evaluation.of(block, task, data.validation(), trainer.getManager(), B);
              validation.add(new TrainResult.Checkpoint(step, v));
              if (config.keepBest() && (best == null || better(v, best.evaluation()))) {
                best = new TrainResult.Checkpoint(step, v);
                bestParameters = snapshot(block);
              }
              status += String.format(Locale.ROOT, ", validation accuracy %.3f", v.accuracy());
              if (!Double.isNaN(v.bitsPerToken())) {
                status += String.format(Locale.ROOT, ", %.3f bits per token", v.bitsPerToken());
              }
            }
            if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) {
              saveIfAsked(block, config, step, false);
            }
            if (bar != null) {
              bar.step(status);
            }
          }
        }
        int kept = config.steps();
        if (best != null && best.step() != config.steps()) {
          restore(block, bestParameters); // the last step is worse than an earlier check: back to that one
          kept = best.step();
          if (!config.quiet()) {
            System.out.println(String.format(Locale.ROOT,
                "Kept the parameters of step %d (validation %s); the last step's were worse (%s).", kept,
                score(best.evaluation()), score(validation.get(validation.size() - 1).evaluation())));
          }
        }
        saveIfAsked(block, config, config.steps(), true);
        Evaluation test = Evaluation.of(block, task, data.test(), trainer.getManager(), B);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double peakMb = memory.peakMb();
        if (!config.quiet()) {
          System.out.println(String.format(Locale.ROOT, "Done in %.1f s%s. Test: %s", seconds,
              Double.isNaN(peakMb) ? "" : String.format(Locale.ROOT, ", peak memory +%.0f MB", peakMb), test));
        }
        ok = true;
        return new TrainResult(
            name, device.toString(), parameters, config.steps(), List.copyOf(losses), List.copyOf(validation),
            kept, test, seconds, peakMb, model);
      }
    } finally {
      if (!ok) {
        model.close(); // a failed run frees its parameters at once (a stopped one moved them out first)
      }
    }
  }

  /** One optimisation step; every array of the batch is freed when it returns. */
  private static double step(Trainer trainer, Batch batch, boolean perToken, int step) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      NDList in = batch.toNDList(scope); // tokens, mask, targets, labels
      NDArray targets = perToken ? in.get(2) : in.get(3);
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDList out = trainer.forward(new NDList(in.get(0), in.get(1)));
        NDArray loss = trainer.getLoss().evaluate(new NDList(targets), out);
        gc.backward(loss);
        double value = loss.getFloat();
        if (!Double.isFinite(value)) {
          throw new IllegalStateException(
              "the training loss became " + value + " at step " + step
                  + "; lower the learning rate or check the inputs");
        }
        trainer.step();
        return value;
      }
    }
  }

  /** Whether validation {@code a} beats {@code b}: lower bits per token where both have them, else accuracy. */
  static boolean better(Evaluation a, Evaluation b) {
    if (Double.isFinite(a.bitsPerToken()) && Double.isFinite(b.bitsPerToken())) {
      return a.bitsPerToken() < b.bitsPerToken();
    }
    return a.accuracy() > b.accuracy();
  }

  private static String score(Evaluation e) {
    return Double.isFinite(e.bitsPerToken())
        ? String.format(Locale.ROOT, "%.4f bits per token", e.bitsPerToken())
        : String.format(Locale.ROOT, "accuracy %.4f", e.accuracy());
  }

  /** A host copy of every parameter's values (the models here are small: a few MB at most). */
  private static float[][] snapshot(Block block) {
    var params = block.getParameters();
    float[][] copy = new float[params.size()][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = params.get(i).getValue().getArray().toFloatArray();
    }
    return copy;
  }

  /** Writes a {@link #snapshot} back into the same arrays, in place (they stay where the optimiser has them). */
  private static void restore(Block block, float[][] copy) {
    var params = block.getParameters();
    for (int i = 0; i < copy.length; i++) {
      params.get(i).getValue().getArray().set(copy[i]);
    }
  }

  /**
   * Moves the block's parameters out of the run's {@link Model}, into a manager of their own, so that closing the
   * Model (at once here, or when the garbage collector finalizes a Model nobody holds) does not free them: a
   * stopped run's block stays usable in the next cell. That manager lives as long as the engine.
   */
  private static void keepParameters(Block block, Device device, String name) {
    NDManager keeper = NDManager.newBaseManager(device);
    keeper.setName("stopped run of " + name);
    for (var p : block.getParameters()) {
      if (p.getValue().isInitialized()) {
        p.getValue().getArray().attach(keeper);
      }
    }
  }

  private static Path saveIfAsked(Block block, TrainConfig config, int step, boolean last) {
    if (config.checkpointDir() == null || step == 0) {
      return null;
    }
    Path file = config.checkpointDir().resolve(String.format(Locale.ROOT, "step-%06d.params", step));
    Checkpoints.save(block, file);
    if (last) {
      Checkpoints.save(block, config.checkpointDir().resolve("last.params"));
    }
    return file;
  }

  /** The rise of resident memory over its level at the start of a run; NaN where it cannot be measured. */
  private record HostMemory(org.attentioncourse.bench.ResidentMemory probe, long startBytes) {

    static HostMemory start() {
      org.attentioncourse.bench.ResidentMemory probe = org.attentioncourse.bench.ResidentMemory.probe();
      if (probe.unavailableReason() != null) {
        return new HostMemory(null, 0);
      }
      try {
        return new HostMemory(probe, probe.reset());
      } catch (java.io.IOException e) {
        return new HostMemory(null, 0);
      }
    }

    double peakMb() {
      if (probe == null) {
        return Double.NaN;
      }
      try {
        return Math.max(0, probe.peak() - startBytes) / (1024.0 * 1024.0);
      } catch (java.io.IOException e) {
        return Double.NaN;
      }
    }
  }

  /** Number of trainable numbers in {@code block}. */
  public static long countParameters(Block block) {
    long n = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().isInitialized()) {
        n += p.getValue().getArray().size();
      }
    }
    return n;
  }
}
