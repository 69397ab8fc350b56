package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.attentioncourse.data.Task;

/**
 * A small transformer: token embedding + sinusoidal positions, N pre-norm {@link EncoderBlock}s with a
 * pluggable attention mechanism, a final LayerNorm and an output layer.
 *
 * <ul>
 *   <li>{@link Output#PER_TOKEN}: logits for every position, (B, T, outputs) — sequence tasks, and causal
 *       language modelling when {@link Builder#causal} is set;
 *   <li>{@link Output#POOLED}: the mean over real tokens, then logits (B, outputs) — classification.
 * </ul>
 *
 * Forward takes {@code [tokens (B, T) int, keyMask (B, T) float]} and returns {@code [logits]}.
 *
 * <pre>{@code
 * TransformerModel model = TransformerModel.builder()
 *     .vocabSize(task.vocabSize()).maxLength(task.length())
 *     .dModel(64).heads(4).layers(2)
 *     .attention(AttentionFactory.softmax())
 *     .perToken(task.vocabSize())
 *     .build();
 * }</pre>
 */
public final class TransformerModel extends AbstractBlock {

  /** What the model predicts. */
  public enum Output {
    PER_TOKEN,
    POOLED
  }

  private final Builder config;
  private final Parameter embedding;
  private final PositionalEncoding positions;
  private final List<EncoderBlock> layers = new ArrayList<>();
  private final LayerNorm finalNorm;
  private final Linear head;

  private TransformerModel(Builder b) {
    super((byte) 1);
    this.config = b;
    embedding =
        addParameter(
            Parameter.builder()
                .setName("embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(b.vocabSize, b.dModel))
                .build());
    positions = addChildBlock("positions", new PositionalEncoding(b.maxLength, b.dModel));
    for (int i = 0; i < b.layers; i++) {
      AttentionMechanism a = b.attention.create(b.dModel, b.heads, b.maxLength);
      a.setCausal(b.causal);
      layers.add(addChildBlock("layer" + i, new EncoderBlock(a, b.dModel, b.ffnDim)));
    }
    finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).build());
    head = addChildBlock("head", Linear.builder().setUnits(b.outputs).build());
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A model shaped for a course task: per-token logits over the vocabulary for sequence tasks, pooled class
   * logits for classification. Width, heads and layers come from {@code b} (defaults if not set).
   */
  public static TransformerModel forTask(Task task, Builder b) {
    b.vocabSize(task.vocabSize()).maxLength(task.length());
    return (task.kind() == Task.Kind.SEQUENCE ? b.perToken(task.vocabSize()) : b.pooled(task.numClasses()))
        .build();
  }

  /**
   * A causal language model: per-position logits over the vocabulary, every layer masked so that position t sees
   * only positions ≤ t. Train it with targets = the input shifted by one.
   */
  public static TransformerModel causalLanguageModel(int vocabSize, int maxLength, Builder b) {
    return b.vocabSize(vocabSize).maxLength(maxLength).perToken(vocabSize).causal(true).build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray tokens = inputs.head(); // (B, T)
    NDArray mask = inputs.size() > 1 ? inputs.get(1) : null; // (B, T)
    NDList states = hiddenStates(ps, tokens, mask, training);
    NDArray x = finalFeatures(ps, states.get(states.size() - 1), training); // (B, T, D)
    if (config.output == Output.POOLED) {
      x = pool(x, mask); // (B, D)
    }
    return new NDList(head.forward(ps, new NDList(x), training).head());
  }

  /**
   * The residual stream after the embedding and after every layer: {@code layers + 1} arrays of shape (B, T, D),
   * entry 0 being token embedding + positions and entry l the output of layer l. This is what a probe reads (the
   * PAPA probe pools every one of them); the model's own output is {@link #finalFeatures} of the last entry.
   *
   * @param tokens (B, T) int
   * @param mask (B, T), 1 for real tokens and 0 for padding, or null
   */
  public NDList hiddenStates(ParameterStore ps, NDArray tokens, NDArray mask, boolean training) {
    Shapes.rank(tokens, "tokens", 2);
    Shapes.keyMask(mask, tokens.getShape().get(0), tokens.getShape().get(1), tokens.getShape());
    NDArray E = ps.getValue(embedding, tokens.getDevice(), training); // (V, D)
    // one-hot × E: a gather written as a product; with a course-sized vocabulary it costs nothing extra
    NDArray x = tokens.oneHot(config.vocabSize).toType(E.getDataType(), false).matMul(E); // (B, T, D)
    x = positions.forward(ps, new NDList(x), training).head();
    NDList states = new NDList(layers.size() + 1);
    states.add(x);
    for (EncoderBlock layer : layers) {
      x = layer.forward(ps, mask == null ? new NDList(x) : new NDList(x, mask), training).head();
      states.add(x);
    }
    return states;
  }

  /**
   * What the output layer reads: the final LayerNorm of the last hidden state, (B, T, D) → (B, T, D). Pre-norm
   * layers leave the residual stream unnormalised, so this norm belongs to the readout, not to the last layer.
   */
  public NDArray finalFeatures(ParameterStore ps, NDArray last, boolean training) {
    return finalNorm.forward(ps, new NDList(last), training).head();
  }

