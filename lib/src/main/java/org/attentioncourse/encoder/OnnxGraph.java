package org.attentioncourse.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model that a port of its weights needs: the graph's initializers (named tensors) and its
 * nodes (operator, name, inputs, outputs, scalar attributes). Read with the course's own protobuf reader, one
 * pass over the stream; no protobuf or ONNX library is involved.
 *
 * <p>Field numbers from the ONNX schema (onnx.proto3): ModelProto.graph = 7; GraphProto.node = 1, initializer =
 * 5, input = 11, output = 12; NodeProto.input = 1, output = 2, name = 3, op_type = 4, attribute = 5;
 * AttributeProto.name = 1, f = 2, i = 3, t = 5; TensorProto.dims = 1, data_type = 2, float_data = 4,
 * int64_data = 7, name = 8, raw_data = 9, data_location = 14; ValueInfoProto.name = 1. Tensors are
 * little-endian. Only FLOAT and INT64 tensors keep their values; others keep their name, type and shape.
 */
public final class OnnxGraph {

  /** TensorProto.DataType codes used here. */
  public static final int FLOAT = 1;

  public static final int INT64 = 7;

  private final Map<String, Tensor> initializers;
  private final List<Node> nodes;
  private final List<String> inputs;
  private final List<String> outputs;

  private OnnxGraph(Map<String, Tensor> initializers, List<Node> nodes, List<String> inputs, List<String> outputs) {
    this.initializers = Collections.unmodifiableMap(initializers);
    this.nodes = Collections.unmodifiableList(nodes);
    this.inputs = Collections.unmodifiableList(inputs);
    this.outputs = Collections.unmodifiableList(outputs);
  }

  /** A named tensor: dims, the ONNX data type, and its values when it is FLOAT or INT64 (else both null). */
  public record Tensor(String name, long[] dims, int dataType, float[] floats, long[] longs) {

    /** Number of elements, the product of the dims (1 for a scalar). */
    public long size() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }

