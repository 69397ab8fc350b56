package org.attentioncourse.io;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Reads the regular files of a gzipped tar archive (a {@code .tgz}, as {@code npm pack} writes) into memory,
 * with nothing but {@link GZIPInputStream}.
 *
 * <p>A tar archive is a sequence of 512-byte blocks: a header block per entry, then the entry's bytes padded to
 * a whole block, and two zero blocks at the end. The header fields used here are
 *
 * <pre>
 *   offset  size  field
 *        0   100  name (NUL-terminated if shorter)
 *      124    12  size in bytes, octal ASCII (or base-256 when the first byte has its high bit set)
 *      148     8  header checksum: the sum of all 512 header bytes with this field read as spaces
 *      156     1  type: '0' or NUL regular file, '5' folder, 'x' pax header, 'L' GNU long name, ...
 *      257     6  magic "ustar"
 *      345   155  prefix: in ustar archives the full name is prefix + "/" + name
 * </pre>
 *
 * Long names come either from the ustar prefix, from a pax extended header ('x', records {@code "LEN
 * path=VALUE\n"}), or from a GNU long-name entry ('L', whose data is the name); all three are understood, and
 * likewise long link targets (pax {@code linkpath}, GNU 'K'). {@link #read} returns regular files only;
 * {@link #forEach} also reports folders and links, with their targets (header offset 157, 100 bytes). Every header's checksum is verified, so a corrupt archive fails
 * with a message instead of yielding garbage.
 *
 * <p>Nothing is extracted to disk, but callers do turn entry names into paths, so an archive with an entry
 * whose name could leave the folder it is unpacked into (an absolute path, a drive letter, a backslash, a
 * {@code ..} segment) is rejected as a whole, whatever the predicate would keep.
 */
public final class TarGz {

  private static final int BLOCK = 512;

  private TarGz() {}

  /** {@link #read(InputStream, Predicate)} of an archive held in memory. */
  public static Map<String, byte[]> read(byte[] tgz, Predicate<String> keep) {
    try {
      return read(new ByteArrayInputStream(tgz), keep);
    } catch (IOException e) {
      throw new UncheckedIOException("not a readable .tgz archive: " + e.getMessage(), e);
    }
  }

  /**
   * The regular files of the gzipped tar stream {@code gzipped} whose full path passes {@code keep}, path →
   * bytes, in archive order. The stream is read to the end-of-archive marker but not closed.
   */
  public static Map<String, byte[]> read(InputStream gzipped, Predicate<String> keep) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    long[] index = {0};
    forEach(gzipped, (entry, data) -> {
      // Every entry's name is checked, kept or not: an archive with an escaping name is damaged or hostile, and
      // none of it is trusted. (Archives, which writes entries to disk, makes its own, stricter checks.)
      checkName(entry.name(), index[0]++);
      if (entry.isFile() && keep.test(entry.name())) {
        if (entry.size() > Integer.MAX_VALUE - 8) {
          throw new IOException(entry.name() + " is " + entry.size() + " bytes, too large to hold in memory");
        }
        byte[] bytes = data.readNBytes((int) entry.size());
        if (bytes.length < entry.size()) {
          throw new EOFException(
              "archive ends inside " + entry.name() + " (" + bytes.length + " of " + entry.size() + " bytes)");
        }
        files.put(entry.name(), bytes);
      }
    });
    return files;
  }

  /** One entry of an archive as its header describes it. */
  public record Entry(String name, char type, String linkName, long size) {

    /** A regular file (types '0', NUL and '7'). */
    public boolean isFile() {
      return type == '0' || type == '\0' || type == '7';
    }

    /** A folder (type '5'). */
    public boolean isDirectory() {
      return type == '5';
    }

    /** A symbolic link (type '2'); {@link #linkName()} is its target as written in the archive. */
    public boolean isSymbolicLink() {
      return type == '2';
    }

    /** A hard link (type '1'); {@link #linkName()} names an earlier entry of the archive. */
    public boolean isHardLink() {
      return type == '1';
    }
  }

  /** Receives the entries of an archive one by one. */
  @FunctionalInterface
  public interface EntryVisitor {
    /**
     * @param entry the entry's header, long names and pax paths already applied
     * @param data the entry's bytes (empty for folders and links); reading past them is impossible, and what
     *     the visitor leaves unread is skipped
     */
    void visit(Entry entry, InputStream data) throws IOException;
  }

  /**
   * Walks the gzipped tar stream {@code gzipped} entry by entry without holding any entry in memory: every
   * regular file, folder, symbolic and hard link is handed to {@code visitor} (pax and GNU long-name headers are
   * applied, not visited; global pax headers, devices and FIFOs are skipped). This is what safe extraction to a
   * folder ({@link Archives}) is built on.
   */
  public static void forEach(InputStream gzipped, EntryVisitor visitor) throws IOException {
    InputStream in = new GZIPInputStream(gzipped, 1 << 16);
    byte[] header = new byte[BLOCK];
    String longName = null; // from a preceding pax or GNU long-name entry; applies to the next entry only
    String longLink = null; // from a preceding pax 'linkpath' or GNU 'K' entry
    long entry = 0;
    while (true) {
      int got = in.readNBytes(header, 0, BLOCK);
      if (got == 0) {
        break; // some writers omit the two zero blocks
      }
      if (got < BLOCK) {
        throw new EOFException("archive ends inside the header of entry " + entry);
      }
      if (isZero(header)) {
        break; // end-of-archive marker
      }
      checkHeader(header, entry);
      long size = size(header, entry);
      char type = (char) header[156];
      String name = longName != null ? longName : fullName(header);
      String link = longLink != null ? longLink : cString(header, 157, 100);
      longName = null;
      longLink = null;
      switch (type) {
        case 'x' -> {
          Map<String, String> pax = paxRecords(readData(in, size, name));
          longName = pax.get("path"); // null when the pax header does not set a path
          longLink = pax.get("linkpath");
        }
        case 'L' -> longName = cString(readData(in, size, name), 0, (int) size);
        case 'K' -> longLink = cString(readData(in, size, name), 0, (int) size);
        case '0', '\0', '7', '5', '1', '2' -> {
          boolean hasData = type == '0' || type == '\0' || type == '7';
          long dataSize = hasData ? size : 0;
          Bounded data = new Bounded(in, dataSize, name);
          visitor.visit(new Entry(name, type, type == '1' || type == '2' ? link : "", dataSize), data);
          long rest = data.remaining + (size - dataSize);
          skipFully(in, rest + padding(size), name);
        }
        default -> skipData(in, size, name); // global pax headers, devices, FIFOs: nothing to return
      }
      entry++;
    }
  }

  /** The bytes of one entry: reads stop at its end, so a visitor cannot read into the next header. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    private final String name;
    private long remaining;

    Bounded(InputStream in, long size, String name) {
      this.in = in;
      this.remaining = size;
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b < 0) {
        throw new EOFException("archive ends inside " + name + " (" + remaining + " bytes missing)");
      }
      remaining--;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new EOFException("archive ends inside " + name + " (" + remaining + " bytes missing)");
      }
      remaining -= n;
      return n;
    }

    @Override
    public void close() {
      // the archive stream stays open; the walk skips what is left
    }
  }

  /**
   * Throws unless {@code name} is a relative path that stays inside the folder it would be unpacked into: not
   * empty, not starting with {@code /}, no backslash, no drive letter ({@code C:}), no NUL, and no {@code ..}
   * segment. ({@code ./} segments are harmless and allowed.)
   */
  static void checkName(String name, long entry) throws IOException {
    String why = null;
    if (name.isEmpty()) {
      why = "it is empty";
    } else if (name.startsWith("/")) {
      why = "it is an absolute path";
    } else if (name.indexOf('\\') >= 0) {
      why = "it contains a backslash";
    } else if (name.indexOf('\0') >= 0) {
      why = "it contains a NUL character";
    } else if (name.length() >= 2 && name.charAt(1) == ':') {
      why = "it starts with a drive letter";
    } else {
      for (String segment : name.split("/", -1)) {
        if (segment.equals("..")) {
          why = "it has a '..' segment";
          break;
        }
      }
    }
    if (why != null) {
      throw new IOException(
          "tar entry " + entry + " is named '" + name + "', which could escape the folder it is unpacked into ("
              + why + "); the archive is rejected");
    }
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** The header checksum counts the checksum field itself as eight spaces. */
  private static void checkHeader(byte[] h, long entry) throws IOException {
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    long stored = octal(h, 148, 8, "header checksum", entry);
    if (stored != sum) {
      throw new IOException(
          "tar header of entry " + entry + " (" + fullName(h) + ") has checksum " + stored + " but its bytes sum to "
              + sum + "; the archive is corrupt");
    }
  }

  private static long size(byte[] h, long entry) throws IOException {
    if ((h[124] & 0x80) != 0) { // base-256 (GNU) for sizes of 8 GiB and more
      long v = h[124] & 0x7f;
      for (int i = 125; i < 136; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v;
    }
    return octal(h, 124, 12, "size", entry);
  }

  private static long octal(byte[] h, int offset, int length, String field, long entry) throws IOException {
    long v = 0;
    boolean digits = false;
    for (int i = offset; i < offset + length; i++) {
      int c = h[i];
      if (c == 0 || (c == ' ' && digits)) {
        break;
      }
      if (c == ' ') {
        continue; // leading spaces are allowed
      }
      if (c < '0' || c > '7') {
        throw new IOException("tar header of entry " + entry + ": " + field + " field is not octal");
      }
      v = v * 8 + (c - '0');
      digits = true;
    }
    return v;
  }

  private static String fullName(byte[] h) {
    String name = cString(h, 0, 100);
    boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
    String prefix = ustar ? cString(h, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static String cString(byte[] b, int offset, int max) {
    int end = offset;
    while (end < offset + max && b[end] != 0) {
      end++;
    }
    return new String(b, offset, end - offset, StandardCharsets.UTF_8);
  }

  /** The records of a pax extended header ({@code path}, {@code linkpath}, ...), key → value. */
  private static Map<String, String> paxRecords(byte[] data) throws IOException {
    Map<String, String> records = new LinkedHashMap<>();
    int i = 0;
    while (i < data.length && data[i] != 0) {
      int space = i;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new IOException("malformed pax header record at byte " + i);
      }
      if (length <= 0 || i + length > data.length) {
        throw new IOException("pax header record at byte " + i + " claims length " + length);
      }
      // the record is "LENGTH KEY=VALUE\n", LENGTH counting the whole record
      String record = new String(data, space + 1, i + length - space - 2, StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      if (eq > 0) {
        records.put(record.substring(0, eq), record.substring(eq + 1));
      }
      i += length;
    }
    return records;
  }

  private static byte[] readData(InputStream in, long size, String name) throws IOException {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException(name + " is " + size + " bytes, too large to hold in memory");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) {
      throw new EOFException("archive ends inside " + name + " (" + data.length + " of " + size + " bytes)");
    }
    skipFully(in, padding(size), name);
    return data;
  }

  private static void skipData(InputStream in, long size, String name) throws IOException {
    skipFully(in, size + padding(size), name);
  }

  private static long padding(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static void skipFully(InputStream in, long n, String name) throws IOException {
    // InputStream.skipNBytes throws EOFException itself; the message here says which entry was cut
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw new EOFException("archive ends inside " + name);
    }
  }
}
