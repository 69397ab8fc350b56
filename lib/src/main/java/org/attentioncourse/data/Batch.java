package org.attentioncourse.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * B examples of one task stacked into arrays, ready to become DJL tensors.
 *
 * <p>{@code tokens} and {@code targets} are (B, T); {@code labels} and {@code lengths} are (B). The arrays are
 * used as given (no copy); {@link #of(List)} builds fresh ones.
 */
public record Batch(int[][] tokens, int[][] targets, int[] labels, int[] lengths) {

  /** Checks that every array agrees on B and T. */
  public Batch {
    if (tokens == null || targets == null || labels == null || lengths == null) {
      throw new IllegalArgumentException("tokens, targets, labels and lengths must not be null");
    }
    int b = tokens.length;
    if (b == 0) {
      throw new IllegalArgumentException("a batch needs at least one example");
    }
    if (targets.length != b || labels.length != b || lengths.length != b) {
      throw new IllegalArgumentException(
          "batch sizes disagree: tokens " + b + ", targets " + targets.length + ", labels " + labels.length
              + ", lengths " + lengths.length);
    }
    int t = tokens[0].length;
    for (int i = 0; i < b; i++) {
      if (tokens[i].length != t || targets[i].length != t) {
        throw new IllegalArgumentException(
            "row " + i + " has " + tokens[i].length + " tokens and " + targets[i].length
                + " targets but row 0 has " + t + "; all rows need the same T");
      }
    }
  }

  /** Stacks examples in the given order; they must all have the same T. */
  public static Batch of(List<Example> examples) {
    if (examples == null || examples.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one example, got none");
    }
    int b = examples.size();
    int[][] tokens = new int[b][];
    int[][] targets = new int[b][];
    int[] labels = new int[b];
    int[] lengths = new int[b];
    for (int i = 0; i < b; i++) {
      Example e = examples.get(i);
      tokens[i] = e.tokens().clone();
      targets[i] = e.targets().clone();
      labels[i] = e.label();
      lengths[i] = e.length();
    }
    return new Batch(tokens, targets, labels, lengths);
  }

  /** B, the number of examples. */
  public int size() {
    return tokens.length;
  }

  /** T, the padded sequence length. */
  public int length() {
    return tokens[0].length;
  }

  /** (B, T): 1 for a real token, 0 for padding; what attention uses to ignore PAD keys. */
  public float[][] mask() {
    float[][] m = new float[size()][length()];
    for (int i = 0; i < size(); i++) {
      for (int j = 0; j < length(); j++) {
        m[i][j] = tokens[i][j] == Vocab.PAD ? 0f : 1f;
      }
    }
    return m;
  }

  /**
   * The batch as arrays owned by {@code manager}: tokens (B, T) int32, mask (B, T) float32, targets (B, T) int32
   * with {@link Example#IGNORE} = -1 where nothing is predicted, labels (B) int32. Each is named after its field.
   */
  public NDList toNDList(NDManager manager) {
    NDArray t = manager.create(tokens);
    t.setName("tokens");
    NDArray m = manager.create(mask());
    m.setName("mask");
    NDArray y = manager.create(targets);
    y.setName("targets");
    NDArray l = manager.create(labels);
    l.setName("labels");
    return new NDList(t, m, y, l);
  }
}
