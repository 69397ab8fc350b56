package org.attentioncourse.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.attentioncourse.data.Batch;
import org.attentioncourse.data.Task;
import org.attentioncourse.train.Checkpoints;
import org.attentioncourse.train.Devices;
import org.attentioncourse.train.Evaluation;
import org.attentioncourse.train.MaskedCrossEntropy;
import org.attentioncourse.train.ResumableAdam;
import org.attentioncourse.train.Training;

/**
 * The command line's training loop: the course's loop ({@link Training#run}: Adam on masked cross-entropy,
 * element-wise gradient clipping, Xavier initialisation, the same seed handling) made resumable and able to use
 * every GPU.
 *
 * <ul>
 *   <li><b>Checkpoints</b> every N steps ({@link RunCheckpoint}: parameters, Adam's m, v and t, the step, the
 *       losses so far, the training time), written atomically; the newest {@code keep_checkpoints} are kept.
 *   <li><b>Resume</b> ({@code --resume}): loads the newest checkpoint and continues with the batch of the next
 *       step ({@link BatchSchedule} is a function of the step). Parameters, optimiser state and data order are
 *       all restored, so the resumed loss curve is the uninterrupted one. A crash loses at most N steps; an
 *       interrupt (Ctrl-C, SIGTERM) loses none, because the loop saves before it stops.
 *   <li><b>Devices</b>: {@code all-gpus} trains on every GPU with DJL's multi-device training: each batch is cut
 *       into one slice per GPU, every slice's loss is weighted by its share of the batch (so the summed gradient
 *       is that of the whole batch's mean loss), the gradients are summed onto the first GPU and the update is
 *       applied to every copy.
 *   <li><b>Progress</b>: a line every {@code log_every} steps and at every evaluation; <b>results</b>: {@link
 *       ResultsCsv}.
 * </ul>
 */
final class ResumableRun {

  private ResumableRun() {}

  /**
   * What the loop needs besides the model and the data.
   *
   * @param fingerprint the config's {@link ExperimentConfig#fingerprintText()}; a checkpoint with another one is
   *     refused
   * @param stop set from another thread (the shutdown hook) to stop after the current step, with a checkpoint
   */
  record Settings(
      String runName,
      String mechanism,
      int steps,
      int batch,
      double lr,
      double clipGrad,
      long seed,
      int checkpointEvery,
      int keepCheckpoints,
      int evalEvery,
      int logEvery,
      String device,
      Path outDir,
      boolean resume,
      String fingerprint,
      PrintStream out,
      AtomicBoolean stop) {

    static Settings of(ExperimentConfig c, String runName, Path outDir, String deviceOverride, boolean resume,
        PrintStream out, AtomicBoolean stop) {
      ExperimentConfig.Training t = c.training();
      return new Settings(
          runName, c.model().mechanism(), t.steps(), t.batch(), t.lr(), t.clipGrad(), t.seed(), t.checkpointEvery(),
          t.keepCheckpoints(), t.evalEvery(), t.logEvery(), deviceOverride != null ? deviceOverride : t.device(),
          outDir, resume, c.fingerprintText(), out, stop);
    }
  }

  /**
   * What happened.
   *
   * @param resumedFrom the checkpoint step the run continued from (0 for a fresh run)
   * @param stepsDone the last step completed
   * @param losses the training loss of every step from 1 to {@code stepsDone} (restored ones included)
   * @param test the test evaluation, or null when the run was stopped before the end
   * @param seconds training time across all sessions of the run
   */
  record Outcome(int resumedFrom, int stepsDone, List<Double> losses, Evaluation test, boolean stopped, double seconds,
      long parameters, String devices) {}

