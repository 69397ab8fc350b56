package org.attentioncourse.train;

import java.util.List;
import org.attentioncourse.display.Charts;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * What a training run produced: the loss at every step, validation checks along the way, the final test
 * evaluation, and what it cost.
 *
 * @param name the model's description
 * @param device where it ran ({@code cpu()}, {@code gpu(0)})
 * @param parameters number of trainable numbers
 * @param steps steps completed
 * @param losses training loss after each step
 * @param validation (step, evaluation) pairs
 * @param keptStep the step whose parameters the model holds: the best validation check (the last step unless a
 *     later check was worse), or the last step with {@code keepBest(false)}
 * @param test evaluation on the test split of the kept parameters
 * @param seconds wall-clock time of the training loop (evaluation included)
 * @param peakMemoryMb how far the process's resident memory rose above its level at the start of training, at its
 *     highest (MB): what the run's arrays, gradients and optimiser state cost in host memory. NaN where Linux's
 *     /proc is not readable; it does not see GPU memory. Small runs may read low, because memory freed earlier in
 *     the process is reused without being counted again.
 * @param model the DJL model holding the trained parameters; {@link #close()} frees them
 */
public record TrainResult(
    String name,
    String device,
    long parameters,
    int steps,
    List<Double> losses,
    List<Checkpoint> validation,
    int keptStep,
    Evaluation test,
    double seconds,
    double peakMemoryMb,
    ai.djl.Model model)
    implements AutoCloseable {

  /** Frees the trained parameters (native memory); the block cannot be used afterwards. */
  @Override
  public void close() {
    model.close();
  }

  /** A validation check. */
  public record Checkpoint(int step, Evaluation evaluation) {
    /** Validation bits per token at this step (bits per character for a character model); NaN if none. */
    public double bitsPerToken() {
      return evaluation.bitsPerToken();
    }
  }

  /** The trained block (for example the {@code TransformerModel} that was passed to {@link Training#run}). */
  public ai.djl.nn.Block block() {
    return model.getBlock();
  }

  /** The loss after step {@code n} (1-based). */
  public double lossAt(int n) {
    return losses.get(n - 1);
  }

  /** The training loss curve, smoothed over a window of {@code window} steps, with validation accuracy. */
  public XYChart lossChart(String title, int window) {
    double[] x = new double[losses.size()];
    double[] y = new double[losses.size()];
    double running = 0;
    for (int i = 0; i < losses.size(); i++) {
      running += losses.get(i);
      if (i >= window) {
        running -= losses.get(i - window);
      }
      x[i] = i + 1;
      y[i] = running / Math.min(i + 1, window);
    }
    XYChart c = Charts.line(title, "step", "training loss (mean of " + window + " steps)");
    c.addSeries(name, x, y).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    return c;
  }

  /**
   * Validation accuracy against step, one row per check, with a "bits per token" column when the task has
   * per-position targets.
   */
  public Table validationTable() {
    IntColumn step = IntColumn.create("step");
    DoubleColumn acc = DoubleColumn.create("accuracy");
    DoubleColumn seq = DoubleColumn.create("sequence accuracy");
    DoubleColumn bits = DoubleColumn.create("bits per token");
    for (Checkpoint c : validation) {
      step.append(c.step());
      acc.append(c.evaluation().accuracy());
      seq.append(c.evaluation().sequenceAccuracy());
      bits.append(c.bitsPerToken());
    }
    Table t = Table.create("Validation: " + name, step, acc, seq);
    return hasBits() ? t.addColumns(bits) : t;
  }

  /**
   * Validation bits per token against step (bits per character for a character-level model), with a dashed
   * reference line at {@code baseline} (for example the text's unigram entropy; NaN for none). Add other runs'
   * curves with {@code chart.addSeries}.
   */
  public XYChart validationBitsChart(String title, double baseline) {
    if (!hasBits()) {
      throw new IllegalStateException(
          name + ": the validation checks have no bits per token (a classification task, or no checks)");
    }
    double[] x = validation.stream().mapToDouble(Checkpoint::step).toArray();
    double[] y = validation.stream().mapToDouble(Checkpoint::bitsPerToken).toArray();
    XYChart c = Charts.line(title, "step", "validation bits per token");
    c.addSeries(name, x, y);
    if (!Double.isNaN(baseline)) {
      c.addSeries("baseline", new double[] {0, steps}, new double[] {baseline, baseline})
          .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE)
          .setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
    }
    return c;
  }

  private boolean hasBits() {
    return validation.stream().anyMatch(c -> !Double.isNaN(c.bitsPerToken()));
  }
}
