package org.attentioncourse.papa;

import java.util.Arrays;

/**
 * Where the tokens of an input sit in PAPA's fixed-length window. A constant matrix is indexed by position, so a
 * position must mean the same thing in every example; two layouts are offered.
 *
 * <p><b>{@link Layout#OFFICIAL}</b> (the default): what the official code's {@code --use_papa_preprocess} does to
 * the tokenizer's output ({@code [CLS] a [SEP]} or {@code [CLS] a [SEP] b [SEP]}, truncated to T): everything
 * before the first {@code [SEP]} stays where it is, cut at T/2; from the first {@code [SEP]} up to the last one
 * (exclusive) moves to start at T/2, cut before T − 1; the last {@code [SEP]} goes to T − 1. A single sentence thus
 * ends with its {@code [SEP]} at T − 1, and a pair's second half starts with the first {@code [SEP]}. The same loop
 * serves single sentences, so they too keep only their first T/2 positions ({@code [CLS]} included): at T = 64, a
 * sentence of more than 31 word pieces loses its end. The official code rewrites only the ids and the mask: the
 * token types stay where the tokenizer put them.
 *
 * <pre>
 *   T = 12, a = (7 8), b = (9):               T = 6, a = (5 6):
 *   tokens  CLS 7 8 PAD PAD PAD | SEP 9 PAD PAD PAD SEP      CLS 5 6 PAD PAD SEP
 *   mask     1  1 1  0   0   0  |  1  1  0   0   0   1        1  1 1  0   0   1
 *   types    0  0 0  0   1   1  |  0  0  0   0   0   0        0  0 0  0   0   0
 * </pre>
 *
 * <p><b>{@link Layout#COMPACT}</b>: the course's earlier layout, with each {@code [SEP]} right after its text: a
 * sentence {@code [CLS] a [SEP]} then padding; a pair {@code [CLS] a [SEP]} padded to T/2, {@code b} from T/2, the
 * final {@code [SEP]} at T − 1, the token types realigned with the tokens.
 *
 * <pre>
 *   T = 12, a = (7 8), b = (9):
 *   tokens    CLS 7 8 SEP PAD PAD | 9 PAD PAD PAD PAD SEP
 *   mask       1  1 1  1   0   0  | 1  0   0   0   0   1
 *   types      0  0 0  0   0   0  | 1  0   0   0   0   1
 * </pre>
 *
 * In the compact layout segments longer than their half are truncated (a to T/2 − 2 tokens, b to T − T/2 − 1).
 * Pure functions on token ids; the tokenizer is the caller's.
 *
 * <pre>{@code
 * Encoding enc = tokenizer.encode(a, b);
 * ProbeExample e = PairAlignment.official(enc.ids(), enc.typeIds(), 64, SEP, PAD).withLabel(1);
 * }</pre>
 */
public final class PairAlignment {

  private PairAlignment() {}

  /** How inputs are placed in the window (see the class comment). */
  public enum Layout {
    /** As the official PAPA code places them: the last {@code [SEP]} at T − 1, a pair's second half at T/2. */
    OFFICIAL,
    /** Each {@code [SEP]} right after its text (a pair's final one at T − 1): the course's earlier layout. */
    COMPACT
  }

  /**
   * The official layout of one tokenizer output {@code ids} ({@code [CLS] a [SEP]} or {@code [CLS] a [SEP] b
   * [SEP]}, at most T long) with its token types {@code types}, in a window of {@code T}.
   */
  public static Aligned official(int[] ids, int[] types, int T, int sep, int pad) {
    if (T < 4) {
      throw new IllegalArgumentException("the official PAPA layout needs T >= 4, got " + T);
    }
    if (ids.length != types.length || ids.length > T) {
      throw new IllegalArgumentException(
          "ids and types must have one entry per token and at most T = " + T + ": " + ids.length + ", "
              + types.length);
    }
    int firstSep = -1;
    int lastSep = -1;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == sep) {
        lastSep = i;
        if (firstSep < 0) {
          firstSep = i;
        }
      }
    }
    if (firstSep < 0) {
      throw new IllegalArgumentException("the input has no [SEP] (id " + sep + "): " + Arrays.toString(ids));
    }
    int half = T / 2;
    int[] tokens = new int[T];
    int[] mask = new int[T];
    Arrays.fill(tokens, pad);
    for (int j = 0; j < Math.min(firstSep, half); j++) { // [CLS] a…, cut at T/2
      tokens[j] = ids[j];
      mask[j] = 1;
    }
    for (int j = firstSep; j < lastSep; j++) { // [SEP] b… from T/2, cut before T − 1
      int to = half + j - firstSep;
      if (to == T - 1) {
        break;
      }
      tokens[to] = ids[j];
      mask[to] = 1;
    }
    tokens[T - 1] = ids[lastSep];
    mask[T - 1] = 1;
    int[] segments = Arrays.copyOf(types, T); // left where the tokenizer put them, as the official code does
    return new Aligned(tokens, mask, segments);
  }

  /** An aligned input: token ids, mask and token types, each of length T. */
  public record Aligned(int[] tokens, int[] mask, int[] segments) {
    /** As a labelled probe example. */
    public ProbeExample withLabel(int label) {
      return ProbeExample.labelled(tokens, mask, segments, label);
    }
  }

  /** The compact layout of the pair (a, b) in a window of {@code T} (at least 4). */
  public static Aligned pair(int[] a, int[] b, int T, int cls, int sep, int pad) {
    if (T < 4) {
      throw new IllegalArgumentException("a sentence pair needs T >= 4 (CLS, SEP, a token, SEP), got " + T);
    }
    int half = T / 2;
    int[] tokens = new int[T];
    int[] mask = new int[T];
    int[] segments = new int[T];
    Arrays.fill(tokens, pad);
    tokens[0] = cls;
    mask[0] = 1;
    int na = Math.min(a.length, half - 2);
    for (int i = 0; i < na; i++) {
      tokens[1 + i] = a[i];
      mask[1 + i] = 1;
    }
    tokens[1 + na] = sep;
    mask[1 + na] = 1;
    int nb = Math.min(b.length, T - half - 1);
    for (int i = 0; i < nb; i++) {
      tokens[half + i] = b[i];
      mask[half + i] = 1;
      segments[half + i] = 1;
    }
    tokens[T - 1] = sep;
    mask[T - 1] = 1;
    segments[T - 1] = 1;
    return new Aligned(tokens, mask, segments);
  }

  /** The compact layout of a single sentence: {@code [CLS] a… [SEP]} then padding. */
  public static Aligned single(int[] a, int T, int cls, int sep, int pad) {
    if (T < 2) {
      throw new IllegalArgumentException("a sentence needs T >= 2 (CLS and SEP), got " + T);
    }
    int[] tokens = new int[T];
    int[] mask = new int[T];
    Arrays.fill(tokens, pad);
    tokens[0] = cls;
    mask[0] = 1;
    int n = Math.min(a.length, T - 2);
    for (int i = 0; i < n; i++) {
      tokens[1 + i] = a[i];
      mask[1 + i] = 1;
    }
    tokens[1 + n] = sep;
    mask[1 + n] = 1;
    return new Aligned(tokens, mask, new int[T]);
  }
}