  static Outcome run(Block block, TaskSetup.Data data, Settings s) {
    Device[] devices = Devices.chooseAll(s.device());
    Path ckDir = s.outDir().resolve("checkpoints");
    Path csv = s.outDir().resolve("results.csv");
    RunCheckpoint.Header from = findResumePoint(ckDir, s);
    Task task = data.task();
    int T = task.length();
    String deviceNames = String.join("+", Arrays.stream(devices).map(Device::toString).toList()); // cpu(), gpu(0)+gpu(1)

    Engine.getInstance().setRandomSeed((int) s.seed());
    ResumableAdam adam = ResumableAdam.of(block, (float) s.lr(), (float) s.clipGrad());
    DefaultTrainingConfig tc =
        new DefaultTrainingConfig(new MaskedCrossEntropy())
            .optDevices(devices)
            .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
            .optOptimizer(adam);
    try (Model model = Model.newInstance("course-run", devices[0])) {
      model.setBlock(block);
      try (Trainer trainer = model.newTrainer(tc)) {
        Shape in = new Shape(1, T);
        // Initialise (seeded) and, when resuming, overwrite with the checkpoint BEFORE the trainer sees the
        // parameters: the trainer copies them to every device when it initialises.
        block.initialize(model.getNDManager(), DataType.FLOAT32, in, in);
        List<Double> losses = new ArrayList<>();
        int start = 0;
        double secondsBefore = 0;
        if (from != null) {
          RunCheckpoint.Header h = RunCheckpoint.load(from.file(), block, adam, model.getNDManager());
          losses.addAll(h.losses());
          start = h.step();
          secondsBefore = h.seconds();
          ResultsCsv.truncateAfter(csv, start);
          s.out().printf(Locale.ROOT, "Resuming from %s (step %d, %s of training so far)%n", from.file(), start,
              duration(secondsBefore));
        } else {
          java.nio.file.Files.deleteIfExists(csv); // rows of an earlier attempt that never reached a checkpoint
        }
        trainer.initialize(in, in);
        long parameters = Training.countParameters(block);
        s.out().printf(Locale.ROOT, "Training %s: %,d parameters on %s; %s%n", s.runName(), parameters, deviceNames,
            task.describe());
        boolean perToken = task.kind() == Task.Kind.SEQUENCE;
        long t0 = System.nanoTime();
        int lastSaved = start;
        int lastRow = ResultsCsv.lastStep(csv); // the step of the last results row kept (0 for a fresh run)
        boolean stopped = false;
        int step = start;
        while (step < s.steps()) {
          if (s.stop().get() || Thread.interrupted()) {
            // the interrupt flag is cleared: with it set, the checkpoint below could not be written (Java's file
            // channels close themselves on an interrupted thread)
            stopped = true;
            break;
          }
          step++;
          double loss = step(trainer, data.schedule().batch(step), perToken, devices, step);
          losses.add(loss);
          if (step == start + 1 && from != null) {
            adam.releaseRestored();
          }
          double seconds = secondsBefore + (System.nanoTime() - t0) / 1e9;
          if (step % s.logEvery() == 0) {
            progress(s, step, losses, start, t0);
          }
          if (step % s.evalEvery() == 0 || step == s.steps()) {
            Evaluation v = Evaluation.of(block, task, data.validation(), trainer.getManager(), s.batch());
            ResultsCsv.append(csv, new ResultsCsv.Row(s.runName(), s.mechanism(), step, "validation",
                meanSince(losses, lastRow), v, seconds, parameters, deviceNames));
            lastRow = step;
            s.out().printf(Locale.ROOT, "  validation at step %d: %s%n", step, v);
          }
          if (step % s.checkpointEvery() == 0 || step == s.steps()) {
            save(ckDir, step, seconds, losses, s, block, adam);
            lastSaved = step;
          }
        }
        double seconds = secondsBefore + (System.nanoTime() - t0) / 1e9;
        if (stopped) {
          if (step > lastSaved) {
            save(ckDir, step, seconds, losses, s, block, adam);
          }
          s.out().printf(Locale.ROOT,
              "Stopped after step %d of %d; checkpoint saved. Continue with the same command and --resume.%n", step,
              s.steps());
          return new Outcome(start, step, List.copyOf(losses), null, true, seconds, parameters, deviceNames);
        }
        Evaluation test = Evaluation.of(block, task, data.test(), trainer.getManager(), s.batch());
        ResultsCsv.append(csv, new ResultsCsv.Row(s.runName(), s.mechanism(), step, "test",
            meanSince(losses, Math.max(0, step - s.evalEvery())), test, seconds, parameters, deviceNames));
        Path params = Checkpoints.save(block, s.outDir().resolve("final.params"));
        s.out().printf(Locale.ROOT, "Done: %d steps, %s of training. Test: %s%nResults: %s%nParameters: %s%n", step,
            duration(seconds), test, csv, params);
        return new Outcome(start, step, List.copyOf(losses), test, false, seconds, parameters, deviceNames);
      }
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void save(Path dir, int step, double seconds, List<Double> losses, Settings s, Block block,
      ResumableAdam adam) {
    long t0 = System.nanoTime();
    Path f = RunCheckpoint.save(dir, step, seconds, losses, s.fingerprint(), block, adam, s.keepCheckpoints());
    s.out().printf(Locale.ROOT, "  checkpoint %s (%.1f s)%n", f.getFileName(), (System.nanoTime() - t0) / 1e9);
  }

  /** The newest readable checkpoint when resuming (null: start fresh); refuses mixing runs and configs. */
  private static RunCheckpoint.Header findResumePoint(Path ckDir, Settings s) {
    List<java.nio.file.Path> files = RunCheckpoint.list(ckDir);
    if (!s.resume()) {
      if (!files.isEmpty()) {
        throw new IllegalStateException(
            s.outDir() + " already holds checkpoints of a run (newest: " + files.get(files.size() - 1).getFileName()
                + "). Add --resume to continue it, or choose another --out folder");
      }
      return null;
    }
    if (files.isEmpty()) {
      s.out().println("No checkpoint in " + ckDir + ": starting from step 0");
      return null;
    }
    for (int i = files.size() - 1; i >= 0; i--) {
      RunCheckpoint.Header h;
      try {
        h = RunCheckpoint.header(files.get(i));
      } catch (UncheckedIOException e) {
        s.out().println("Skipping unreadable checkpoint " + files.get(i) + ": " + e.getMessage());
        continue;
      }
      if (!h.fingerprint().equals(s.fingerprint())) {
        throw new IllegalArgumentException(
            "cannot resume from " + h.file() + ": the config differs from the one the run was started with in "
                + differences(h.fingerprint(), s.fingerprint())
                + ". Resume with the original settings (steps, intervals and the device may change), or start a new"
                + " run in another --out folder");
      }
      if (h.step() > s.steps()) {
        throw new IllegalArgumentException(
            "the checkpoint " + h.file() + " is at step " + h.step() + " but the config asks for " + s.steps()
                + " steps; raise steps to continue the run");
      }
      return h;
    }
    throw new IllegalStateException("no readable checkpoint in " + ckDir + " (see the messages above)");
  }

  /** "model.layers: 12 → 24, ..." for two fingerprints. */
  static String differences(String before, String now) {
    Map<String, String> a = parse(before);
    Map<String, String> b = parse(now);
    List<String> out = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String k : keys) {
      String x = a.getOrDefault(k, "(unset)");
      String y = b.getOrDefault(k, "(unset)");
      if (!x.equals(y)) {
        out.add(k + ": " + x + " then, " + y + " now");
      }
    }
    return String.join("; ", out);
  }

  private static Map<String, String> parse(String fingerprint) {
    Map<String, String> m = new TreeMap<>();
    for (String line : fingerprint.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }

  /** One optimisation step, the batch split across the devices; every array of the step is freed after it. */
  static double step(Trainer trainer, Batch batch, boolean perToken, Device[] devices, int step) {
    int B = batch.size();
    int k = Math.min(devices.length, B);
    try (NDManager scope = trainer.getManager().newSubManager()) {
      try (GradientCollector gc = trainer.newGradientCollector()) {
        double total = 0;
        for (int i = 0; i < k; i++) {
          int from = (int) ((long) i * B / k);
          int to = (int) ((long) (i + 1) * B / k);
          Batch part = k == 1 ? batch : slice(batch, from, to);
          NDManager m = k == 1 ? scope : scope.newSubManager(devices[i]);
          NDList in = part.toNDList(m); // tokens, mask, targets, labels
          NDArray targets = perToken ? in.get(2) : in.get(3);
          NDList out = trainer.forward(new NDList(in.get(0), in.get(1)));
          NDArray loss = trainer.getLoss().evaluate(new NDList(targets), out);
          if (k > 1) {
            // weight by the slice's share of the batch, as an array (no scalar arithmetic on the autograd path)
            loss = loss.mul(m.create((float) (to - from) / B));
          }
          gc.backward(loss);
          total += loss.getFloat();
        }
        if (!Double.isFinite(total)) {
          throw new IllegalStateException(
              "the training loss became " + total + " at step " + step + "; lower the learning rate or check the data");
        }
        trainer.step();
        return total;
      }
    }
  }

  private static Batch slice(Batch b, int from, int to) {
    return new Batch(
        Arrays.copyOfRange(b.tokens(), from, to), Arrays.copyOfRange(b.targets(), from, to),
        Arrays.copyOfRange(b.labels(), from, to), Arrays.copyOfRange(b.lengths(), from, to));
  }

  private static double meanSince(List<Double> losses, int afterStep) {
    double sum = 0;
    int n = 0;
    for (int i = Math.max(0, afterStep); i < losses.size(); i++) {
      sum += losses.get(i);
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static void progress(Settings s, int step, List<Double> losses, int start, long t0) {
    double perStep = (System.nanoTime() - t0) / 1e9 / (step - start);
    s.out().printf(Locale.ROOT, "step %d/%d | loss %.4f (mean of last %d) | %.3f s/step | %s left%n", step, s.steps(),
        meanSince(losses, step - s.logEvery()), Math.min(s.logEvery(), step), perStep,
        duration(perStep * (s.steps() - step)));
  }

  /** 3 h 05 m, 4 m 10 s, 12.3 s. */
  static String duration(double seconds) {
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d m %02d s", s / 60, s % 60);
    }
    if (s < 86_400 * 2) {
      return String.format(Locale.ROOT, "%d h %02d m", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%.1f days", seconds / 86_400);
  }
}
