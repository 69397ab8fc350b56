package org.attentioncourse.cosformer;

import org.attentioncourse.attention.AttentionFactory;

/**
 * Factories that plug cosFormer and its ablations into {@code TransformerModel.builder().attention(...)}:
 *
 * <pre>{@code
 * TransformerModel.builder().attention("cosFormer", CosFormers.cosFormer());
 * TransformerModel.builder().attention("ReLU linear", CosFormers.reluLinear());   // no cos re-weighting
 * TransformerModel.builder().attention("softmax", CosFormers.softmax());         // the baseline
 * }</pre>
 */
public final class CosFormers {

  private CosFormers() {}

  /** cosFormer with the default settings ({@link CosFormerConfig#defaults()}). */
  public static AttentionFactory cosFormer() {
    return cosFormer(CosFormerConfig.defaults());
  }

  /** cosFormer with the given settings. */
  public static AttentionFactory cosFormer(CosFormerConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("config must not be null; use CosFormerConfig.defaults()");
    }
    return (dModel, heads, maxLength) -> new CosFormerAttention(dModel, heads, maxLength, config);
  }

  /** ReLU linear attention: cosFormer without the cos re-weighting (the paper's ablation). */
  public static AttentionFactory reluLinear() {
    return cosFormer(CosFormerConfig.reluLinear());
  }

  /** Softmax multi-head attention, the baseline of the comparison (same projections, same parameter count). */
  public static AttentionFactory softmax() {
    return AttentionFactory.softmax();
  }
}
