package org.attentioncourse.attention;

/** Makes the attention mechanism of one layer; how models are told which mechanism to use. */
@FunctionalInterface
public interface AttentionFactory {

  /**
   * @param dModel width D of the model
   * @param heads number of heads requested (a mechanism without heads may ignore it)
   * @param maxLength longest sequence the model will see (mechanisms with per-position parameters need it)
   */
  AttentionMechanism create(int dModel, int heads, int maxLength);

  /** Softmax multi-head attention, the baseline. */
  static AttentionFactory softmax() {
    return (dModel, heads, maxLength) -> new MultiHeadAttention(dModel, heads);
  }
}
