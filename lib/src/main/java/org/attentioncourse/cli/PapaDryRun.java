package org.attentioncourse.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.attentioncourse.encoder.MiniLm;
import org.attentioncourse.papa.ConstantMatrices;
import org.attentioncourse.papa.EncoderProbedModel;
import org.attentioncourse.papa.GateRanking;
import org.attentioncourse.papa.PapaSweep;
import org.attentioncourse.papa.Probe;
import org.attentioncourse.papa.ProbeConfig;
import org.attentioncourse.papa.ProbeExample;
import org.attentioncourse.papa.ProbeTrainer;

/**
 * The dry run of a PAPA config: the plan, and with the data at hand the cost of each part measured on one batch
 * of real training examples at the config's batch and T. Every step of a PAPA run has the same shape (examples
 * are padded to T), so one batch times them all: a forward pass without gradients (the constant matrices, the
 * dev scoring), a gate step (gradients through the encoder to the λs) and a probe step (the encoder frozen).
 */
final class PapaDryRun {

  private PapaDryRun() {}

  /**
   * Prints the plan of a PAPA run and, with the data at hand, times the encoder on one batch of real training
   * examples and estimates the whole run. Writes nothing.
   */
  @SuppressWarnings("try")
  static void run(ExperimentConfig c, Path root, String deviceRequest, int timedSteps, PrintStream out) {
    long wall0 = System.nanoTime();
    ExperimentConfig.Model m = c.model();
    ExperimentConfig.Papa papa = c.papa();
    ExperimentConfig.Training tr = c.training();
    String task = c.task().string("glue_task");
    int totalHeads = m.layers() * m.heads();
    int[] points = PapaSweep.points(PapaRun.fractions(papa), new int[0], totalHeads);
    out.printf(Locale.ROOT, "Dry run of %s%n  config    %s%n", c.file().source(), c.summary());
    out.printf(Locale.ROOT, "  encoder   %s, pretrained and frozen: %d layers × %d heads = %d heads, width %d,"
        + " T = %d tokens ([CLS] and [SEP] included)%n", m.encoder(), m.layers(), m.heads(), totalHeads, m.width(),
        m.maxLength());
    out.printf(Locale.ROOT, "  sweep     static fractions %s → %s of %d heads constant (%d points), scored by %s on"
        + " dev.tsv%n", papa.staticFractions(), Arrays.toString(points), totalHeads, points.length,
        PapaRun.metric(task).label());
    out.printf(Locale.ROOT, "  training  gates %d epochs at lr %s; probe %d epochs at lr %s at every point; batch %d,"
        + " seed %d%n", papa.gateEpochs(), papa.gateLr(), papa.probeEpochs(), papa.probeLr(), tr.batch(), tr.seed());
    String missing = TaskSetup.missingData(c.task(), root);
    if (missing != null) {
      out.println("  data      " + missing);
      out.println("  steps     need the data: ceil(epochs × training examples / batch " + tr.batch() + ") each for the"
          + " gates and for every point's probe; run the dry run again with the data for the steps and times");
      out.printf(Locale.ROOT, "  dry run took %.1f s%n", (System.nanoTime() - wall0) / 1e9);
      return;
    }
    PapaRun.Rows rows = PapaRun.read(c, root);
    int n = rows.train().size();
    int gateSteps = PapaRun.steps(papa.gateEpochs(), n, tr.batch());
    int probeSteps = PapaRun.steps(papa.probeEpochs(), n, tr.batch());
    out.printf(Locale.ROOT, "  data      %s from %s; %,d dev rows%n", PapaRun.trainCount(rows, c), rows.trainFile(),
        rows.dev().size());
    out.printf(Locale.ROOT, "  steps     gates ceil(%d × %,d / %d) = %,d; probe ceil(%d × %,d / %d) = %,d per point ×"
        + " %d points%n", papa.gateEpochs(), n, tr.batch(), gateSteps, papa.probeEpochs(), n, tr.batch(), probeSteps,
        points.length);

    Device device = PapaRun.device(deviceRequest);
    try (NDManager manager = NDManager.newBaseManager(device)) {
      long t0 = System.nanoTime();
      EncoderProbedModel probed = EncoderProbedModel.of(MiniLm.load(manager), m.maxLength());
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      int b = Math.min(tr.batch(), n);
      List<ProbeExample> batch = probed.glue(rows.train().subList(0, b));
      ConstantMatrices C = ConstantMatrices.compute(probed, probed.name(), batch, b); // warms libtorch up
      double forward = Double.MAX_VALUE;
      for (int i = 0; i < timedSteps; i++) {
        long f0 = System.nanoTime();
        C = ConstantMatrices.compute(probed, probed.name(), batch, b);
        forward = Math.min(forward, (System.nanoTime() - f0) / 1e9);
      }
      StepTimer gate = new StepTimer();
      GateRanking.train(probed, C, Probe.pooled(), batch, ProbeConfig.defaults().steps(timedSteps + 1).batchSize(b)
          .learningRate(papa.gateLr()).gateLearningRate(papa.gateLr()).seed(tr.seed()).onStep(gate));
      StepTimer probe = new StepTimer();
      try (ProbeTrainer.TrainedProbe p = ProbeTrainer.train(probed, Probe.pooled(), batch, ProbeConfig.defaults()
          .steps(timedSteps + 1).batchSize(b).learningRate(papa.probeLr()).seed(tr.seed()).onStep(probe))) {
        // timed only
      }
      int trainBatches = (n + tr.batch() - 1) / tr.batch();
      int devBatches = (rows.dev().size() + tr.batch() - 1) / tr.batch();
      double constants = trainBatches * forward;
      double gates = gateSteps * gate.fastest();
      double perPoint = probeSteps * probe.fastest() + devBatches * forward;
      out.printf(Locale.ROOT, "  measured  on %s at batch %d, T = %d (encoder loaded in %.1f s; fastest of %d; libtorch"
          + " threads: %s):%n            forward %.3f s/batch (no gradients), gate step %.3f s (through the encoder),"
          + " probe step %.3f s%n", device, b, m.maxLength(), loadSeconds, timedSteps,
          System.getProperty("ai.djl.pytorch.num_threads", "libtorch's default"), forward, gate.fastest(),
          probe.fastest());
      out.printf(Locale.ROOT, "  time      constant matrices %,d batches ≈ %s; gates %,d steps ≈ %s;%n            sweep"
          + " %d points × (%,d probe steps + %,d dev batches) ≈ %d × %s = %s%n            total ≈ %s on this %s%n",
          trainBatches, ResumableRun.duration(constants), gateSteps, ResumableRun.duration(gates), points.length,
          probeSteps, devBatches, points.length, ResumableRun.duration(perPoint),
          ResumableRun.duration(points.length * perPoint),
          ResumableRun.duration(constants + gates + points.length * perPoint), device.isGpu() ? "GPU" : "CPU");
    }
    out.printf(Locale.ROOT, "  dry run took %.1f s%n", (System.nanoTime() - wall0) / 1e9);
  }

  /** The fastest step after the first (which pays for setting up). */
  private static final class StepTimer implements ProbeConfig.StepListener {
    private long last = System.nanoTime();
    private double fastest = Double.MAX_VALUE;

    @Override
    public void stepDone(int step, int steps, double loss) {
      long now = System.nanoTime();
      if (step > 1) {
        fastest = Math.min(fastest, (now - last) / 1e9);
      }
      last = now;
    }

    double fastest() {
      return fastest;
    }
  }
}
