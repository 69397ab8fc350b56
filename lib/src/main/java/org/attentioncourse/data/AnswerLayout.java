package org.attentioncourse.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The layout Copy, Reverse and Sort share: {@code x1 .. xn SEP BLANK×n}, answers at the n BLANK positions.
 *
 * <p>One place for it keeps the three tasks identical except for the answer, which is the point of comparing
 * them: Copy and Reverse need positions only, Sort needs contents.
 */
final class AnswerLayout {

  private AnswerLayout() {}

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
