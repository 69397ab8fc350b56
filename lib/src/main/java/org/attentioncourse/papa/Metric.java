package org.attentioncourse.papa;

/** Which number a probe is scored by. */
public enum Metric {
  /** Fraction right (per token for token tasks). */
  ACCURACY("accuracy"),
  /** F1 averaged over the classes that occur. */
  MACRO_F1("macro F1"),
  /** Matthews correlation, GLUE's metric for acceptability (CoLA). */
  MATTHEWS("Matthews correlation");

  private final String label;

  Metric(String label) {
    this.label = label;
  }

  /** A readable name. */
  public String label() {
    return label;
  }
}
