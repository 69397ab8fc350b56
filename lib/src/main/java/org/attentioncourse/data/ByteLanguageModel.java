package org.attentioncourse.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.attentioncourse.data.CharLanguageModel.Region;

/**
 * Byte-level causal language modelling on a large corpus (enwik8, WikiText-103 raw), read from memory-mapped
 * files so that a 100 MB or 500 MB corpus costs no Java heap.
 *
 * <p>The layout is that of {@link CharLanguageModel}: a window of T+1 consecutive bytes b_o .. b_{o+T} gives
 * tokens b_o .. b_{o+T-1} and targets b_{o+1} .. b_{o+T}; every position has a target. The unit is the byte,
 * not the Unicode character: the enwik8 results of the papers (bits per character, "bpc") are bits per
 * <em>byte</em> of the UTF-8 file, and a multi-byte character is predicted one byte at a time.
 *
 * <p><b>Regions.</b> Either one file cut by position into train / validation / test (enwik8: the first 90 MB,
 * the next 5 MB, the last 5 MB, the usual split) or three files (WikiText-103's {@code wiki.train.raw}, {@code
 * wiki.valid.raw}, {@code wiki.test.raw}). Windows never cross a region's end.
 *
 * <p><b>Vocabulary.</b> Ids 0..2 are the shared reserved ids ({@link Vocab}), id {@value #UNK} is UNK, and every
 * byte value that occurs in the training region gets an id from {@value #UNK}+1 in byte order. Bytes that occur
 * only in validation or test become UNK. The vocabulary needs one pass over the training region (about 0.1 s
 * for enwik8's 90 MB).
 *
 * <pre>{@code
 * ByteLanguageModel lm = ByteLanguageModel.ofFile(Path.of("data/enwik8/enwik8"), 1024, 0.9, 0.05);
 * Example e = lm.window(Region.TRAIN, new SplittableRandom(1));
 * }</pre>
 */
public final class ByteLanguageModel implements Task {

  /** The id of every byte outside the vocabulary. */
  public static final int UNK = Vocab.FIRST_SYMBOL;

  /** An upper bound of the vocabulary size: reserved ids, UNK and all 256 byte values. */
  public static final int MAX_VOCAB = UNK + 1 + 256;

  private final int length;
  private final String source;
  private final ByteBuffer[] regions; // indexed by Region.ordinal(), read-only, position 0
  private final int[] idOfByte = new int[256];
  private final int[] byteOfId; // byte value of id UNK+1+i
  private final double unigramBits;

