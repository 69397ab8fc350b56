package org.attentioncourse.cosformer;

import java.util.Locale;
import java.util.Objects;

/**
 * Settings of cosFormer attention. Immutable: each setter returns a new config, so one config can be shared by
 * the factories of every layer.
 *
 * <pre>{@code
 * CosFormerConfig c = CosFormerConfig.defaults().horizon(Horizon.fixed(512)).chunkSize(128);
 * TransformerModel.builder().attention("cosFormer", CosFormers.cosFormer(c));
 * }</pre>
 *
 * <ul>
 *   <li>{@code reweighting} (default true): the cos re-weighting; false gives plain ReLU linear attention, the
 *       paper's ablation without it.
 *   <li>{@code horizon} (default {@link Horizon#auto()}): how M is chosen; see {@link Horizon}.
 *   <li>{@code chunkSize} (default {@value #DEFAULT_CHUNK}): positions per chunk C of the causal scan. Each chunk
 *       is computed in the quadratic form (C × C), the (2d × d) running sums carry what came before. Cost per
 *       head: O(N·C·d + N·d²) time and O(N·d + d² + C²) memory for the forward pass.
 *   <li>{@code eps} (default {@value #DEFAULT_EPS}, as in the official code): the denominator is clamped to at
 *       least eps, so a query whose ReLU features are all zero gets output 0 instead of 0/0.
 *   <li>{@code form} (default {@link Form#LINEAR}): the linear (right product) form, or the quadratic (left
 *       product) one, O(N²), for teaching and tests. Both compute the same thing.
 * </ul>
 */
public final class CosFormerConfig {

  /**
   * Positions per chunk of the causal scan, unless set. Larger chunks mean fewer, larger operations: on one CPU
   * thread at d = 64, chunks of 256 ran N = 16384 about four times faster than chunks of 64 (per-operation
   * overhead dominates small chunks), while the 256 × 256 block stays at 256 KB.
   */
  public static final int DEFAULT_CHUNK = 256;

  /** Lower clamp of the denominator, unless set (the official code's value). */
  public static final double DEFAULT_EPS = 1e-6;

  /** Which of the two equal forms computes the attention. */
  public enum Form {
    /** φ(Q) (φ(K)ᵀ V): O(N·d²), and a chunked scan when causal. */
    LINEAR,
    /** (φ(Q) φ(K)ᵀ ⊙ cos-weights) V: O(N²·d), the explicit N × N matrix. */
    QUADRATIC
  }

  private static final CosFormerConfig DEFAULTS =
      new CosFormerConfig(true, Horizon.auto(), DEFAULT_CHUNK, DEFAULT_EPS, Form.LINEAR);

  private final boolean reweighting;
  private final Horizon horizon;
  private final int chunkSize;
  private final double eps;
  private final Form form;

  private CosFormerConfig(boolean reweighting, Horizon horizon, int chunkSize, double eps, Form form) {
    this.reweighting = reweighting;
    this.horizon = horizon;
    this.chunkSize = chunkSize;
    this.eps = eps;
    this.form = form;
  }

  /** cos re-weighting, {@link Horizon#auto()}, chunks of {@value #DEFAULT_CHUNK}, eps {@value #DEFAULT_EPS}, linear. */
  public static CosFormerConfig defaults() {
    return DEFAULTS;
  }

  /** The same settings without the cos re-weighting: ReLU linear attention. */
  public static CosFormerConfig reluLinear() {
    return DEFAULTS.reweighting(false);
  }

  public boolean reweighting() {
    return reweighting;
  }

  /** With ({@code true}) or without the cos re-weighting. */
  public CosFormerConfig reweighting(boolean on) {
    return new CosFormerConfig(on, horizon, chunkSize, eps, form);
  }

  public Horizon horizon() {
    return horizon;
  }

  /** How M is chosen. Irrelevant without re-weighting. */
  public CosFormerConfig horizon(Horizon h) {
    return new CosFormerConfig(reweighting, Objects.requireNonNull(h, "horizon"), chunkSize, eps, form);
  }

  public int chunkSize() {
    return chunkSize;
  }

  /** Positions per chunk C of the causal scan (at least 1). */
  public CosFormerConfig chunkSize(int C) {
    if (C < 1) {
      throw new IllegalArgumentException("chunk size must be at least 1, got " + C);
    }
    return new CosFormerConfig(reweighting, horizon, C, eps, form);
  }

  public double eps() {
    return eps;
  }

  /** Lower clamp of the denominator: a positive, finite number. */
  public CosFormerConfig eps(double e) {
    if (!(e > 0) || Double.isInfinite(e)) {
      throw new IllegalArgumentException("eps must be a positive number, got " + e);
    }
    return new CosFormerConfig(reweighting, horizon, chunkSize, e, form);
  }

  public Form form() {
    return form;
  }

  /** Linear (default) or quadratic form. */
  public CosFormerConfig form(Form f) {
    return new CosFormerConfig(reweighting, horizon, chunkSize, eps, Objects.requireNonNull(f, "form"));
  }

  /** This config with its horizon resolved for a model of this maximum length ({@link Horizon#resolve}). */
  public CosFormerConfig resolve(int maxLength, boolean causal) {
    Horizon h = horizon.resolve(maxLength, causal);
    return h.equals(horizon) ? this : horizon(h);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CosFormerConfig c
        && c.reweighting == reweighting
        && c.horizon.equals(horizon)
        && c.chunkSize == chunkSize
        && c.eps == eps
        && c.form == form;
  }

  @Override
  public int hashCode() {
    return Objects.hash(reweighting, horizon, chunkSize, eps, form);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "CosFormerConfig(%s, %s, chunk=%d, eps=%s, %s)",
        reweighting ? "cos re-weighting" : "no re-weighting",
        horizon,
        chunkSize,
        eps,
        form.name().toLowerCase(Locale.ROOT));
  }
}
