package org.attentioncourse.cosformer;

import java.util.Objects;

/**
 * How cosFormer chooses M, the horizon of its re-weighting cos(π/2 · (i − j) / M): a distance |i − j| = M would
 * get weight cos(π/2) = 0, so every pair of real tokens keeps a positive weight as long as their distance stays
 * below M.
 *
 * <p>Positions are counted over real tokens only: the real tokens of a sequence get positions 1, 2, 3 … in order
 * (the running sum of the key mask), whatever padding lies before, between or after them. Because the weight
 * depends on i − j only, the offset (1-based, as in the paper and the official code, or 0-based) cancels.
 *
 * <ul>
 *   <li>{@link #realLength()}: M = the number of real tokens of each sequence — the paper's "M = sequence
 *       length", per sequence. Adding padding changes nothing for the real tokens. This is the default for
 *       non-causal attention.
 *   <li>{@link #paddedLength()}: M = T, the padded length of the batch — what the official code does (M = the
 *       longer of source and target length). A real token's output then depends on how much padding its batch
 *       happens to have; kept to reproduce that behaviour.
 *   <li>{@link #fixed(int)} and {@link #maxLength()}: one M for every sequence, given up front (maxLength uses the
 *       model's maximum length). Needed for causal attention and generation: with M tied to the length, the
 *       weights of past tokens would change as the sequence grows, and during training a token's output would
 *       depend on how many tokens follow it. A sequence longer than M is rejected (its weights could turn
 *       negative).
 *   <li>{@link #auto()} (the default of {@link CosFormerConfig}): {@link #realLength()} for non-causal
 *       attention, {@link #maxLength()} for causal attention.
 * </ul>
 *
 * The last two depend on the model's maximum length or on causality, so they are resolved by the attention
 * block ({@link #resolve}); the static forms in {@link CosFormer} need a resolved horizon.
 */
public final class Horizon {

  /** The kinds of horizon; {@link #AUTO} and {@link #MAX_LENGTH} must be resolved before use. */
  public enum Kind {
    AUTO,
    REAL_LENGTH,
    PADDED_LENGTH,
    MAX_LENGTH,
    FIXED
  }

  private static final Horizon AUTO = new Horizon(Kind.AUTO, 0);
  private static final Horizon REAL = new Horizon(Kind.REAL_LENGTH, 0);
  private static final Horizon PADDED = new Horizon(Kind.PADDED_LENGTH, 0);
  private static final Horizon MAX = new Horizon(Kind.MAX_LENGTH, 0);

  private final Kind kind;
  private final int M; // only for FIXED

  private Horizon(Kind kind, int M) {
    this.kind = kind;
    this.M = M;
  }

  /** M = real length for non-causal attention, M = the model's maximum length for causal attention. */
  public static Horizon auto() {
    return AUTO;
  }

  /** M = the number of real (unpadded) tokens of each sequence. */
  public static Horizon realLength() {
    return REAL;
  }

  /** M = T, the padded length of the batch (the official code's choice). */
  public static Horizon paddedLength() {
    return PADDED;
  }

  /** M = the model's maximum length (resolved by the attention block). */
  public static Horizon maxLength() {
    return MAX;
  }

  /** The same M for every sequence; sequences longer than M are rejected. */
  public static Horizon fixed(int M) {
    if (M < 1) {
      throw new IllegalArgumentException("a fixed horizon M must be at least 1, got " + M);
    }
    return new Horizon(Kind.FIXED, M);
  }

  public Kind kind() {
    return kind;
  }

  /** The fixed M; only for {@link Kind#FIXED}. */
  public int value() {
    if (kind != Kind.FIXED) {
      throw new IllegalStateException("horizon " + this + " has no fixed value");
    }
    return M;
  }

  /** Whether the static forms of {@link CosFormer} can use this horizon as it is. */
  public boolean isResolved() {
    return kind != Kind.AUTO && kind != Kind.MAX_LENGTH;
  }

  /** {@link #auto()} and {@link #maxLength()} turned into a concrete horizon; others unchanged. */
  public Horizon resolve(int maxLength, boolean causal) {
    return switch (kind) {
      case AUTO -> causal ? fixed(maxLength) : REAL;
      case MAX_LENGTH -> fixed(maxLength);
      default -> this;
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Horizon h && h.kind == kind && h.M == M;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, M);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case AUTO -> "M=auto";
      case REAL_LENGTH -> "M=real length";
      case PADDED_LENGTH -> "M=padded length";
      case MAX_LENGTH -> "M=max length";
      case FIXED -> "M=" + M;
    };
  }
}