  private ByteLanguageModel(String source, ByteBuffer[] regions, int length) {
    if (length < 1) {
      throw new IllegalArgumentException("bytes: T must be >= 1, got " + length);
    }
    this.length = length;
    this.source = source;
    this.regions = regions;
    for (Region r : Region.values()) {
      if (regions[r.ordinal()].remaining() < length + 1) {
        throw new IllegalArgumentException(
            "bytes: the " + r.name().toLowerCase(Locale.ROOT) + " region of " + source + " has "
                + regions[r.ordinal()].remaining() + " bytes but a window needs T+1 = " + (length + 1));
      }
    }
    long[] counts = new long[256];
    ByteBuffer train = regions[Region.TRAIN.ordinal()].duplicate();
    byte[] chunk = new byte[1 << 16];
    while (train.hasRemaining()) {
      int n = Math.min(chunk.length, train.remaining());
      train.get(chunk, 0, n);
      for (int i = 0; i < n; i++) {
        counts[chunk[i] & 0xff]++;
      }
    }
    List<Integer> kept = new ArrayList<>();
    java.util.Arrays.fill(idOfByte, UNK);
    long total = 0;
    for (int b = 0; b < 256; b++) {
      if (counts[b] > 0) {
        idOfByte[b] = UNK + 1 + kept.size();
        kept.add(b);
      }
      total += counts[b];
    }
    byteOfId = kept.stream().mapToInt(Integer::intValue).toArray();
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = (double) c / total;
        h -= p * Math.log(p);
      }
    }
    unigramBits = h / Math.log(2);
  }

  /**
   * One file cut by position: the first {@code trainFraction} of its bytes for training, the next {@code
   * validationFraction} for validation, the rest for testing (enwik8: 0.9 and 0.05 give 90, 5 and 5 million
   * bytes).
   */
  public static ByteLanguageModel ofFile(Path file, int length, double trainFraction, double validationFraction) {
    checkFractions(trainFraction, validationFraction);
    ByteBuffer all = map(file);
    long n = all.remaining();
    int trainEnd = (int) Math.floor(n * trainFraction);
    int validationEnd = (int) Math.floor(n * (trainFraction + validationFraction));
    return new ByteLanguageModel(
        file.toString(),
        new ByteBuffer[] {slice(all, 0, trainEnd), slice(all, trainEnd, validationEnd), slice(all, validationEnd, (int) n)},
        length);
  }

  /** Three files, one per region (WikiText-103 raw: wiki.train.raw, wiki.valid.raw, wiki.test.raw). */
  public static ByteLanguageModel ofFiles(Path train, Path validation, Path test, int length) {
    return new ByteLanguageModel(
        train.getParent() == null ? train.toString() : train.getParent().toString(),
        new ByteBuffer[] {map(train), map(validation), map(test)},
        length);
  }

  /** Bytes in memory cut by position, as {@link #ofFile}; for tests and small corpora. */
  public static ByteLanguageModel ofBytes(byte[] bytes, int length, double trainFraction, double validationFraction) {
    checkFractions(trainFraction, validationFraction);
    ByteBuffer all = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    int n = bytes.length;
    int trainEnd = (int) Math.floor(n * trainFraction);
    int validationEnd = (int) Math.floor(n * (trainFraction + validationFraction));
    return new ByteLanguageModel(
        "bytes in memory",
        new ByteBuffer[] {slice(all, 0, trainEnd), slice(all, trainEnd, validationEnd), slice(all, validationEnd, n)},
        length);
  }

  private static void checkFractions(double train, double validation) {
    if (!(train > 0) || !(validation > 0) || !(train + validation < 1)) {
      throw new IllegalArgumentException(
          "bytes: fractions must be > 0 with train + validation < 1 (the rest is test), got train " + train
              + ", validation " + validation);
    }
  }

  private static ByteBuffer slice(ByteBuffer all, int start, int end) {
    return all.duplicate().position(start).limit(end).slice().asReadOnlyBuffer();
  }

  /** Maps a whole file read-only; the mapping stays valid after the channel is closed. */
  private static ByteBuffer map(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "bytes: " + file + " is " + size + " bytes; files up to 2 GiB can be mapped (split it into regions)");
      }
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, size).asReadOnlyBuffer();
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("bytes: no file at " + file.toAbsolutePath(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("bytes: could not map " + file.toAbsolutePath(), e);
    }
  }

  /** One window at a random offset of {@code region}; the window and its last target stay inside it. */
  public Example window(Region region, RandomGenerator rng) {
    ByteBuffer r = regions[region.ordinal()];
    return windowAt(region, rng.nextInt(0, r.remaining() - length));
  }

  /** The window starting at byte {@code offset} of {@code region} (tokens offset..offset+T-1). */
  public Example windowAt(Region region, int offset) {
    ByteBuffer r = regions[region.ordinal()];
    if (offset < 0 || offset + length >= r.remaining()) {
      throw new IllegalArgumentException(
          "bytes: a window at offset " + offset + " needs bytes up to " + (offset + length) + " but the "
              + region.name().toLowerCase(Locale.ROOT) + " region has 0 .. " + (r.remaining() - 1));
    }
    byte[] raw = new byte[length + 1];
    r.get(offset, raw); // absolute get: the shared buffer's position is never moved
    int[] tokens = new int[length];
    int[] targets = new int[length];
    for (int t = 0; t < length; t++) {
      tokens[t] = idOfByte[raw[t] & 0xff];
      targets[t] = idOfByte[raw[t + 1] & 0xff];
    }
    return new Example(tokens, targets, -1, length);
  }

  /** {@code count} windows of {@code region} at offsets drawn from a generator seeded with {@code seed}. */
  public List<Example> windows(Region region, int count, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Example> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(window(region, rng));
    }
    return out;
  }

  /** Bytes in {@code region}. */
  public long regionSize(Region region) {
    return regions[region.ordinal()].remaining();
  }

  /** Entropy of the byte distribution of the training region in bits (what a context-free model scores). */
  public double unigramBits() {
    return unigramBits;
  }

  /** Number of byte values with their own id. */
  public int symbols() {
    return byteOfId.length;
  }

  @Override
  public String name() {
    return "bytes";
  }

  @Override
  public Kind kind() {
    return Kind.SEQUENCE;
  }

  @Override
  public int length() {
    return length;
  }

  /** Reserved ids, UNK and one id per byte value seen in training. */
  @Override
  public int vocabSize() {
    return UNK + 1 + byteOfId.length;
  }

  @Override
  public int numClasses() {
    return vocabSize();
  }

  @Override
  public boolean positionOnly() {
    return false;
  }

  @Override
  public Example generate(RandomGenerator rng) {
    return window(Region.TRAIN, rng);
  }

  /** Printable ASCII as itself, space as ␣, other bytes as hex ({@code 0x0a}); reserved names otherwise. */
  @Override
  public String tokenName(int id) {
    Vocab.checkId(name(), id, vocabSize());
    if (Vocab.isReserved(id)) {
      return Vocab.reservedName(id);
    }
    if (id == UNK) {
      return "UNK";
    }
    int b = byteOfId[id - UNK - 1];
    if (b == ' ') {
      return "␣";
    }
    return b > 32 && b < 127 ? String.valueOf((char) b) : String.format(Locale.ROOT, "0x%02x", b);
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "bytes: next-byte prediction on %s (train %,d / validation %,d / test %,d bytes), %d byte values + UNK,"
            + " T=%d, a target at every position; unigram entropy %.3f bits",
        source, regionSize(Region.TRAIN), regionSize(Region.VALIDATION), regionSize(Region.TEST), symbols(),
        length, unigramBits);
  }

  @Override
  public String toString() {
    return "ByteLanguageModel(" + source + ", length=" + length + ", vocabSize=" + vocabSize() + ")";
  }
}
