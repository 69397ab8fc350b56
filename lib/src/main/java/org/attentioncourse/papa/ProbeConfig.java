package org.attentioncourse.papa;

import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.attentioncourse.CourseScale;

/**
 * Settings for training a probe (and gates). Everything has a default; {@code toString()} prints them all.
 *
 * <pre>{@code
 * ProbeConfig cfg = ProbeConfig.defaults().steps(300).learningRate(1e-3);
 * }</pre>
 */
public final class ProbeConfig {

  /** The seed every probe uses unless told otherwise. */
  public static final long DEFAULT_SEED = 42L;

  private int steps = CourseScale.current().pick(150, 600, 2000);
  private int batchSize = 32;
  private double learningRate = 1e-3;
  private double gateLearningRate = Double.NaN; // NaN: the probe's rate
  private long seed = DEFAULT_SEED;
  private int classes = -1;
  private boolean progress = false;
  private BooleanSupplier stop = () -> false;
  private StepListener listener;

  /** Told after every optimisation step, for progress lines of long runs (the command line prints them). */
  @FunctionalInterface
  public interface StepListener {
    /**
     * @param step the step just done, 1-based
     * @param steps all steps of this run
     * @param loss that step's training loss
     */
    void stepDone(int step, int steps, double loss);
  }

  public static ProbeConfig defaults() {
    return new ProbeConfig();
  }

  /** Optimisation steps (default by course scale: 150 / 600 / 2000). */
  public ProbeConfig steps(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("steps must be positive, got " + n);
    }
    steps = n;
    return this;
  }

  /** Examples per step (default 32). */
  public ProbeConfig batchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be positive, got " + n);
    }
    batchSize = n;
    return this;
  }

  /** Adam's learning rate (default 1e-3; the PAPA scripts use 2e-5 for 15 epochs of a GLUE task on BERT). */
  public ProbeConfig learningRate(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
    }
    learningRate = lr;
    return this;
  }

  /**
   * Adam's learning rate for the head gates λ when they are trained with the probe (default: the probe's rate).
   * A probe wants a small rate and a short run of gate training a large one: at rate r Adam moves each λ by about r
   * per step, so in a few dozen steps λ only leaves 0 if r is around 0.05.
   */
  public ProbeConfig gateLearningRate(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("gate learning rate must be a positive number, got " + lr);
    }
    gateLearningRate = lr;
    return this;
  }

  /** Seed of the probe's initial weights and the batch order (default {@link #DEFAULT_SEED}). */
  public ProbeConfig seed(long s) {
    seed = s;
    return this;
  }

  /** Number of classes (default: the largest label or target seen in the training and test data, plus one). */
  public ProbeConfig classes(int n) {
    if (n < 2) {
      throw new IllegalArgumentException("a probe needs at least 2 classes, got " + n);
    }
    classes = n;
    return this;
  }

  /** Show a progress bar while training (default false: sweeps print one line per point). */
  public ProbeConfig progress(boolean show) {
    progress = show;
    return this;
  }

  /**
   * Stops training before the next step once {@code stop} says so, with a {@link
   * java.util.concurrent.CancellationException}, as an interrupt of the thread does (default: never). The command
   * line passes its Ctrl-C flag here: a gate or probe run can take hours, and waiting for its end is no stop.
   */
  public ProbeConfig stopWhen(BooleanSupplier stop) {
    if (stop == null) {
      throw new IllegalArgumentException("the stop condition must not be null");
    }
    this.stop = stop;
    return this;
  }

  /** Calls {@code l} after every step (default: none). */
  public ProbeConfig onStep(StepListener l) {
    listener = l;
    return this;
  }

  /** Whether {@link #stopWhen} asks to stop now. */
  public boolean stopRequested() {
    return stop.getAsBoolean();
  }

  /** The step listener, or null. */
  public StepListener stepListener() {
    return listener;
  }

  /** A copy with the same settings. */
  public ProbeConfig copy() {
    ProbeConfig c = new ProbeConfig();
    c.steps = steps;
    c.batchSize = batchSize;
    c.learningRate = learningRate;
    c.gateLearningRate = gateLearningRate;
    c.seed = seed;
    c.classes = classes;
    c.progress = progress;
    c.stop = stop;
    c.listener = listener;
    return c;
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

  /** The gates' learning rate: {@link #gateLearningRate(double)} if set, else {@link #learningRate()}. */
  public double gateLearningRate() {
    return Double.isNaN(gateLearningRate) ? learningRate : gateLearningRate;
  }

  public long seed() {
    return seed;
  }

  /** -1 when it is to be read from the data. */
  public int classes() {
    return classes;
  }

  public boolean progress() {
    return progress;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "ProbeConfig(steps=%d, batchSize=%d, lr=%g, gate lr=%g, seed=%d, classes=%s)", steps,
        batchSize, learningRate, gateLearningRate(), seed, classes < 0 ? "from data" : Integer.toString(classes));
  }
}
