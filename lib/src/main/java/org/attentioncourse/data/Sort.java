package org.attentioncourse.data;

import java.util.Arrays;
/**
 * Sort n symbols: {@code x1 .. xn SEP BLANK×n}, and the BLANKs must become the x's in ascending order of id.
 *
 * <p>Example with n=3: tokens {@code 5 3 7 SEP _ _ _}, targets at the three BLANKs {@code 3 5 7}, IGNORE
 * elsewhere; T = 2n+1, no padding. Where the i-th smallest symbol sits depends on the values, so no fixed
 * attention pattern solves it ({@link #positionOnly()} is false): the model has to compare contents. Ties keep
 * their count: {@code 3 3 1} sorts to {@code 1 3 3}.
 */
public final class Sort extends AnswerLayout {

  private Sort(int n, int alphabet) {
    super(n, alphabet);
  }

  /** Sort of {@code n} symbols drawn uniformly from {@code alphabet} symbols. */
  public static Sort of(int n, int alphabet) {
    return new Sort(n, alphabet);
  }

  /** n = {@value AnswerLayout#DEFAULT_N}, alphabet = {@value AnswerLayout#DEFAULT_ALPHABET}. */
  public static Sort defaults() {
    return new Sort(DEFAULT_N, DEFAULT_ALPHABET);
  }

  @Override
  public String name() {
    return "sort";
  }

  @Override
  public boolean positionOnly() {
    return false;
  }

  @Override
  int[] answers(int[] xs) {
    int[] sorted = xs.clone();
    Arrays.sort(sorted);
    return sorted;
  }

  @Override
  String fillRule() {
    return "them in ascending order";
  }
}
