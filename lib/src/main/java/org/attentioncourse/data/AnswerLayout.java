package org.attentioncourse.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The layout Copy, Reverse and Sort share: {@code x1 .. xn SEP BLANK×n}, answers at the n BLANK positions.
 *
 * <p>One place for it keeps the three tasks identical except for the answer, which is the point of comparing
 * them: Copy and Reverse need positions only, Sort needs contents. A subclass says only what the answer is.
 */
public abstract sealed class AnswerLayout implements Task permits Copy, Reverse, Sort {

  /** Default number of symbols per example. */
  public static final int DEFAULT_N = 8;

  /** Default alphabet size (symbols shown as digits 0..9). */
  public static final int DEFAULT_ALPHABET = 10;

  private final int n;
  private final int alphabet;

  AnswerLayout(int n, int alphabet) {
    check(name(), n, alphabet);
    this.n = n;
    this.alphabet = alphabet;
  }

  /** The n answers for the n drawn symbols {@code xs}. */
  abstract int[] answers(int[] xs);

  /** How the blanks are filled, for {@link #describe()}: "the same symbols", "them in reverse order", .... */
  abstract String fillRule();

  /** Number of symbols per example. */
  public int n() {
    return n;
  }

  /** Alphabet size. */
  public int alphabet() {
    return alphabet;
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
  public Example generate(RandomGenerator rng) {
    int[] xs = draw(rng, n, alphabet);
    return example(xs, answers(xs));
  }

  @Override
  public String tokenName(int id) {
    return tokenName(name(), id, vocabSize());
  }

  @Override
  public String describe() {
    return name() + ": " + n + " symbols from an alphabet of " + alphabet + ", then SEP and " + n
        + " blanks to fill with " + fillRule() + "; T=" + length() + (positionOnly() ? "; position-only" : "; content-based");
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(n=" + n + ", alphabet=" + alphabet + ")";
  }

  /** Checks n and the alphabet size, naming the task in the message. */
  static void check(String task, int n, int alphabet) {
    if (n < 1) {
      throw new IllegalArgumentException(task + ": n (symbols per example) must be >= 1, got " + n);
    }
    if (alphabet < 1) {
      throw new IllegalArgumentException(task + ": alphabet size must be >= 1, got " + alphabet);
    }
  }

  /** n symbol ids drawn uniformly from the alphabet. */
  static int[] draw(RandomGenerator rng, int n, int alphabet) {
    int[] xs = new int[n];
    for (int i = 0; i < n; i++) {
      xs[i] = Vocab.FIRST_SYMBOL + rng.nextInt(alphabet);
    }
    return xs;
  }

  /** {@code xs SEP BLANK×n} with {@code answers} as the targets of the BLANKs. */
  static Example example(int[] xs, int[] answers) {
    int n = xs.length;
    int[] tokens = new int[2 * n + 1];
    int[] targets = new int[2 * n + 1];
    Arrays.fill(targets, Example.IGNORE);
    System.arraycopy(xs, 0, tokens, 0, n);
    tokens[n] = Vocab.SEP;
    for (int i = 0; i < n; i++) {
      tokens[n + 1 + i] = Vocab.BLANK;
      targets[n + 1 + i] = answers[i];
    }
    return new Example(tokens, targets, -1, tokens.length);
  }

  /** Names reserved ids and symbols 0..9, a..z, .... */
  static String tokenName(String task, int id, int vocabSize) {
    Vocab.checkId(task, id, vocabSize);
    return Vocab.isReserved(id) ? Vocab.reservedName(id) : Vocab.symbolName(id - Vocab.FIRST_SYMBOL);
  }
}
