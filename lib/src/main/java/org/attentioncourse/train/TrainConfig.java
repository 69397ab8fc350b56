package org.attentioncourse.train;

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

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "TrainConfig(steps=%d, batchSize=%d, lr=%g, seed=%d, device=%s, evalEvery=%d, checkpoints=%s)",
        steps, batchSize, learningRate, seed, device == null ? "default" : device, evalEvery,
        checkpointDir == null ? "none" : checkpointDir + (checkpointEvery > 0 ? " every " + checkpointEvery : " at end"));
  }
}
