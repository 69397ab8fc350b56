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
 * @param test evaluation on the test split after the last step
 * @param seconds wall-clock time of the training loop (evaluation included)
 * @param model the DJL model holding the trained parameters; {@link #close()} frees them
 */
public record TrainResult(
    String name,
    String device,
    long parameters,
    int steps,
    List<Double> losses,
    List<Checkpoint> validation,
    Evaluation test,
    double seconds,
    ai.djl.Model model)
    implements AutoCloseable {

  /** Frees the trained parameters (native memory); the block cannot be used afterwards. */
  @Override
  public void close() {
    model.close();
  }

  /** A validation check. */
  public record Checkpoint(int step, Evaluation evaluation) {}

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

  /** Validation accuracy against step, one row per check. */
  public Table validationTable() {
    IntColumn step = IntColumn.create("step");
    DoubleColumn acc = DoubleColumn.create("accuracy");
    DoubleColumn seq = DoubleColumn.create("sequence accuracy");
    for (Checkpoint c : validation) {
      step.append(c.step());
      acc.append(c.evaluation().accuracy());
      seq.append(c.evaluation().sequenceAccuracy());
    }
    return Table.create("Validation: " + name, step, acc, seq);
  }
}
