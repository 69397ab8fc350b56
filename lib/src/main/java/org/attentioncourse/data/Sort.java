package org.attentioncourse.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Sort n symbols: {@code x1 .. xn SEP BLANK×n}, and the BLANKs must become the x's in ascending order of id.
 *
 * <p>Example with n=3: tokens {@code 5 3 7 SEP _ _ _}, targets at the three BLANKs {@code 3 5 7}, IGNORE
 * elsewhere; T = 2n+1, no padding. Where the i-th smallest symbol sits depends on the values, so no fixed
 * attention pattern solves it ({@link #positionOnly()} is false): the model has to compare contents. Ties keep
 * their count: {@code 3 3 1} sorts to {@code 1 3 3}.
 */
public final class Sort implements Task {

  /** Default number of symbols to sort. */
  public static final int DEFAULT_N = 8;

  /** Default alphabet size (symbols shown as digits 0..9). */
  public static final int DEFAULT_ALPHABET = 10;

  private final int n;
  private final int alphabet;

  private Sort(int n, int alphabet) {
    AnswerLayout.check("sort", n, alphabet);
    this.n = n;
    this.alphabet = alphabet;
  }

  /** Sort of {@code n} symbols drawn uniformly from {@code alphabet} symbols. */
  public static Sort of(int n, int alphabet) {
    return new Sort(n, alphabet);
  }

  /** n = {@value #DEFAULT_N}, alphabet = {@value #DEFAULT_ALPHABET}. */
  public static Sort defaults() {
    return new Sort(DEFAULT_N, DEFAULT_ALPHABET);
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
    return "sort";
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
    return false;
  }

  @Override
  public Example generate(RandomGenerator rng) {
    int[] xs = AnswerLayout.draw(rng, n, alphabet);
    int[] sorted = xs.clone();
    Arrays.sort(sorted);
    return AnswerLayout.example(xs, sorted);
  }

  @Override
  public String tokenName(int id) {
    return AnswerLayout.tokenName(name(), id, vocabSize());
  }

  @Override
  public String describe() {
    return "sort: " + n + " symbols from an alphabet of " + alphabet + ", then SEP and " + n
        + " blanks to fill with them in ascending order; T=" + length() + "; content-based";
  }

  @Override
  public String toString() {
    return "Sort(n=" + n + ", alphabet=" + alphabet + ")";
  }
}
