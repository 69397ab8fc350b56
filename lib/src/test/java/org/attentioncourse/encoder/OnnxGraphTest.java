package org.attentioncourse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.attentioncourse.encoder.OnnxGraph.Node;
import org.attentioncourse.encoder.OnnxGraph.Tensor;
import org.junit.jupiter.api.Test;

/** The protobuf reader on hand-written bytes, and the weight naming on the real all-MiniLM-L6-v2 graph. */
class OnnxGraphTest {

  /** Just enough of a protobuf writer to write test messages. */
  static final class Proto {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(long v) {
      while ((v & ~0x7fL) != 0) {
        out.write((int) ((v & 0x7f) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
      return this;
    }

    Proto tag(int field, int wire) {
      return varint((long) field << 3 | wire);
    }

    Proto uint(int field, long v) {
      return tag(field, 0).varint(v);
    }

    Proto bytes(int field, byte[] b) {
      tag(field, 2).varint(b.length);
      out.write(b, 0, b.length);
      return this;
    }

    Proto string(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto m) {
      return bytes(field, m.toBytes());
    }

    Proto fixed32(int field, int v) {
      tag(field, 5);
      for (int i = 0; i < 4; i++) {
        out.write(v >>> (8 * i));
      }
      return this;
    }

    Proto fixed64(int field, long v) {
      tag(field, 1);
      for (int i = 0; i < 8; i++) {
        out.write((int) (v >>> (8 * i)));
      }
      return this;
    }

    byte[] toBytes() {
      return out.toByteArray();
    }

    static byte[] floats(float... v) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (float f : v) {
        int bits = Float.floatToIntBits(f);
        for (int i = 0; i < 4; i++) {
          b.write(bits >>> (8 * i));
        }
      }
      return b.toByteArray();
    }

    /** The unknown fields of every wire type a reader must skip. */
    Proto noise() {
      return uint(90, 300).fixed64(91, -1L).fixed32(92, 7).string(93, "skip me");
    }
  }

  static Proto tensorRaw(String name, float[] values, long... dims) {
    Proto t = new Proto();
    for (long d : dims) {
      t.uint(1, d);
    }
    return t.uint(2, OnnxGraph.FLOAT).noise().string(8, name).bytes(9, Proto.floats(values));
  }

  static Proto node(String name, String op, String... inputs) {
    Proto n = new Proto();
    for (String in : inputs) {
      n.string(1, in);
    }
    return n.string(2, name + "_output_0").string(3, name).string(4, op).noise();
  }

  static OnnxGraph read(byte[] bytes) throws IOException {
    return OnnxGraph.read(new ByteArrayInputStream(bytes));
  }

  @Test
  void readsTensorsInEveryEncodingAndNodesAndSkipsUnknownFields() throws IOException {
    Proto packedDims = new Proto().varint(2).varint(300);
    Proto floatData = new Proto().tag(1, 2).varint(packedDims.toBytes().length);
    floatData.out.writeBytes(packedDims.toBytes());
    float[] big = new float[600];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.5f - 7;
    }
    floatData.uint(2, OnnxGraph.FLOAT).string(8, "packed").bytes(4, Proto.floats(big));
    Proto unpacked = new Proto().uint(1, 2).uint(2, OnnxGraph.FLOAT).string(8, "unpacked");
    unpacked.fixed32(4, Float.floatToIntBits(1.5f)).fixed32(4, Float.floatToIntBits(-2f));
    Proto longs = new Proto().uint(1, 3).uint(2, OnnxGraph.INT64).string(8, "ids");
    longs.bytes(9, new byte[] {5, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 1, 0, 0, 0});
    Proto attr = new Proto().string(1, "epsilon").fixed32(2, Float.floatToIntBits(1e-12f)).noise();
    Proto withAttr = node("/LayerNorm", "LayerNormalization", "x", "raw").message(5, attr);
    Proto graph =
        new Proto()
            .message(1, node("/a/MatMul", "MatMul", "x", "raw"))
            .noise()
            .message(1, withAttr)
            .message(5, tensorRaw("raw", new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
            .message(5, floatData)
            .message(5, unpacked)
            .message(5, longs)
            .message(11, new Proto().string(1, "x").noise())
            .message(12, new Proto().string(1, "y"));
    byte[] model = new Proto().uint(1, 8).noise().message(7, graph).string(2, "test").toBytes();

    OnnxGraph g = read(model);
    assertEquals(List.of("raw", "packed", "unpacked", "ids"), List.copyOf(g.initializers().keySet()));
    Tensor raw = g.initializer("raw");
    assertArrayEquals(new long[] {2, 3}, raw.dims());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, raw.floats());
    assertArrayEquals(new long[] {2, 300}, g.initializer("packed").dims());
    assertArrayEquals(big, g.initializer("packed").floats(), "float_data longer than the reader's 64 KB buffer");
    assertArrayEquals(new float[] {1.5f, -2f}, g.initializer("unpacked").floats());
    assertArrayEquals(new long[] {5, -1, 1L << 32}, g.initializer("ids").longs());
    assertNull(g.initializer("ids").floats());
    assertEquals(2, g.nodes().size());
    Node n = g.nodes().get(1);
    assertEquals("LayerNormalization", n.opType());
    assertEquals(List.of("x", "raw"), n.inputs());
    assertEquals(List.of("/LayerNorm_output_0"), n.outputs());
    assertEquals(1e-12f, n.floatAttributes().get("epsilon").floatValue());
    assertEquals(List.of("x"), g.inputs());
    assertEquals(List.of("y"), g.outputs());

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> g.initializer("nope"));
    assertTrue(missing.getMessage().contains("'nope'"), missing.getMessage());
  }