  /** Mean over real tokens: Σₜ mₜ xₜ / Σₜ mₜ. (B, T, D) → (B, D). */
  private static NDArray pool(NDArray x, NDArray mask) {
    if (mask == null) {
      return x.mean(new int[] {1});
    }
    NDArray m = mask.toType(x.getDataType(), false).expandDims(2); // (B, T, 1)
    return x.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1f));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    Shape t = inputs[0];
    return new Shape[] {
      config.output == Output.POOLED ? new Shape(t.get(0), config.outputs) : new Shape(t.get(0), t.get(1), config.outputs)
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape tokens = inputShapes[0];
    Shape x = new Shape(tokens.get(0), tokens.get(1), config.dModel);
    Shape mask = new Shape(tokens.get(0), tokens.get(1));
    positions.initialize(manager, dataType, x);
    for (EncoderBlock layer : layers) {
      layer.initialize(manager, dataType, x, mask);
    }
    finalNorm.initialize(manager, dataType, x);
    Shape h = config.output == Output.POOLED ? new Shape(tokens.get(0), config.dModel) : x;
    head.initialize(manager, dataType, h);
  }

  /** The layers, in order: read or edit any layer's attention through {@link EncoderBlock#attention()}. */
  public List<EncoderBlock> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** The attention mechanism of layer {@code i}. */
  public AttentionMechanism attention(int i) {
    if (i < 0 || i >= layers.size()) {
      throw new IndexOutOfBoundsException("layer " + i + " of a model with " + layers.size() + " layers");
    }
    return layers.get(i).attention();
  }

  public Builder config() {
    return config;
  }

  @Override
  public String toString() {
    return config.toString();
  }

  /** Settings of a {@link TransformerModel}; {@code set…} for what is required, defaults for the rest. */
  public static final class Builder {
    private int vocabSize = -1;
    private int maxLength = -1;
    private int dModel = 64;
    private int heads = 4;
    private int layers = 2;
    private int ffnDim = -1;
    private boolean causal;
    private Output output;
    private int outputs = -1;
    private AttentionFactory attention = AttentionFactory.softmax();
    private String attentionName = "softmax";

    /** Number of token ids (required). */
    public Builder vocabSize(int v) {
      vocabSize = v;
      return this;
    }

    /** Longest input (required). */
    public Builder maxLength(int t) {
      maxLength = t;
      return this;
    }

    /** Width D (default 64). */
    public Builder dModel(int d) {
      dModel = d;
      return this;
    }

    /** Attention heads per layer (default 4). */
    public Builder heads(int h) {
      heads = h;
      return this;
    }

    /** Number of layers (default 2). */
    public Builder layers(int n) {
      layers = n;
      return this;
    }

    /** Hidden width of the feed-forward sub-layer (default 4 D). */
    public Builder ffnDim(int f) {
      ffnDim = f;
      return this;
    }

    /** Masks the future in every layer (causal language modelling). Default false. */
    public Builder causal(boolean c) {
      causal = c;
      return this;
    }

    /** Per-position logits over {@code n} outputs. */
    public Builder perToken(int n) {
      output = Output.PER_TOKEN;
      outputs = n;
      return this;
    }

    /** Mean-pooled logits over {@code n} classes. */
    public Builder pooled(int n) {
      output = Output.POOLED;
      outputs = n;
      return this;
    }

    /** The attention mechanism of every layer (default softmax multi-head attention). */
    public Builder attention(String name, AttentionFactory factory) {
      attentionName = name;
      attention = factory;
      return this;
    }

    /** Same as {@link #attention(String, AttentionFactory)} with the name "custom". */
    public Builder attention(AttentionFactory factory) {
      return attention("custom", factory);
    }

    public TransformerModel build() {
      if (vocabSize < 2) {
        throw new IllegalArgumentException("vocabSize must be set (at least 2), got " + vocabSize);
      }
      if (maxLength < 1) {
        throw new IllegalArgumentException("maxLength must be set (positive), got " + maxLength);
      }
      if (output == null || outputs < 1) {
        throw new IllegalArgumentException("choose the output: perToken(n) or pooled(n) with n ≥ 1");
      }
      if (layers < 1 || heads < 1 || dModel < 1) {
        throw new IllegalArgumentException(
            "layers, heads and dModel must be positive: " + layers + ", " + heads + ", " + dModel);
      }
      if (ffnDim < 0) {
        ffnDim = 4 * dModel;
      }
      return new TransformerModel(this);
    }

    public int dModel() {
      return dModel;
    }

    public int vocabSize() {
      return vocabSize;
    }

    public int maxLength() {
      return maxLength;
    }

    /** Number of outputs: classes for a pooled model, the output vocabulary for a per-token one. */
    public int outputs() {
      return outputs;
    }

    public int heads() {
      return heads;
    }

    public int layers() {
      return layers;
    }

    public boolean isCausal() {
      return causal;
    }

    public Output output() {
      return output;
    }

    public String attentionName() {
      return attentionName;
    }

    @Override
    public String toString() {
      return String.format(
          "TransformerModel(attention=%s, layers=%d, D=%d, heads=%d, ffn=%d, vocab=%d, maxLength=%d, %s %d%s)",
          attentionName, layers, dModel, heads, ffnDim, vocabSize, maxLength,
          output == Output.POOLED ? "pooled" : "per-token", outputs, causal ? ", causal" : "");
    }
  }
}
