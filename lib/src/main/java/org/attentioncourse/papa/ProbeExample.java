package org.attentioncourse.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.attentioncourse.data.Example;

/**
 * One input as the probe sees it. Unlike {@link Example}, the mask need not be a prefix: PAPA's sentence-pair
 * alignment ({@link PairAlignment}) leaves padding between the two segments.
 *
 * @param tokens T token ids
 * @param mask T values, 1 for a real token and 0 for padding
 * @param segments T token-type ids, or null (the course's models have none)
 * @param label the class, or -1 for per-token tasks
 * @param targets T per-token targets ({@link Example#IGNORE} where there is none), or null for classification
 */
public record ProbeExample(int[] tokens, int[] mask, int[] segments, int label, int[] targets) {

  /** Checks that every array has length T and the mask is 0/1 with at least one real token. */
  public ProbeExample {
    if (tokens == null || mask == null) {
      throw new IllegalArgumentException("tokens and mask must not be null");
    }
    int t = tokens.length;
    if (mask.length != t || (segments != null && segments.length != t) || (targets != null && targets.length != t)) {
      throw new IllegalArgumentException(
          "tokens has length " + t + " but mask has " + mask.length
              + (segments == null ? "" : ", segments " + segments.length)
              + (targets == null ? "" : ", targets " + targets.length) + "; all must be equal");
    }
    int real = 0;
    for (int i = 0; i < t; i++) {
      if (mask[i] != 0 && mask[i] != 1) {
        throw new IllegalArgumentException("mask value " + mask[i] + " at position " + i + " must be 0 or 1");
      }
      real += mask[i];
    }
    if (real == 0) {
      throw new IllegalArgumentException("an example needs at least one real token; the mask is all 0");
    }
    if (label < -1) {
      throw new IllegalArgumentException("label is " + label + " but must be >= 0, or -1 for none");
    }
    if (label < 0 && targets == null) {
      throw new IllegalArgumentException("an example needs a label or per-token targets");
    }
    tokens = tokens.clone();
    mask = mask.clone();
    segments = segments == null ? null : segments.clone();
    targets = targets == null ? null : targets.clone();
  }

  /** A sentence (or sentence pair) with one label. */
  public static ProbeExample labelled(int[] tokens, int[] mask, int[] segments, int label) {
    return new ProbeExample(tokens, mask, segments, label, null);
  }

  /** A course example: the mask covers its first {@code length} tokens. */
  public static ProbeExample of(Example e) {
    int[] mask = new int[e.size()];
    Arrays.fill(mask, 0, e.length(), 1);
    boolean hasTargets = e.targetPositions().length > 0;
    return new ProbeExample(e.tokens(), mask, null, e.label(), hasTargets ? e.targets() : null);
  }

  /** {@link #of(Example)} for a whole split. */
  public static List<ProbeExample> of(List<Example> examples) {
    List<ProbeExample> out = new ArrayList<>(examples.size());
    for (Example e : examples) {
      out.add(of(e));
    }
    return out;
  }

  /** T. */
  public int size() {
    return tokens.length;
  }

  /** Whether this example is scored per token (targets) rather than by its label. */
  public boolean perToken() {
    return label < 0;
  }

  /**
   * A batch as arrays owned by {@code manager}: tokens (B, T) int32, mask (B, T) float32, segments (B, T) int32
   * (zeros when absent), labels (B) int32 and targets (B, T) int32 ({@link Example#IGNORE} when absent).
   */
  public static NDList toNDList(List<ProbeExample> batch, NDManager manager) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one example");
    }
    int b = batch.size();
    int t = batch.get(0).size();
    int[][] tokens = new int[b][];
    float[][] mask = new float[b][t];
    int[][] segments = new int[b][t];
    int[] labels = new int[b];
    int[][] targets = new int[b][];
    for (int i = 0; i < b; i++) {
      ProbeExample e = batch.get(i);
      if (e.size() != t) {
        throw new IllegalArgumentException("example " + i + " has T=" + e.size() + " but example 0 has T=" + t);
      }
      tokens[i] = e.tokens;
      for (int j = 0; j < t; j++) {
        mask[i][j] = e.mask[j];
      }
      if (e.segments != null) {
        segments[i] = e.segments;
      }
      labels[i] = e.label;
      if (e.targets != null) {
        targets[i] = e.targets;
      } else {
        targets[i] = new int[t];
        Arrays.fill(targets[i], Example.IGNORE);
      }
    }
    NDArray tk = manager.create(tokens);
    NDArray m = manager.create(mask);
    NDArray s = manager.create(segments);
    NDArray l = manager.create(labels);
    NDArray y = manager.create(targets);
    return new NDList(tk, m, s, l, y);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeExample e
        && label == e.label
        && Arrays.equals(tokens, e.tokens)
        && Arrays.equals(mask, e.mask)
        && Arrays.equals(segments, e.segments)
        && Arrays.equals(targets, e.targets);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tokens) * 31 + Arrays.hashCode(mask) * 17 + label;
  }

  @Override
  public String toString() {
    return "ProbeExample[tokens=" + Arrays.toString(tokens) + ", mask=" + Arrays.toString(mask) + ", label=" + label
        + "]";
  }
}
