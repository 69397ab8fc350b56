package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * What the course's models need from "an attention mechanism": a block that mixes information across the T
 * positions of a sequence. Softmax multi-head attention is one; the Synthesizer, AFT and cosFormer are others,
 * and every one of them drops into {@link EncoderBlock} and {@link TransformerModel} through an {@link
 * AttentionFactory}.
 *
 * <p>As a DJL {@link Block} its {@code forward} takes {@code [x (B, T, D), keyMask (B, T)]} (the mask may be
 * left out) and returns {@code [y (B, T, D)]}; whether it is causal is a property of the block ({@link
 * #setCausal}). {@link #attend} is the same computation as a plain method.
 */
public interface AttentionMechanism extends Block {

  /**
   * Mixes the sequence.
   *
   * @param x (B, T, D)
   * @param keyMask (B, T), 1 for real tokens and 0 for padding, or null: padded positions must receive no weight
   * @param causal if true, position t uses only positions ≤ t
   * @return (B, T, D)
   */
  NDArray attend(ParameterStore ps, NDArray x, NDArray keyMask, boolean causal, boolean training);

  /** Number of heads (1 for mechanisms without heads). */
  int heads();

  /** Whether {@code forward} masks the future. */
  boolean isCausal();

  /** Makes {@code forward} causal or not. */
  void setCausal(boolean causal);

  /**
   * Whether this mechanism forms an explicit (B, H, T, T) matrix of attention weights that an {@link
   * AttentionEdit} can read and replace. Linear-time mechanisms (AFT, cosFormer's linear form) never build it.
   */
  default boolean hasAttentionMatrix() {
    return false;
  }

  /** Installs an edit (null removes it). Fails for mechanisms without an explicit attention matrix. */
  default void setEdit(AttentionEdit edit) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " has no explicit attention matrix to read or replace");
  }

  /** The installed edit, or null. */
  default AttentionEdit edit() {
    return null;
  }
}
