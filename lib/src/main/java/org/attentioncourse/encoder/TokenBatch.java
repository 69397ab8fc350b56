package org.attentioncourse.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Encodings padded to one length T: ids (B, T), segment ids (B, T) and the mask (B, T) with 1 for real tokens and
 * 0 for padding. Padding goes on the right, with the pad token's id and segment 0, as the model was trained.
 */
public final class TokenBatch {

  private final List<Encoding> encodings;
  private final int length;
  private final int padId;

  private TokenBatch(List<Encoding> encodings, int length, int padId) {
    this.encodings = List.copyOf(encodings);
    this.length = length;
    this.padId = padId;
  }

  /**
   * Pads {@code encodings} to {@code length} tokens, or to the longest of them when {@code length} is 0.
   *
   * @throws IllegalArgumentException if an encoding is longer than {@code length} (truncate when encoding)
   */
  public static TokenBatch of(List<Encoding> encodings, int length, int padId) {
    if (encodings.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one encoding");
    }
    if (length < 0) {
      throw new IllegalArgumentException("length must be positive, or 0 for the longest encoding; got " + length);
    }
    int longest = encodings.stream().mapToInt(Encoding::length).max().orElseThrow();
    if (length == 0) {
      length = longest;
    } else if (longest > length) {
      throw new IllegalArgumentException(
          "an encoding has " + longest + " tokens but the batch is padded to " + length
              + ": encode with a maximum length of at most " + length);
    }
    return new TokenBatch(encodings, length, padId);
  }

  /** Number of examples B. */
  public int size() {
    return encodings.size();
  }

  /** Padded length T. */
  public int length() {
    return length;
  }

  public List<Encoding> encodings() {
    return encodings;
  }

  /** Token ids (B, T), padded with the pad id. */
  public long[][] ids() {
    long[][] out = new long[size()][length];
    for (int b = 0; b < size(); b++) {
      int[] ids = encodings.get(b).ids();
      java.util.Arrays.fill(out[b], padId);
      for (int t = 0; t < ids.length; t++) {
        out[b][t] = ids[t];
      }
    }
    return out;
  }

  /** The mask (B, T): 1 for real tokens, 0 for padding. */
  public float[][] mask() {
    float[][] out = new float[size()][length];
    for (int b = 0; b < size(); b++) {
      java.util.Arrays.fill(out[b], 0, encodings.get(b).length(), 1f);
    }
    return out;
  }

  /**
   * The arrays the encoder takes, in {@code manager}: {@code [ids (B, T) int64, mask (B, T) float32, typeIds (B,
   * T) int64]}.
   */
  public NDList toNDList(NDManager manager) {
    int B = size();
    long[] ids = new long[B * length];
    long[] types = new long[B * length];
    float[] mask = new float[B * length];
    java.util.Arrays.fill(ids, padId);
    for (int b = 0; b < B; b++) {
      Encoding e = encodings.get(b);
      for (int t = 0; t < e.length(); t++) {
        ids[b * length + t] = e.ids()[t];
        types[b * length + t] = e.typeIds()[t];
        mask[b * length + t] = 1f;
      }
    }
    Shape s = new Shape(B, length);
    NDArray idArray = manager.create(ids, s);
    NDArray maskArray = manager.create(mask, s);
    NDArray typeArray = manager.create(types, s);
    return new NDList(idArray, maskArray, typeArray);
  }

  @Override
  public String toString() {
    return "TokenBatch(B=" + size() + ", T=" + length + ")";
  }
}
