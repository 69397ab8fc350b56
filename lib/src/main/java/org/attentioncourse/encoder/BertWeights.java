package org.attentioncourse.encoder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.attentioncourse.encoder.OnnxGraph.Node;
import org.attentioncourse.encoder.OnnxGraph.Tensor;

/**
 * The weights of a BERT-style encoder exported to ONNX, under BERT's own names, and the sizes read from them.
 *
 * <p>The exporter keeps BERT's names for embeddings, biases and LayerNorms, but stores every projection matrix
 * as an anonymous initializer ({@code onnx::MatMul_787}, laid out [in, out] and used as x·W). The node that
 * consumes it still carries the module path, {@code /encoder/layer.0/attention/self/query/MatMul}, so the name
 * is recovered from there: {@code encoder.layer.0.attention.self.query.weight}. The LayerNorm ε and the head
 * width are not stored as weights at all; they are constants of the graph (the Add before the square root, the
 * divisor √dₕ of the scores) and are read from those nodes.
 */
final class BertWeights {

  /** Sizes of the encoder. */
  record Config(
      int vocabSize, int width, int heads, int layers, int ffnWidth, int maxPositions, int typeVocabSize, float eps) {

    @Override
    public String toString() {
      return "vocab " + vocabSize + ", width " + width + ", " + heads + " heads, " + layers + " layers, FFN "
          + ffnWidth + ", " + maxPositions + " positions, " + typeVocabSize + " segments, LayerNorm ε " + eps;
    }
  }

  private final Map<String, Tensor> byName;
  private final Set<String> used = new LinkedHashSet<>();
  private final Config config;

  private BertWeights(Map<String, Tensor> byName, Config config) {
    this.byName = byName;
    this.config = config;
  }

  static BertWeights from(OnnxGraph g) {
    Map<String, Tensor> named = new LinkedHashMap<>();
    Map<String, Tensor> init = g.initializers();
    for (Map.Entry<String, Tensor> e : init.entrySet()) {
      if (!e.getKey().startsWith("onnx::")) {
        named.put(e.getKey(), e.getValue());
      }
    }
    int anonymous = 0;
    for (Node n : g.nodes()) {
      if (!"MatMul".equals(n.opType()) || n.inputs().size() != 2 || !init.containsKey(n.inputs().get(1))) {
        continue;
      }
      String bert = bertName(n.name());
      if (named.put(bert, init.get(n.inputs().get(1))) != null) {
        throw new IllegalArgumentException(
            "two MatMul nodes map to the same weight " + bert + " (node " + n.name() + ")");
      }
      anonymous++;
    }
    long unmapped = init.keySet().stream().filter(k -> k.startsWith("onnx::")).count();
    if (unmapped != anonymous) {
      throw new IllegalArgumentException(
          "the graph has " + unmapped + " anonymous initializers but only " + anonymous
              + " are the weight input of a MatMul node; cannot name the rest");
    }

    Tensor word = need(named, "embeddings.word_embeddings.weight");
    Tensor pos = need(named, "embeddings.position_embeddings.weight");
    Tensor types = need(named, "embeddings.token_type_embeddings.weight");
    int width = (int) word.dims()[1];
    int layers = 0;
    while (named.containsKey("encoder.layer." + layers + ".attention.self.query.bias")) {
      layers++;
    }
    if (layers == 0) {
      throw new IllegalArgumentException(
          "no encoder layers: the graph has no initializer encoder.layer.0.attention.self.query.bias");
    }
    int ffn = (int) need(named, "encoder.layer.0.intermediate.dense.bias").dims()[0];
    int headWidth = headWidth(g);
    if (width % headWidth != 0) {
      throw new IllegalArgumentException("head width " + headWidth + " does not divide the model width " + width);
    }
    float eps = Float.NaN;
    List<String> norms = new ArrayList<>(List.of("/embeddings"));
    for (int l = 0; l < layers; l++) {
      norms.add("/encoder/layer." + l + "/attention/output");
      norms.add("/encoder/layer." + l + "/output");
      requireExactGelu(g, l);
    }
    for (String prefix : norms) {
      float e = layerNormEps(g, prefix);
      if (!Float.isNaN(eps) && e != eps) {
        throw new IllegalArgumentException(
            "LayerNorm ε differs between norms: " + eps + " and " + e + " at " + prefix);
      }
      eps = e;
    }
    Config config =
        new Config(
            (int) word.dims()[0],
            width,
            width / headWidth,
            layers,
            ffn,
            (int) pos.dims()[0],
            (int) types.dims()[0],
            eps);
    return new BertWeights(named, config);
  }

  Config config() {
    return config;
  }

