package org.attentioncourse.train;

import ai.djl.training.tracker.Tracker;
import java.nio.file.Path;
import java.util.Locale;
import org.attentioncourse.CourseScale;

/**
 * Settings of a training run. Everything has a default; {@code toString()} prints them all, and the training
 * loop prints that line before it starts.
 */
public final class TrainConfig {

  /** The seed every run uses unless told otherwise: runs are reproducible by default. */
  public static final long DEFAULT_SEED = 42L;

  /** The longest default warm-up, in steps. */
  public static final int MAX_DEFAULT_WARMUP = 100;

  private int steps = CourseScale.current().pick(300, 1500, 6000);
  private int batchSize = 32;
  private double learningRate = 1e-3;
  private long seed = DEFAULT_SEED;
  private String device = null;
  private int evalEvery = 100;
  private Path checkpointDir;
  private int checkpointEvery = 0;
  private boolean progress = true;
  private boolean quiet = false;
  private StepListener listener;
  private int warmupSteps = -1; // -1: 5 % of the steps, at most MAX_DEFAULT_WARMUP
  private double decayTo = 0.1;
  private boolean constantRate = false;
  private boolean keepBest = true;

  /** Called after every optimisation step (for logging or inspection). */
  @FunctionalInterface
  public interface StepListener {
    void afterStep(int step, double loss, ai.djl.training.Trainer trainer);
  }

  public static TrainConfig defaults() {
    return new TrainConfig();
  }

  /** Optimisation steps (default by course scale: 300 / 1500 / 6000). */
  public TrainConfig steps(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("steps must be positive, got " + n);
    }
    steps = n;
    return this;
  }

  /** Examples per step (default 32). */
  public TrainConfig batchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be positive, got " + n);
    }
    batchSize = n;
    return this;
  }

  /** Adam's learning rate (default 1e-3). */
  public TrainConfig learningRate(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
    }
    learningRate = lr;
    return this;
  }

  /**
   * Steps of linear warm-up from 0 to the learning rate (default: 5 % of the steps, at least 1 and at most {@value
   * #MAX_DEFAULT_WARMUP}, so that a run asked for a million steps and stopped early has still learned). Adam's first
   * steps use moment estimates from a handful of batches; a full-size step then can throw the weights far off.
   */
  public TrainConfig warmupSteps(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("warm-up steps must be ≥ 0, got " + n);
    }
    warmupSteps = n;
    constantRate = false;
    return this;
  }

  /**
   * After the warm-up the rate falls along half a cosine to {@code fraction} × the learning rate at the last step
   * (default 0.1): small steps at the end, where a constant rate can make the loss spike just before training stops.
   */
  public TrainConfig decayTo(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("the final fraction of the learning rate must be in [0, 1], got " + fraction);
    }
    decayTo = fraction;
    constantRate = false;
    return this;
  }

  /** The same learning rate at every step: no warm-up, no decay (the schedule is on by default). */
  public TrainConfig constantLearningRate() {
    constantRate = true;
    return this;
  }

  /**
   * Whether the model that {@link Training#run} returns (and tests) has the parameters of the best validation check
   * (default true: the lowest validation bits per token where the task has them, else the highest accuracy) or
   * those of the last step. A run then cannot end on a spike of the loss.
   */
  public TrainConfig keepBest(boolean keep) {
    keepBest = keep;
    return this;
  }

  /** Seed of initialisation and batch order (default {@link #DEFAULT_SEED}). */
  public TrainConfig seed(long s) {
    seed = s;
    return this;
  }

  /** {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} (default: {@link Devices#choose()}). */
  public TrainConfig device(String request) {
    device = request;
    return this;
  }

  /** Evaluate on the validation split every n steps (default 100; the last step always). */
  public TrainConfig evalEvery(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("evalEvery must be positive, got " + n);
    }
    evalEvery = n;
    return this;
  }

  /** Save the parameters to {@code dir} every n steps and at the end (atomically). n = 0: only at the end. */
  public TrainConfig checkpoints(Path dir, int everyNSteps) {
    if (everyNSteps < 0) {
      throw new IllegalArgumentException("checkpoint interval must be ≥ 0, got " + everyNSteps);
    }
    checkpointDir = dir;
    checkpointEvery = everyNSteps;
    return this;
  }

  /** Show a progress bar (default true). */
  public TrainConfig progress(boolean show) {
    progress = show;
    return this;
  }

  /**
   * Print nothing (default false: the loop prints the model, the config and a summary line). For callers that run
   * many short trainings and report the results themselves, such as the showdown.
   */
  public TrainConfig quiet(boolean q) {
    quiet = q;
    return this;
  }

  /** A callback after every step. */
  public TrainConfig listener(StepListener l) {
    listener = l;
    return this;
  }

  public int steps() {
    return steps;
  }

  public int batchSize() {
    return batchSize;
  }

  public double learningRate() {
    return learningRate;
  }

  public long seed() {
    return seed;
  }

  public String device() {
    return device;
  }

  public int evalEvery() {
    return evalEvery;
  }

  public Path checkpointDir() {
    return checkpointDir;
  }

  public int checkpointEvery() {
    return checkpointEvery;
  }

  public boolean progress() {
    return progress;
  }

  public boolean quiet() {
    return quiet;
  }

  public StepListener listener() {
    return listener;
  }

  public boolean keepBest() {
    return keepBest;
  }

  /** Warm-up steps of this run (0 with a constant rate). */
  public int warmup() {
    return constantRate ? 0
        : warmupSteps >= 0 ? Math.min(warmupSteps, steps)
        : Math.min(MAX_DEFAULT_WARMUP, Math.max(1, steps / 20));
  }

  /**
   * Adam's learning-rate tracker for this run, DJL's own warm-up and cosine trackers: the rate at update n (1-based)
   * is {@code schedule().getNewValue(n)}. {@link #learningRateAt} reads the same tracker.
   */
  public Tracker schedule() {
    float lr = (float) learningRate;
    if (constantRate) {
      return Tracker.fixed(lr);
    }
    int w = warmup();
    Tracker decay = Tracker.cosine().setBaseValue(lr).optFinalValue((float) (lr * decayTo))
        .setMaxUpdates(Math.max(1, steps - w)).build();
    return w == 0 ? decay : Tracker.warmUp().optWarmUpSteps(w).optWarmUpBeginValue(0f).setMainTracker(decay).build();
  }

  /** The learning rate of step {@code step} (1-based), for a chart of the schedule. */
  public double learningRateAt(int step) {
    return schedule().getNewValue(step);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "TrainConfig(steps=%d, batchSize=%d, lr=%g %s, seed=%d, device=%s, evalEvery=%d, keep=%s, checkpoints=%s)",
        steps, batchSize, learningRate,
        constantRate ? "constant" : String.format(Locale.ROOT, "(warm-up %d, cosine to ×%s)", warmup(), decayTo),
        seed, device == null ? "default" : device, evalEvery, keepBest ? "best validation" : "last step",
        checkpointDir == null ? "none" : checkpointDir + (checkpointEvery > 0 ? " every " + checkpointEvery : " at end"));
  }
}
