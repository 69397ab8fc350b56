package org.attentioncourse.aft;

import org.attentioncourse.attention.AttentionFactory;

/**
 * Factories that plug each AFT variant into {@code TransformerModel.builder().attention(name, factory)}:
 *
 * <pre>{@code
 * TransformerModel.builder().attention("AFT-local", Afts.local(32)) ...
 * }</pre>
 *
 * The model's maximum length sizes the position bias of AFT-full and AFT-local; the model's number of heads is
 * AFT-conv's h unless given. AFT-full and AFT-simple ignore the heads (AFT has one "head" per channel).
 */
public final class Afts {

  /** The paper's window for Enwik8 (Table 5: the best test bpc at s = 32). */
  public static final int DEFAULT_WINDOW = 32;

  /** AFT-conv's kernel size in the paper's ImageNet models (Table 7). */
  public static final int DEFAULT_KERNEL = 11;

  private Afts() {}

  /** AFT-full with a full l×l bias matrix (l² parameters), initialised to 0. */
  public static AttentionFactory full() {
    return (d, h, l) -> new AftFull(d, l, PositionBias.full(l));
  }

  /** AFT-full with w = u vᵀ, u, v ∈ ℝ^{l×d′} (2·l·d′ parameters), as in the paper (d′ = 64 to 256 there). */
  public static AttentionFactory fullFactorized(int dPrime) {
    return (d, h, l) -> new AftFull(d, l, PositionBias.factorized(l, dPrime));
  }

  /** AFT-simple: no position bias. */
  public static AttentionFactory simple() {
    return (d, h, l) -> new AftSimple(d, l);
  }

  /** AFT-local with window s (the bias applies where |t − t'| &lt; s) and a full l×l bias matrix. */
  public static AttentionFactory local(int s) {
    return (d, h, l) -> new AftLocal(d, l, s, PositionBias.full(l));
  }

  /** AFT-local with window s and w = u vᵀ, u, v ∈ ℝ^{l×d′}. */
  public static AttentionFactory localFactorized(int s, int dPrime) {
    return (d, h, l) -> new AftLocal(d, l, s, PositionBias.factorized(l, dPrime));
  }

  /** AFT-conv with the model's number of heads and kernel size s. */
  public static AttentionFactory conv(int s) {
    return (d, h, l) -> new AftConv(d, h, s, l);
  }

  /** AFT-conv with its own number of heads (h = D gives one kernel per channel, the paper's best ImageNet model). */
  public static AttentionFactory conv(int heads, int s) {
    return (d, h, l) -> new AftConv(d, heads, s, l);
  }
}