  /**
   * The values of a weight, in the layout DJL expects: embedding tables and biases as stored, projection matrices
   * transposed from ONNX's [in, out] to DJL's Linear layout [out, in].
   */
  float[] take(String name, long... expectedShape) {
    if (used.contains(name)) {
      throw new IllegalStateException(name + " was already taken");
    }
    Tensor t = need(byName, name);
    long[] dims = t.dims();
    boolean projection = name.endsWith(".weight") && name.startsWith("encoder.") && !name.contains("LayerNorm");
    long[] stored = projection ? new long[] {dims[1], dims[0]} : dims;
    if (!java.util.Arrays.equals(stored, expectedShape)) {
      throw new IllegalArgumentException(
          name + " has shape " + java.util.Arrays.toString(dims) + (projection ? " ([in, out])" : "")
              + " but the encoder expects " + java.util.Arrays.toString(expectedShape));
    }
    used.add(name);
    byName.remove(name); // the caller copies the values; the heap copy can go
    if (!projection) {
      return t.floats();
    }
    int in = (int) dims[0];
    int out = (int) dims[1];
    float[] w = t.floats();
    float[] transposed = new float[w.length];
    for (int i = 0; i < in; i++) {
      for (int o = 0; o < out; o++) {
        transposed[o * in + i] = w[i * out + o];
      }
    }
    return transposed;
  }

  /** Names of float weights never taken: a model with parts this encoder does not have. */
  List<String> unused() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : byName.entrySet()) {
      if (e.getValue().dataType() == OnnxGraph.FLOAT) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** {@code /encoder/layer.0/attention/self/query/MatMul} → {@code encoder.layer.0.attention.self.query.weight}. */
  static String bertName(String matMulNode) {
    String s = matMulNode.startsWith("/") ? matMulNode.substring(1) : matMulNode;
    if (!s.endsWith("/MatMul")) {
      throw new IllegalArgumentException(
          "cannot name the weight of MatMul node '" + matMulNode + "': its name does not end in /MatMul");
    }
    return s.substring(0, s.length() - "/MatMul".length()).replace('/', '.') + ".weight";
  }

  private static Tensor need(Map<String, Tensor> named, String name) {
    Tensor t = named.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "the ONNX graph has no weight " + name + " (found " + named.size() + " named weights, e.g. "
              + OnnxGraph.preview(named.keySet()) + ")");
    }
    if (t.dataType() != OnnxGraph.FLOAT) {
      throw new IllegalArgumentException(name + " is not float32 (ONNX data type " + t.dataType() + ")");
    }
    return t;
  }

  /** dₕ from the divisor √dₕ of layer 0's scores (or the Mul by 1/√dₕ some exporters write instead). */
  private static int headWidth(OnnxGraph g) {
    Map<String, Tensor> constants = constants(g);
    for (Node n : g.nodes()) {
      if (!n.name().startsWith("/encoder/layer.0/attention/self/")) {
        continue;
      }
      boolean div = "Div".equals(n.opType());
      boolean mul = "Mul".equals(n.opType());
      if ((div || mul) && n.inputs().size() == 2 && n.inputs().get(0).endsWith("/MatMul_output_0")) {
        Tensor c = constants.get(n.inputs().get(1));
        if (c != null && c.floats() != null && c.floats().length == 1) {
          double s = div ? c.floats()[0] : 1.0 / c.floats()[0];
          return (int) Math.round(s * s);
        }
      }
    }
    throw new IllegalArgumentException(
        "cannot find the score scaling (a Div by √dₕ after /encoder/layer.0/attention/self/MatMul) in the graph");
  }

  /** ε of the LayerNorm under {@code prefix}: a fused LayerNormalization's attribute or the Add before Sqrt. */
  private static float layerNormEps(OnnxGraph g, String prefix) {
    Map<String, Tensor> constants = constants(g);
    String p = prefix + "/LayerNorm/";
    for (Node n : g.nodes()) {
      if (!n.name().startsWith(p)) {
        continue;
      }
      if ("LayerNormalization".equals(n.opType())) {
        Double e = n.floatAttributes().get("epsilon");
        return e == null ? 1e-5f : e.floatValue(); // ONNX's default
      }
      if ("Add".equals(n.opType()) && n.inputs().size() == 2 && n.inputs().get(0).contains("ReduceMean")) {
        Tensor c = constants.get(n.inputs().get(1));
        if (c != null && c.floats() != null && c.floats().length == 1) {
          return c.floats()[0];
        }
      }
    }
    throw new IllegalArgumentException("cannot find the ε of the LayerNorm " + p + " in the graph");
  }

  private static void requireExactGelu(OnnxGraph g, int layer) {
    String p = "/encoder/layer." + layer + "/intermediate/";
    for (Node n : g.nodes()) {
      if (n.name().startsWith(p) && "Erf".equals(n.opType())) {
        return;
      }
    }
    throw new IllegalArgumentException(
        "layer " + layer + " has no Erf node under " + p + ": this port implements exact GELU only");
  }

  private static Map<String, Tensor> constants(OnnxGraph g) {
    Map<String, Tensor> out = new HashMap<>(g.initializers());
    for (Node n : g.nodes()) {
      if ("Constant".equals(n.opType()) && n.outputs().size() == 1 && n.tensorAttributes().containsKey("value")) {
        out.put(n.outputs().get(0), n.tensorAttributes().get("value"));
      }
    }
    return out;
  }
}
