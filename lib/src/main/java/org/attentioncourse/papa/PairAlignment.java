package org.attentioncourse.papa;

import java.util.Arrays;

/**
 * PAPA's input alignment for sentence pairs, so that a position means the same thing in every example (a constant
 * matrix is indexed by position): the first segment {@code [CLS] a… [SEP]} starts at 0 and is padded to T/2, the
 * second segment {@code b…} starts at T/2, and its final {@code [SEP]} sits at T − 1, with padding before it.
 *
 * <pre>
 *   T = 12, a = (7 8), b = (9):
 *   tokens    CLS 7 8 SEP PAD PAD | 9 PAD PAD PAD PAD SEP
 *   mask       1  1 1  1   0   0  | 1  0   0   0   0   1
 *   segments   0  0 0  0   0   0  | 1  0   0   0   0   1
 * </pre>
 *
 * Segments longer than their half are truncated (a to T/2 − 2 tokens, b to T − T/2 − 1). A pure function on
 * token ids; the tokenizer is the caller's.
 *
 * <pre>{@code
 * ProbeExample e = PairAlignment.pair(a, b, 64, CLS, SEP, PAD).withLabel(1);
 * }</pre>
 */
public final class PairAlignment {

  private PairAlignment() {}

  /** An aligned input: token ids, mask and token types, each of length T. */
  public record Aligned(int[] tokens, int[] mask, int[] segments) {
    /** As a labelled probe example. */
    public ProbeExample withLabel(int label) {
      return ProbeExample.labelled(tokens, mask, segments, label);
    }
  }

  /** Aligns the pair (a, b) to length {@code T} (at least 4). */
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

  /** A single sentence, {@code [CLS] a… [SEP]} then padding: the usual layout, already aligned at 0. */
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