  @Test
  void brokenStreamsFailWithAReason() {
    Proto graph = new Proto().message(5, tensorRaw("w", new float[] {1, 2, 3, 4}, 4));
    byte[] good = new Proto().message(7, graph).toBytes();
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
    EOFException eof = assertThrows(EOFException.class, () -> read(cut));
    assertTrue(eof.getMessage().contains("truncated"), eof.getMessage());

    IOException noGraph = assertThrows(IOException.class, () -> read(new Proto().uint(1, 8).toBytes()));
    assertTrue(noGraph.getMessage().contains("no graph"), noGraph.getMessage());

    // a nested field claiming more bytes than its message has
    byte[] overrun = new Proto().message(7, new Proto().tag(5, 2).varint(50).uint(1, 1)).toBytes();
    IOException o = assertThrows(IOException.class, () -> read(overrun));
    assertTrue(o.getMessage().contains("claims 50 bytes"), o.getMessage());

    Proto threeValues = tensorRaw("w", new float[] {1, 2, 3}, 2, 2);
    byte[] wrongSize = new Proto().message(7, new Proto().message(5, threeValues)).toBytes();
    IOException w = assertThrows(IOException.class, () -> read(wrongSize));
    assertTrue(w.getMessage().contains("'w' has dims [2, 2] (4 values) but holds 3"), w.getMessage());

    IOException text = assertThrows(IOException.class, () -> read("{\"json\": true}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(text.getMessage().contains("malformed") || text.getMessage().contains("truncated"), text.getMessage());
  }

  @Test
  void theRealModelTruncatedFailsAsTruncated() throws IOException {
    try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(MiniLm.MODEL_RESOURCE)) {
      byte[] head = in.readNBytes(1 << 20);
      EOFException e = assertThrows(EOFException.class, () -> read(head));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
  }

  @Test
  void everyAnonymousMatMulWeightGetsItsBertName() throws IOException {
    OnnxGraph g;
    try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(MiniLm.MODEL_RESOURCE)) {
      g = OnnxGraph.read(new java.io.BufferedInputStream(in));
    }
    assertEquals(102, g.initializers().size());
    assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), g.inputs());
    assertEquals(List.of("last_hidden_state"), g.outputs());
    Map<String, String> named =
        g.nodes().stream()
            .filter(n -> n.opType().equals("MatMul") && n.inputs().get(1).startsWith("onnx::"))
            .collect(Collectors.toMap(n -> n.inputs().get(1), n -> BertWeights.bertName(n.name())));
    assertEquals(36, named.size());
    for (int l = 0; l < 6; l++) {
      for (String part :
          new String[] {
            "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
            "intermediate.dense", "output.dense"
          }) {
        assertTrue(named.containsValue("encoder.layer." + l + "." + part + ".weight"), l + " " + part);
      }
    }
    BertWeights w = BertWeights.from(g);
    assertEquals(
        "vocab 30522, width 384, 12 heads, 6 layers, FFN 1536, 512 positions, 2 segments, LayerNorm ε 1.0E-12",
        w.config().toString());
    // query of layer 0 is stored [in, out] and used as x·W; DJL's Linear wants [out, in]
    String anonymous =
        named.entrySet().stream()
            .filter(e -> e.getValue().equals("encoder.layer.0.attention.self.query.weight"))
            .findFirst().orElseThrow().getKey();
    float[] stored = g.initializer(anonymous).floats();
    float[] djl = w.take("encoder.layer.0.attention.self.query.weight", 384, 384);
    assertEquals(stored[5 * 384 + 7], djl[7 * 384 + 5]); // W[in=5][out=7] = W'[out=7][in=5]
    assertThrows(IllegalArgumentException.class, () -> w.take("encoder.layer.0.attention.self.query.bias", 385));
  }

  @Test
  void aGraphWithoutBertWeightsNamesWhatIsMissing() throws IOException {
    Proto graph =
        new Proto()
            .message(1, node("/encoder/layer.0/attention/self/query/MatMul", "MatMul", "x", "onnx::MatMul_1"))
            .message(5, tensorRaw("onnx::MatMul_1", new float[4], 2, 2))
            .message(5, tensorRaw("embeddings.position_embeddings.weight", new float[4], 2, 2));
    OnnxGraph g = read(new Proto().message(7, graph).toBytes());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BertWeights.from(g));
    assertTrue(e.getMessage().contains("embeddings.word_embeddings.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("encoder.layer.0.attention.self.query.weight"), "lists what it found");

    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> BertWeights.bertName("/x/Gemm"));
    assertTrue(bad.getMessage().contains("/x/Gemm"), bad.getMessage());

    Proto orphan = new Proto().message(5, tensorRaw("onnx::MatMul_9", new float[1], 1));
    OnnxGraph o = read(new Proto().message(7, orphan).toBytes());
    IllegalArgumentException unnamed = assertThrows(IllegalArgumentException.class, () -> BertWeights.from(o));
    assertTrue(unnamed.getMessage().contains("cannot name the rest"), unnamed.getMessage());
  }
}
