package org.attentioncourse.data;

import java.util.random.RandomGenerator;

/**
 * Reverse n symbols: {@code x1 .. xn SEP BLANK×n}, and the BLANKs must become {@code xn .. x1}.
 *
 * <p>Example with n=3: tokens {@code 5 3 7 SEP _ _ _}, targets at the three BLANKs {@code 7 3 5}, IGNORE
 * elsewhere; T = 2n+1, no padding. Answer position n+1+i always reads input position n-1-i, so a fixed attention
 * pattern solves it ({@link #positionOnly()} is true).
 */
public final class Reverse implements Task {

  /** Default number of symbols to reverse. */
  public static final int DEFAULT_N = 8;

  /** Default alphabet size (symbols shown as digits 0..9). */
  public static final int DEFAULT_ALPHABET = 10;

  private final int n;
  private final int alphabet;

  private Reverse(int n, int alphabet) {
    AnswerLayout.check("reverse", n, alphabet);
    this.n = n;
    this.alphabet = alphabet;
  }

  /** Reversal of {@code n} symbols drawn uniformly from {@code alphabet} symbols. */
  public static Reverse of(int n, int alphabet) {
    return new Reverse(n, alphabet);
  }

  /** n = {@value #DEFAULT_N}, alphabet = {@value #DEFAULT_ALPHABET}. */
  public static Reverse defaults() {
    return new Reverse(DEFAULT_N, DEFAULT_ALPHABET);
  }

  /** Number of symbols per example. */
  public int n() {
    return n;
  }

  /** Alphabet size. */
  public int alphabet() {
    return alphabet;
  }

  @Override
  public String name() {
    return "reverse";
  }

  @Override
  public Kind kind() {
    return Kind.SEQUENCE;
  }

  @Override
  public int length() {
    return 2 * n + 1;
  }

  @Override
  public int vocabSize() {
    return Vocab.FIRST_SYMBOL + alphabet;
  }

  @Override
  public int numClasses() {
    return vocabSize();
  }

  @Override
  public boolean positionOnly() {
    return true;
  }

  @Override
  public Example generate(RandomGenerator rng) {
    int[] xs = AnswerLayout.draw(rng, n, alphabet);
    int[] reversed = new int[n];
    for (int i = 0; i < n; i++) {
      reversed[i] = xs[n - 1 - i];
    }
    return AnswerLayout.example(xs, reversed);
  }

  @Override
  public String tokenName(int id) {
    return AnswerLayout.tokenName(name(), id, vocabSize());
  }

  @Override
  public String describe() {
    return "reverse: " + n + " symbols from an alphabet of " + alphabet + ", then SEP and " + n
        + " blanks to fill with them in reverse order; T=" + length() + "; position-only";
  }

  @Override
  public String toString() {
    return "Reverse(n=" + n + ", alphabet=" + alphabet + ")";
  }
}
