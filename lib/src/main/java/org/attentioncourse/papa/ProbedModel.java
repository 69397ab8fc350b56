package org.attentioncourse.papa;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.attentioncourse.attention.AttentionMechanism;
import org.attentioncourse.attention.TransformerModel;

/**
 * What the PAPA probe needs from a model: its layers' attention mechanisms (to read and replace heads) and every
 * layer's hidden states (to probe). The course's {@link TransformerModel} fits through {@link #of}; a BERT-style
 * encoder fits by implementing the seven abstract methods below (its {@code hiddenStates} may use {@code segments}, the
 * token-type ids, which the course's models ignore).
 *
 * <pre>{@code
 * ProbedModel probed = ProbedModel.of(trainedTransformer);
 * }</pre>
 */
public interface ProbedModel {

  /** A short description for tables and file headers. */
  String name();

  /** The block that owns the parameters (frozen while probing, hashed for {@link Checksums#ofParameters}). */
  Block block();

  /** Number of layers with attention. */
  int layers();

  /** The attention mechanism of layer {@code l} (0-based). */
  AttentionMechanism attention(int l);

  /** T, the fixed sequence length the constant matrices are built for. */
  int maxLength();

  /** D, the width of the hidden states. */
  int width();

  /**
   * The hidden states after the embeddings and after every layer: {@link #layers()} + 1 arrays (B, T, D).
   *
   * @param tokens (B, T) int
   * @param mask (B, T) float, 1 for real tokens and 0 for padding
   * @param segments (B, T) int token types, or null
   */
  NDList hiddenStates(ParameterStore ps, NDArray tokens, NDArray mask, NDArray segments, boolean training);

  /**
   * What an output layer of the model reads, computed from {@link #hiddenStates}: by default the last of them;
   * the course's pre-norm models put their final LayerNorm here.
   */
  default NDArray outputFeatures(ParameterStore ps, NDList hiddenStates, boolean training) {
    return hiddenStates.get(hiddenStates.size() - 1);
  }

  /**
   * The model's own predictions, (B, T, C) or (B, C), for models that have an output layer of their own.
   *
   * @throws UnsupportedOperationException for encoders without one
   */
  default NDArray outputLogits(ParameterStore ps, NDArray tokens, NDArray mask, NDArray segments, boolean training) {
    throw new UnsupportedOperationException(name() + " has no output layer of its own; use a probe");
  }

  /** Heads of layer {@code l}. */
  default int heads(int l) {
    return attention(l).heads();
  }

  /** Total number of heads over all layers. */
  default int totalHeads() {
    int n = 0;
    for (int l = 0; l < layers(); l++) {
      n += heads(l);
    }
    return n;
  }

  /** Where the parameters live. */
  default Device device() {
    for (Pair<String, Parameter> p : block().getParameters()) {
      if (p.getValue().isInitialized()) {
        return p.getValue().getArray().getDevice();
      }
    }
    throw new IllegalStateException(name() + " is not initialised: train it or call initialize first");
  }

  /**
   * Fails, naming the layer and mechanism, unless every layer forms an explicit attention matrix: PAPA replaces
   * matrices, and linear-time mechanisms (AFT, cosFormer's linear form) never build one.
   */
  default void requireAttentionMatrices() {
    for (int l = 0; l < layers(); l++) {
      AttentionMechanism a = attention(l);
      if (!a.hasAttentionMatrix()) {
        throw new UnsupportedOperationException(
            "PAPA replaces attention matrices, but layer " + l + " of " + name() + " uses " + a
                + ", which never forms one (linear-time mechanisms such as AFT and cosFormer mix the sequence"
                + " without a T×T matrix); probe a model with softmax or Synthesizer attention instead");
      }
    }
  }

  /** The course's transformer: hidden states from {@link TransformerModel#hiddenStates}, its own output layer. */
  static ProbedModel of(TransformerModel model) {
    return new ProbedModel() {
      @Override
      public String name() {
        return model.toString();
      }

      @Override
      public Block block() {
        return model;
      }

      @Override
      public int layers() {
        return model.layers().size();
      }

      @Override
      public AttentionMechanism attention(int l) {
        return model.attention(l);
      }

      @Override
      public int maxLength() {
        return model.config().maxLength();
      }

      @Override
      public int width() {
        return model.config().dModel();
      }

      @Override
      public NDList hiddenStates(
          ParameterStore ps, NDArray tokens, NDArray mask, NDArray segments, boolean training) {
        return model.hiddenStates(ps, tokens, mask, training);
      }

      @Override
      public NDArray outputFeatures(ParameterStore ps, NDList hiddenStates, boolean training) {
        return model.finalFeatures(ps, hiddenStates.get(hiddenStates.size() - 1), training);
      }

      @Override
      public NDArray outputLogits(
          ParameterStore ps, NDArray tokens, NDArray mask, NDArray segments, boolean training) {
        return model.forward(ps, new NDList(tokens, mask), training).singletonOrThrow();
      }

      @Override
      public String toString() {
        return name();
      }
    };
  }
}
