package org.attentioncourse.data;

/**
 * Reverse n symbols: {@code x1 .. xn SEP BLANK×n}, and the BLANKs must become {@code xn .. x1}.
 *
 * <p>Example with n=3: tokens {@code 5 3 7 SEP _ _ _}, targets at the three BLANKs {@code 7 3 5}, IGNORE
 * elsewhere; T = 2n+1, no padding. Answer position n+1+i always reads input position n-1-i, so a fixed attention
 * pattern solves it ({@link #positionOnly()} is true).
 */
public final class Reverse extends AnswerLayout {

  private Reverse(int n, int alphabet) {
    super(n, alphabet);
  }

  /** Reverse of {@code n} symbols drawn uniformly from {@code alphabet} symbols. */
  public static Reverse of(int n, int alphabet) {
    return new Reverse(n, alphabet);
  }

  /** n = {@value AnswerLayout#DEFAULT_N}, alphabet = {@value AnswerLayout#DEFAULT_ALPHABET}. */
  public static Reverse defaults() {
    return new Reverse(DEFAULT_N, DEFAULT_ALPHABET);
  }

  @Override
  public String name() {
    return "reverse";
  }

  @Override
  public boolean positionOnly() {
    return true;
  }

  @Override
  int[] answers(int[] xs) {
    int n = xs.length;
    int[] reversed = new int[n];
    for (int i = 0; i < n; i++) {
      reversed[i] = xs[n - 1 - i];
    }
    return reversed;
  }

  @Override
  String fillRule() {
    return "them in reverse order";
  }
}
