package org.attentioncourse.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Lookup: n digits, then a pointer naming one of their positions; the answer, at the pointer, is the digit stored
 * there.
 *
 * <p>Layout: {@code d0 d1 .. d(n-1) SEP @k}, T = n+2, no padding. Digits repeat freely and k is uniform in 0..n-1.
 * Only the pointer has a target. Example with n=5: tokens {@code 3 1 4 1 5 SEP @2}, target at {@code @2}: {@code 4}.
 *
 * <p>This is the smallest task on which attention must depend on the input. Which position the answer comes from
 * is written in the pointer token, so the pointer's row of the attention matrix has to change with the pointer:
 * one layer of dot-product attention does it (the pointer's query matches position k's key), a Dense Synthesizer
 * does it (its row is computed from the pointer token). A matrix that ignores the input (a Random Synthesizer)
 * hands the pointer the same blend of the digits for every k; if the blend is order-blind (about equal weights)
 * the best it allows is the most frequent digit (about 0.30 at n = 8). That is not a bound on every fixed
 * routing: unequal fixed weights in several heads, read with the pointer by the feed-forward layer, could in
 * principle keep the digits apart, so whether such a model passes that mark is a matter of training.
 * {@link #positionOnly()} is therefore false, although the answer depends on positions and not on what the digits
 * are: "content" here is the pointer's content.
 *
 * <p>Ids: reserved 0..2, digits from {@link Vocab#FIRST_SYMBOL}, then the n pointers.
 */
public final class Lookup implements Task {

  /** Default number of digits. */
  public static final int DEFAULT_N = 8;

  /** Pointers are shown as {@code @0 .. @(n-1)}; more than this many would make charts unreadable. */
  public static final int MAX_N = 64;

  private static final int DIGITS = 10;

  private final int n;

  private Lookup(int n) {
    if (n < 2 || n > MAX_N) {
      throw new IllegalArgumentException(
          "lookup: n is " + n + " but must be in 2 .. " + MAX_N + " (with one digit there is nothing to choose)");
    }
    this.n = n;
  }

  /** Lookup over {@code n} digits. */
  public static Lookup of(int n) {
    return new Lookup(n);
  }

  /** n = {@value #DEFAULT_N}. */
  public static Lookup defaults() {
    return new Lookup(DEFAULT_N);
  }

  /** Number of digits before the separator. */
  public int n() {
    return n;
  }

  /** The id of digit {@code v} (0..9). */
  public int digitId(int v) {
    return Vocab.FIRST_SYMBOL + v;
  }

  /** The id of the pointer to position {@code k} (0-based). */
  public int pointerId(int k) {
    return Vocab.FIRST_SYMBOL + DIGITS + k;
  }

  /** The position of the pointer, which is also the only position with a target. */
  public int pointerPosition() {
    return n + 1;
  }

  @Override
  public String name() {
    return "lookup";
  }

  @Override
  public Kind kind() {
    return Kind.SEQUENCE;
  }

  @Override
  public int length() {
    return n + 2;
  }

  @Override
  public int vocabSize() {
    return Vocab.FIRST_SYMBOL + DIGITS + n;
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
    int[] tokens = new int[length()];
    int[] targets = new int[length()];
    Arrays.fill(targets, Example.IGNORE);
    for (int i = 0; i < n; i++) {
      tokens[i] = digitId(rng.nextInt(DIGITS));
    }
    int k = rng.nextInt(n);
    tokens[n] = Vocab.SEP;
    tokens[n + 1] = pointerId(k);
    targets[n + 1] = tokens[k];
    return new Example(tokens, targets, -1, tokens.length);
  }

  @Override
  public String tokenName(int id) {
    Vocab.checkId(name(), id, vocabSize());
    if (Vocab.isReserved(id)) {
      return Vocab.reservedName(id);
    }
    int v = id - Vocab.FIRST_SYMBOL;
    return v < DIGITS ? Integer.toString(v) : "@" + (v - DIGITS);
  }

  @Override
  public String describe() {
    return "lookup: " + n + " digits, SEP, and a pointer @k whose answer is the k-th digit; T=" + length()
        + "; the position to read is named by the input";
  }

  @Override
  public String toString() {
    return "Lookup(n=" + n + ")";
  }
}
