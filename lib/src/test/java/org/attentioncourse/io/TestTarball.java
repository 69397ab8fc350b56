package org.attentioncourse.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Builds small .tgz archives for tests, written from the tar format description (ustar headers, pax 'x' and
 * GNU 'L' long names), independently of the reader under test.
 */
public final class TestTarball {

  private final ByteArrayOutputStream tar = new ByteArrayOutputStream();

  /** A regular file; names up to 100 bytes go in the name field, longer ones are split into prefix + name. */
  public TestTarball file(String path, byte[] data) {
    String name = path;
    String prefix = "";
    if (path.getBytes(StandardCharsets.UTF_8).length > 100) {
      int slash = path.lastIndexOf('/', path.length() - 2);
      prefix = path.substring(0, slash);
      name = path.substring(slash + 1);
    }
    entry(name, prefix, '0', data);
    return this;
  }

  public TestTarball file(String path, String text) {
    return file(path, text.getBytes(StandardCharsets.UTF_8));
  }

  public TestTarball folder(String path) {
    entry(path.endsWith("/") ? path : path + "/", "", '5', new byte[0]);
    return this;
  }

  /** A pax extended header carrying the path, then the file under a truncated placeholder name. */
  public TestTarball paxFile(String path, byte[] data) {
    String record = " path=" + path + "\n";
    int len = record.getBytes(StandardCharsets.UTF_8).length;
    int total = len + Integer.toString(len).length();
    if (Integer.toString(total).length() != Integer.toString(len).length()) {
      total++;
    }
    entry("PaxHeaders/placeholder", "", 'x', (total + record).getBytes(StandardCharsets.UTF_8));
    entry("placeholder-name-that-is-wrong", "", '0', data);
    return this;
  }

  /** A GNU long-name entry ('L', the name as data), then the file under its name cut to 99 characters. */
  public TestTarball gnuLongFile(String path, byte[] data) {
    byte[] name = (path + "\0").getBytes(StandardCharsets.UTF_8);
    entry("././@LongLink", "", 'L', name);
    entry(path.length() > 99 ? path.substring(0, 99) : path, "", '0', data);
    return this;
  }

  /** A symbolic link (type '2') named {@code path} pointing at {@code target}. */
  public TestTarball symlink(String path, String target) {
    entry(path, "", '2', new byte[0], target);
    return this;
  }

  /** A hard link (type '1') named {@code path} to the archive entry {@code target}. */
  public TestTarball hardLink(String path, String target) {
    entry(path, "", '1', new byte[0], target);
    return this;
  }

  /** The archive so far, ended with two zero blocks and gzipped. */
  public byte[] tgz() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(tar.toByteArray());
        gz.write(new byte[1024]);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The raw (uncompressed) tar bytes so far, without the end marker; for corruption tests. */
  public byte[] rawTar() {
    return tar.toByteArray();
  }

  private void entry(String name, String prefix, char type, byte[] data) {
    entry(name, prefix, type, data, "");
  }

  private void entry(String name, String prefix, char type, byte[] data, String linkName) {
    byte[] h = new byte[512];
    put(h, 0, 100, name);
    put(h, 157, 100, linkName);
    put(h, 100, 8, "0000644");
    put(h, 108, 8, "0000000");
    put(h, 116, 8, "0000000");
    put(h, 124, 12, String.format("%011o", data.length));
    put(h, 136, 12, String.format("%011o", 499_162_500L));
    h[156] = (byte) type;
    put(h, 257, 6, "ustar");
    h[263] = '0';
    h[264] = '0';
    put(h, 345, 155, prefix);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    tar.writeBytes(h);
    tar.writeBytes(data);
    tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
  }

  private static void put(byte[] h, int offset, int max, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > max) {
      throw new IllegalArgumentException("'" + s + "' does not fit in " + max + " bytes");
    }
    System.arraycopy(b, 0, h, offset, b.length);
  }

  /** Gzips raw bytes (for archives assembled or damaged by hand). */
  public static byte[] gzip(byte[] raw) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(raw);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
