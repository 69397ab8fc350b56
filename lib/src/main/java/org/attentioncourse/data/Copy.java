package org.attentioncourse.data;

import java.util.random.RandomGenerator;

/**
 * Copy n symbols: {@code x1 .. xn SEP BLANK×n}, and the BLANKs must become {@code x1 .. xn}.
 *
 * <p>Example with n=3: tokens {@code 5 3 7 SEP _ _ _}, targets at the three BLANKs {@code 5 3 7}, IGNORE
 * elsewhere; T = 2n+1, no padding. Answer position n+1+i always reads input position i, so a fixed attention
 * pattern solves it ({@link #positionOnly()} is true).
 */
public final class Copy implements Task {

  /** Default number of symbols to copy. */
  public static final int DEFAULT_N = 8;

  /** Default alphabet size (symbols shown as digits 0..9). */
  public static final int DEFAULT_ALPHABET = 10;

  private final int n;
  private final int alphabet;

  private Copy(int n, int alphabet) {
    AnswerLayout.check("copy", n, alphabet);
    this.n = n;
    this.alphabet = alphabet;
  }

  /** Copy of {@code n} symbols drawn uniformly from {@code alphabet} symbols. */
  public static Copy of(int n, int alphabet) {
    return new Copy(n, alphabet);
  }

  /** n = {@value #DEFAULT_N}, alphabet = {@value #DEFAULT_ALPHABET}. */
  public static Copy defaults() {
    return new Copy(DEFAULT_N, DEFAULT_ALPHABET);
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
    return "copy";
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
    return AnswerLayout.example(xs, xs);
  }

  @Override
  public String tokenName(int id) {
    return AnswerLayout.tokenName(name(), id, vocabSize());
  }

  @Override
  public String describe() {
    return "copy: " + n + " symbols from an alphabet of " + alphabet + ", then SEP and " + n
        + " blanks to fill with the same symbols; T=" + length() + "; position-only";
  }

  @Override
  public String toString() {
    return "Copy(n=" + n + ", alphabet=" + alphabet + ")";
  }
}
