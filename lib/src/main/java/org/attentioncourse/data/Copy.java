package org.attentioncourse.data;

/**
 * Copy n symbols: {@code x1 .. xn SEP BLANK×n}, and the BLANKs must become {@code x1 .. xn}.
 *
 * <p>Example with n=3: tokens {@code 5 3 7 SEP _ _ _}, targets at the three BLANKs {@code 5 3 7}, IGNORE
 * elsewhere; T = 2n+1, no padding. Answer position n+1+i always reads input position i, so a fixed attention
 * pattern solves it ({@link #positionOnly()} is true).
 */
public final class Copy extends AnswerLayout {

  private Copy(int n, int alphabet) {
    super(n, alphabet);
  }

  /** Copy of {@code n} symbols drawn uniformly from {@code alphabet} symbols. */
  public static Copy of(int n, int alphabet) {
    return new Copy(n, alphabet);
  }

  /** n = {@value AnswerLayout#DEFAULT_N}, alphabet = {@value AnswerLayout#DEFAULT_ALPHABET}. */
  public static Copy defaults() {
    return new Copy(DEFAULT_N, DEFAULT_ALPHABET);
  }

  @Override
  public String name() {
    return "copy";
  }

  @Override
  public boolean positionOnly() {
    return true;
  }

  @Override
  int[] answers(int[] xs) {
    return xs.clone();
  }

  @Override
  String fillRule() {
    return "the same symbols";
  }
}
