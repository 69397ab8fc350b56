package org.attentioncourse.data;

/**
 * The token ids every task shares, so that models, masks and charts treat them alike.
 *
 * <p>Ids {@value #PAD}, {@value #SEP} and {@value #BLANK} are reserved in every task; a task's own symbols start
 * at {@value #FIRST_SYMBOL}. Keeping the reserved ids fixed means one padding mask and one "answer here" marker
 * work for all tasks.
 */
public final class Vocab {

  /** Padding after the real tokens; never a target. */
  public static final int PAD = 0;

  /** Separates the input part of a sequence from the part holding the answers. */
  public static final int SEP = 1;

  /** A position whose answer the model must produce. */
  public static final int BLANK = 2;

  /** The first id a task may use for its own symbols. */
  public static final int FIRST_SYMBOL = 3;

  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

  private Vocab() {}

  /** True for {@link #PAD}, {@link #SEP} and {@link #BLANK}. */
  public static boolean isReserved(int id) {
    return id >= 0 && id < FIRST_SYMBOL;
  }

  /** "PAD", "SEP" or "_" for a reserved id. */
  public static String reservedName(int id) {
    return switch (id) {
      case PAD -> "PAD";
      case SEP -> "SEP";
      case BLANK -> "_";
      default -> throw new IllegalArgumentException(
          "token id " + id + " is not reserved (reserved ids are 0 .. " + (FIRST_SYMBOL - 1) + ")");
    };
  }

  /** A short chart label for the {@code index}-th symbol of an alphabet: 0..9, then a..z, then s36, s37, .... */
  static String symbolName(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("symbol index must be >= 0, got " + index);
    }
    if (index < 10) {
      return Integer.toString(index);
    }
    if (index < 10 + LETTERS.length()) {
      return String.valueOf(LETTERS.charAt(index - 10));
    }
    return "s" + index;
  }

  /** The {@code index}-th letter a..z; used where symbols read better as letters (keys in recall). */
  static String letter(int index) {
    if (index < 0 || index >= LETTERS.length()) {
      throw new IllegalArgumentException("letter index must be in 0 .. 25, got " + index);
    }
    return String.valueOf(LETTERS.charAt(index));
  }

  /** Fails unless {@code 0 <= id < vocabSize}; shared by every task's {@code tokenName}. */
  static void checkId(String task, int id, int vocabSize) {
    if (id < 0 || id >= vocabSize) {
      throw new IllegalArgumentException(
          task + ": token id " + id + " is outside the vocabulary 0 .. " + (vocabSize - 1));
    }
  }
}
