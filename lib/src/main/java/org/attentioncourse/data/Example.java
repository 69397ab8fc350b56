package org.attentioncourse.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * One training example in the layout every task shares.
 *
 * <ul>
 *   <li>{@code tokens}: T ids, the first {@code length} real, the rest {@link Vocab#PAD}.
 *   <li>{@code targets}: T ids, the token to predict at each position, or {@link #IGNORE} where there is nothing
 *       to predict (always in the padding). All {@link #IGNORE} for classification tasks.
 *   <li>{@code label}: the class for classification tasks, -1 otherwise.
 *   <li>{@code length}: how many tokens are real, so masks need not search for padding.
 * </ul>
 *
 * <p>For example Reverse with n=3: tokens {@code 5 3 7 SEP _ _ _}, targets {@code - - - - 7 3 5} (- is {@link
 * #IGNORE}), label -1, length 7.
 *
 * <p>The arrays are copied in, so a generator may reuse its buffers; the accessors hand out the stored arrays
 * without copying (training loops read them a lot), so treat them as read-only. Equality compares contents.
 */
public record Example(int[] tokens, int[] targets, int label, int length) {

  /** Target value meaning "no prediction here"; the same convention as PyTorch's ignore_index. */
  public static final int IGNORE = -1;

  /** Checks the layout rules; every message names the offending value. */
  public Example {
    if (tokens == null || targets == null) {
      throw new IllegalArgumentException("tokens and targets must not be null");
    }
    int t = tokens.length;
    if (targets.length != t) {
      throw new IllegalArgumentException(
          "tokens has length " + t + " but targets has length " + targets.length + "; they must be equal");
    }
    if (length <= 0 || length > t) {
      throw new IllegalArgumentException("length is " + length + " but must be in 1 .. " + t + " (T)");
    }
    if (label < -1) {
      throw new IllegalArgumentException("label is " + label + " but must be >= 0, or -1 for no label");
    }
    for (int i = 0; i < t; i++) {
      boolean real = i < length;
      if (tokens[i] < 0) {
        throw new IllegalArgumentException("token " + tokens[i] + " at position " + i + " is negative");
      }
      if (real && tokens[i] == Vocab.PAD) {
        throw new IllegalArgumentException(
            "PAD at position " + i + " but length is " + length + "; padding may only follow the real tokens");
      }
      if (!real && tokens[i] != Vocab.PAD) {
        throw new IllegalArgumentException(
            "token " + tokens[i] + " at position " + i + " is past length " + length + " and must be PAD");
      }
      if (targets[i] < IGNORE) {
        throw new IllegalArgumentException(
            "target " + targets[i] + " at position " + i + " must be >= 0 or IGNORE (" + IGNORE + ")");
      }
      if (!real && targets[i] != IGNORE) {
        throw new IllegalArgumentException(
            "target " + targets[i] + " at padding position " + i + " must be IGNORE (" + IGNORE + ")");
      }
    }
    tokens = tokens.clone();
    targets = targets.clone();
  }

  /** T, the padded length. */
  public int size() {
    return tokens.length;
  }

  /** Positions that have a target, in order. */
  public int[] targetPositions() {
    return IntStream.range(0, targets.length).filter(i -> targets[i] != IGNORE).toArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Example e
        && label == e.label
        && length == e.length
        && Arrays.equals(tokens, e.tokens)
        && Arrays.equals(targets, e.targets);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(tokens), Arrays.hashCode(targets), label, length);
  }

  @Override
  public String toString() {
    return "Example[tokens="
        + Arrays.toString(tokens)
        + ", targets="
        + Arrays.toString(targets)
        + ", label="
        + label
        + ", length="
        + length
        + "]";
  }
}
