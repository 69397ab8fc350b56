package org.attentioncourse.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 fingerprints that tie saved constant matrices to the model and data they came from, so that a file
 * computed for one model or training set is never silently used with another.
 */
public final class Checksums {

  private Checksums() {}

  /** SHA-256 (hex) over the token ids and masks of {@code examples}, in order. */
  public static String ofExamples(List<ProbeExample> examples) {
    MessageDigest d = sha256();
    ByteBuffer header = ByteBuffer.allocate(8).putInt(examples.size()).putInt(examples.isEmpty() ? 0 : examples.get(0).size());
    d.update(header.array());
    for (ProbeExample e : examples) {
      ByteBuffer b = ByteBuffer.allocate(8 * e.size());
      for (int t : e.tokens()) {
        b.putInt(t);
      }
      for (int m : e.mask()) {
        b.putInt(m);
      }
      d.update(b.array());
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /** SHA-256 (hex) over the names, shapes and float32 values of every initialised parameter of {@code block}. */
  public static String ofParameters(Block block) {
    MessageDigest d = sha256();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (!p.getValue().isInitialized()) {
        continue;
      }
      NDArray a = p.getValue().getArray();
      d.update(p.getKey().getBytes(StandardCharsets.UTF_8));
      d.update(a.getShape().toString().getBytes(StandardCharsets.UTF_8));
      try (NDArray f = a.toType(DataType.FLOAT32, true)) {
        d.update(f.toByteArray());
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /**
   * The identity written into constant-matrix files: the caller's name for the model plus the first 16 hex
   * digits of {@link #ofParameters}, for example {@code reverse-softmax params:3fa1…}.
   */
  public static String modelIdentity(String name, Block block) {
    if (name == null || name.isBlank() || name.contains("\n")) {
      throw new IllegalArgumentException("give the model a one-line, non-empty name, got '" + name + "'");
    }
    return name.trim() + " params:" + ofParameters(block).substring(0, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
