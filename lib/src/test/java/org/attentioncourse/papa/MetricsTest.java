package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MetricsTest {

  /** Binary: TP 6, FN 2, FP 1, TN 3 → (6·3 − 1·2) / √(7·8·4·5) = 16 / √1120. */
  @Test
  void matthewsOfAHandMadeBinaryConfusionMatrix() {
    long[][] cm = {{3, 1}, {2, 6}}; // rows: truth 0, 1; columns: predicted 0, 1
    assertEquals(16 / Math.sqrt(1120), Metrics.matthews(cm), 1e-12);
  }

  /**
   * Three classes, rows truth, columns prediction: {{5,1,0},{2,3,1},{0,1,4}}. s = 17, c = 12, t = (6,6,5),
   * p = (7,5,5): MCC = (12·17 − (7·6 + 5·6 + 5·5)) / √((289 − 99)(289 − 97)) = 107 / √36480.
   */
  @Test
  void matthewsOfAHandMadeThreeClassMatrix() {
    long[][] cm = {{5, 1, 0}, {2, 3, 1}, {0, 1, 4}};
    assertEquals(107 / Math.sqrt(36480), Metrics.matthews(cm), 1e-12);
  }

  @Test
  void matthewsIsZeroWhenOnlyOneClassIsPredicted() {
    assertEquals(0.0, Metrics.matthews(new long[][] {{4, 0}, {3, 0}}), 0.0);
  }

  /** The same binary case as predictions: accuracy 9/12, macro F1 = (F1₀ + F1₁)/2 with F1₀ = 6/9, F1₁ = 12/15. */
  @Test
  void metricsFromPredictionsAgreeWithTheHandCount() {
    int[] truth = new int[12];
    int[] pred = new int[12];
    int k = 0;
    for (int[] pair : new int[][] {{0, 0, 3}, {0, 1, 1}, {1, 0, 2}, {1, 1, 6}}) {
      for (int r = 0; r < pair[2]; r++, k++) {
        truth[k] = pair[0];
        pred[k] = pair[1];
      }
    }
    Metrics m = Metrics.of(truth, pred);
    assertEquals(12, m.n());
    assertEquals(9 / 12.0, m.accuracy(), 1e-12);
    assertEquals((6 / 9.0 + 12 / 15.0) / 2, m.macroF1(), 1e-12);
    assertEquals(16 / Math.sqrt(1120), m.matthews(), 1e-12);
    assertEquals(m.matthews(), m.get(Metric.MATTHEWS), 0.0);
  }

  @Test
  void mismatchedLengthsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Metrics.of(new int[] {1, 0}, new int[] {1}));
  }
}