    @Override
    public String toString() {
      return name + java.util.Arrays.toString(dims) + " type " + dataType;
    }
  }

  /** One operator of the graph, with its scalar (float, int) and tensor attributes. */
  public record Node(
      String name,
      String opType,
      List<String> inputs,
      List<String> outputs,
      Map<String, Double> floatAttributes,
      Map<String, Long> intAttributes,
      Map<String, Tensor> tensorAttributes) {

    @Override
    public String toString() {
      return opType + " " + name + " " + inputs + " -> " + outputs;
    }
  }

  /**
   * Reads a serialized ModelProto. The stream is read once, sequentially, and not closed.
   *
   * @throws IOException if the stream is truncated or is not a protobuf-encoded ONNX model
   */
  public static OnnxGraph read(InputStream in) throws IOException {
    ProtoReader r = new ProtoReader(in);
    OnnxGraph graph = null;
    while (r.next()) {
      if (r.field() == 7 && r.wire() == ProtoReader.LENGTH) {
        r.enter();
        graph = readGraph(r);
        r.leave();
      } else {
        r.skip();
      }
    }
    if (graph == null) {
      throw new IOException(
          "not an ONNX model: no graph (ModelProto field 7) in " + r.position() + " bytes");
    }
    return graph;
  }

  private static OnnxGraph readGraph(ProtoReader r) throws IOException {
    Map<String, Tensor> initializers = new LinkedHashMap<>();
    List<Node> nodes = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    while (r.next()) {
      switch (r.field()) {
        case 1 -> {
          r.enter();
          nodes.add(readNode(r));
          r.leave();
        }
        case 5 -> {
          r.enter();
          Tensor t = readTensor(r);
          r.leave();
          initializers.put(t.name(), t);
        }
        case 11, 12 -> {
          List<String> target = r.field() == 11 ? inputs : outputs;
          r.enter();
          while (r.next()) {
            if (r.field() == 1) {
              target.add(r.string());
            } else {
              r.skip();
            }
          }
          r.leave();
        }
        default -> r.skip();
      }
    }
    return new OnnxGraph(initializers, nodes, inputs, outputs);
  }

  private static Node readNode(ProtoReader r) throws IOException {
    String name = "";
    String opType = "";
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    Map<String, Double> floats = new LinkedHashMap<>();
    Map<String, Long> ints = new LinkedHashMap<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    while (r.next()) {
      switch (r.field()) {
        case 1 -> in.add(r.string());
        case 2 -> out.add(r.string());
        case 3 -> name = r.string();
        case 4 -> opType = r.string();
        case 5 -> {
          r.enter();
          readAttribute(r, floats, ints, tensors);
          r.leave();
        }
        default -> r.skip();
      }
    }
    return new Node(name, opType, List.copyOf(in), List.copyOf(out), floats, ints, tensors);
  }

  private static void readAttribute(
      ProtoReader r, Map<String, Double> floats, Map<String, Long> ints, Map<String, Tensor> tensors)
      throws IOException {
    String name = null;
    Double f = null;
    Long i = null;
    Tensor t = null;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> name = r.string();
        case 2 -> {
          r.expectWire(ProtoReader.FIXED32);
          f = (double) Float.intBitsToFloat(r.fixed32());
        }
        case 3 -> {
          r.expectWire(ProtoReader.VARINT);
          i = r.varint();
        }
        case 5 -> {
          r.enter();
          t = readTensor(r);
          r.leave();
        }
        default -> r.skip();
      }
    }
    if (name == null) {
      throw new IOException("malformed ONNX: a node attribute without a name, near byte " + r.position());
    }
    if (f != null) {
      floats.put(name, f);
    }
    if (i != null) {
      ints.put(name, i);
    }
    if (t != null) {
      tensors.put(name, t);
    }
  }

  private static Tensor readTensor(ProtoReader r) throws IOException {
    List<Long> dims = new ArrayList<>();
    int type = 0;
    String name = "";
    float[] floats = null;
    long[] longs = null;
    FloatList floatData = null; // float_data, field 4 (unpacked or packed)
    List<Long> int64Data = null; // int64_data, field 7
    while (r.next()) {
      switch (r.field()) {
        case 1 -> {
          if (r.wire() == ProtoReader.LENGTH) {
            r.packedVarints(dims);
          } else {
            dims.add(r.varint());
          }
        }
        case 2 -> type = (int) r.varint();
        case 4 -> {
          if (floatData == null) {
            floatData = new FloatList();
          }
          if (r.wire() == ProtoReader.LENGTH) {
            long n = r.length();
            if (n % 4 != 0) {
              throw new IOException("malformed ONNX: float_data of " + n + " bytes in tensor '" + name + "'");
            }
            float[] chunk = new float[(int) (n / 4)];
            r.floats(chunk, 0, chunk.length);
            floatData.add(chunk);
          } else {
            r.expectWire(ProtoReader.FIXED32);
            floatData.add(new float[] {Float.intBitsToFloat(r.fixed32())});
          }
        }
        case 7 -> {
          if (int64Data == null) {
            int64Data = new ArrayList<>();
          }
          if (r.wire() == ProtoReader.LENGTH) {
            r.packedVarints(int64Data);
          } else {
            int64Data.add(r.varint());
          }
        }
        case 8 -> name = r.string();
        case 9 -> {
          long n = r.length();
          if (type == FLOAT || (type == 0 && n % 4 == 0)) {
            if (n % 4 != 0 || n / 4 > Integer.MAX_VALUE - 8) {
              throw new IOException("malformed ONNX: raw_data of " + n + " bytes in FLOAT tensor '" + name + "'");
            }
            floats = new float[(int) (n / 4)];
            r.floats(floats, 0, floats.length);
          } else if (type == INT64) {
            if (n % 8 != 0) {
              throw new IOException("malformed ONNX: raw_data of " + n + " bytes in INT64 tensor '" + name + "'");
            }
            longs = new long[(int) (n / 8)];
            for (int k = 0; k < longs.length; k++) {
              long lo = r.fixed32() & 0xffffffffL;
              long hi = r.fixed32() & 0xffffffffL;
              longs[k] = lo | hi << 32;
            }
          } else {
            r.skipBytes(n);
          }
        }
        case 14 -> {
          if (r.varint() == 1) {
            throw new IOException(
                "tensor '" + name + "' keeps its data in an external file, which this reader does not follow");
          }
        }
        default -> r.skip();
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    if (type == FLOAT) {
      if (floats == null && floatData != null) {
        floats = floatData.toArray();
      }
      if (floats == null) {
        floats = new float[0];
      }
    } else if (type == INT64 && floats != null && longs == null) {
      // raw_data arrived before data_type: the bytes were read as float bits, pair them back into longs
      longs = new long[floats.length / 2];
      for (int k = 0; k < longs.length; k++) {
        long lo = Float.floatToRawIntBits(floats[2 * k]) & 0xffffffffL;
        long hi = Float.floatToRawIntBits(floats[2 * k + 1]) & 0xffffffffL;
        longs[k] = lo | hi << 32;
      }
      floats = null;
    } else {
      floats = null; // a type whose values are not kept
    }
    if (type == INT64 && longs == null) {
      longs = int64Data == null ? new long[0] : int64Data.stream().mapToLong(Long::longValue).toArray();
    }
    Tensor t = new Tensor(name, shape, type, floats, longs);
    long stored = floats != null ? floats.length : longs != null ? longs.length : -1;
    if (stored >= 0 && stored != t.size()) {
      throw new IOException(
          "malformed ONNX: tensor '" + name + "' has dims " + java.util.Arrays.toString(shape) + " ("
              + t.size() + " values) but holds " + stored);
    }
    return t;
  }

  /** A growable float array, for float_data that arrives as several fields. */
  private static final class FloatList {
    private final List<float[]> chunks = new ArrayList<>();
    private int size;

    void add(float[] c) {
      chunks.add(c);
      size += c.length;
    }

    float[] toArray() {
      float[] out = new float[size];
      int p = 0;
      for (float[] c : chunks) {
        System.arraycopy(c, 0, out, p, c.length);
        p += c.length;
      }
      return out;
    }
  }

  /** The initializers by name, in file order. */
  public Map<String, Tensor> initializers() {
    return initializers;
  }

  /** The initializer named {@code name}; fails naming the closest names when it is missing. */
  public Tensor initializer(String name) {
    Tensor t = initializers.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "the ONNX graph has no initializer '" + name + "' (it has " + initializers.size() + ": "
              + preview(initializers.keySet()) + ")");
    }
    return t;
  }

  /** The nodes in file order (a topological order, as ONNX requires). */
  public List<Node> nodes() {
    return nodes;
  }

  /** Names of the graph's inputs (including, in old exports, the initializers). */
  public List<String> inputs() {
    return inputs;
  }

  /** Names of the graph's outputs. */
  public List<String> outputs() {
    return outputs;
  }

  static String preview(java.util.Collection<String> names) {
    List<String> l = new ArrayList<>(names);
    return l.size() <= 6 ? l.toString() : l.subList(0, 6) + " …";
  }

  @Override
  public String toString() {
    return "OnnxGraph(" + nodes.size() + " nodes, " + initializers.size() + " initializers, inputs " + inputs
        + ", outputs " + outputs + ")";
  }
}
