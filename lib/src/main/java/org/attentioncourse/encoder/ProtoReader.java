package org.attentioncourse.encoder;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The smallest protobuf reader the ONNX file needs, reading a stream once from front to back: a 90 MB model is
 * never held as one byte array.
 *
 * <p>Protobuf's wire format is a sequence of (tag, value) pairs. The tag is a varint {@code field << 3 | wire},
 * where wire 0 is a varint, 1 eight little-endian bytes, 2 a varint length followed by that many bytes (strings,
 * bytes, nested messages, packed repeated numbers) and 5 four little-endian bytes. A nested message is read by
 * {@link #enter}ing it (its length becomes the current limit) and {@link #leave}ing it when {@link #next} says it
 * is done. Unknown fields are skipped, which is what makes reading only a few fields of a large schema possible.
 */
final class ProtoReader {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH = 2;
  static final int FIXED32 = 5;

  private final InputStream in;
  private final byte[] buffer = new byte[1 << 16];
  private int bufferStart; // index of the next unread byte in buffer
  private int bufferEnd;
  private long position; // bytes consumed from the stream
  private long limit = Long.MAX_VALUE; // end of the current message
  private final Deque<Long> outer = new ArrayDeque<>();
  private int field;
  private int wire;

  ProtoReader(InputStream in) {
    this.in = in;
  }

  /** Bytes consumed so far (for error messages). */
  long position() {
    return position;
  }

  /**
   * Reads the next tag of the current message; false at its end (or at the end of the stream for the outermost
   * message).
   */
  boolean next() throws IOException {
    if (position == limit) {
      return false;
    }
    if (position > limit) {
      throw new IOException("malformed protobuf: a field overran its message at byte " + position);
    }
    if (limit == Long.MAX_VALUE && !fill(1)) {
      return false; // clean end of the outermost message
    }
    long tag = varint();
    field = (int) (tag >>> 3);
    wire = (int) (tag & 7);
    if (field == 0) {
      throw new IOException("malformed protobuf: field number 0 at byte " + position);
    }
    return true;
  }

  int field() {
    return field;
  }

  int wire() {
    return wire;
  }

  long varint() throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("malformed protobuf: a varint longer than 10 bytes at byte " + position);
  }

  int fixed32() throws IOException {
    require(4);
    int v =
        (buffer[bufferStart] & 0xff)
            | (buffer[bufferStart + 1] & 0xff) << 8
            | (buffer[bufferStart + 2] & 0xff) << 16
            | (buffer[bufferStart + 3] & 0xff) << 24;
    consume(4);
    return v;
  }

  long fixed64() throws IOException {
    long lo = fixed32() & 0xffffffffL;
    long hi = fixed32() & 0xffffffffL;
    return lo | hi << 32;
  }

  /** The length prefix of a length-delimited field, checked against the enclosing message. */
  long length() throws IOException {
    expectWire(LENGTH);
    long n = varint();
    if (n < 0 || position + n > limit) {
      throw new IOException(
          "malformed protobuf: field " + field + " claims " + n + " bytes at byte " + position
              + " but its message ends at byte " + limit);
    }
    return n;
  }

  String string() throws IOException {
    long n = length();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IOException("string field " + field + " too long: " + n + " bytes");
    }
    byte[] b = new byte[(int) n];
    readFully(b, 0, b.length);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Starts reading the nested message of the current (length-delimited) field. */
  void enter() throws IOException {
    long n = length();
    outer.push(limit);
    limit = position + n;
  }

  /** Returns to the enclosing message; the nested one must have been read or skipped to its end. */
  void leave() throws IOException {
    if (outer.isEmpty()) {
      throw new IllegalStateException("leave() without enter()");
    }
    if (position != limit) {
      skipBytes(limit - position);
    }
    limit = outer.pop();
  }

  /** The end (in stream bytes) of a length-delimited field whose length was just read. */
  long limit() {
    return limit;
  }

  /** Skips the value of the current field. */
  void skip() throws IOException {
    switch (wire) {
      case VARINT -> varint();
      case FIXED64 -> skipBytes(8);
      case LENGTH -> skipBytes(length());
      case FIXED32 -> skipBytes(4);
      default -> throw new IOException(
          "malformed protobuf: unsupported wire type " + wire + " for field " + field + " at byte " + position);
    }
  }

  /**
   * Reads {@code n} little-endian float32 values into {@code out} starting at {@code offset}: the payload of
   * TensorProto.raw_data, and of packed float_data.
   */
  void floats(float[] out, int offset, int n) throws IOException {
    int i = 0;
    while (i < n) {
      require(4);
      int available = Math.min(n - i, (bufferEnd - bufferStart) / 4);
      for (int k = 0; k < available; k++) {
        int p = bufferStart + 4 * k;
        int bits =
            (buffer[p] & 0xff)
                | (buffer[p + 1] & 0xff) << 8
                | (buffer[p + 2] & 0xff) << 16
                | (buffer[p + 3] & 0xff) << 24;
        out[offset + i + k] = Float.intBitsToFloat(bits);
      }
      consume(4 * available);
      i += available;
    }
  }

  void expectWire(int expected) throws IOException {
    if (wire != expected) {
      throw new IOException(
          "malformed protobuf: field " + field + " has wire type " + wire + ", expected " + expected + " at byte "
              + position);
    }
  }

  private int readByte() throws IOException {
    require(1);
    int b = buffer[bufferStart] & 0xff;
    consume(1);
    return b;
  }

  private void readFully(byte[] out, int offset, int n) throws IOException {
    while (n > 0) {
      require(1);
      int k = Math.min(n, bufferEnd - bufferStart);
      System.arraycopy(buffer, bufferStart, out, offset, k);
      consume(k);
      offset += k;
      n -= k;
    }
  }

  /** Reads a packed repeated varint field (its length prefix, then varints) into {@code out}. */
  void packedVarints(java.util.List<Long> out) throws IOException {
    long n = length(); // read first: position moves past the length prefix
    long end = position + n;
    while (position < end) {
      out.add(varint());
    }
    if (position != end) {
      throw new IOException("malformed protobuf: packed field " + field + " overran its length at byte " + position);
    }
  }

  /** Skips {@code n} bytes of the current payload. */
  void skipBytes(long n) throws IOException {
    while (n > 0) {
      require(1);
      int k = (int) Math.min(n, bufferEnd - bufferStart);
      consume(k);
      n -= k;
    }
  }

  private void consume(int n) {
    bufferStart += n;
    position += n;
  }

  /** Makes at least {@code n} bytes available in the buffer, or fails with a truncation error. */
  private void require(int n) throws IOException {
    if (!fill(n)) {
      throw new EOFException("the protobuf stream ended early, at byte " + position + " (the file is truncated)");
    }
  }

  private boolean fill(int n) throws IOException {
    if (bufferEnd - bufferStart >= n) {
      return true;
    }
    System.arraycopy(buffer, bufferStart, buffer, 0, bufferEnd - bufferStart);
    bufferEnd -= bufferStart;
    bufferStart = 0;
    while (bufferEnd < n) {
      int r = in.read(buffer, bufferEnd, buffer.length - bufferEnd);
      if (r < 0) {
        return false;
      }
      bufferEnd += r;
    }
    return true;
  }
}
