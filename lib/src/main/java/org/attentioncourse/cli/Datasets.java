package org.attentioncourse.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.attentioncourse.io.Archives;
import org.attentioncourse.io.AtomicFiles;
import org.attentioncourse.io.ChecksumMismatchException;
import org.attentioncourse.io.Checksums;

/**
 * Download steps for the corpora of the full-scale configs: enwik8, WikiText-103 (raw) and the GLUE tasks.
 * Each step downloads an archive, checks its SHA-256, unpacks it safely ({@link Archives}) and checks what came
 * out.
 *
 * <p><b>Checksums.</b> The course pins no SHA-256 for these archives: none could be confirmed from a source the
 * course trusts, and an invented value would be worse than none. So every download needs one of
 *
 * <ul>
 *   <li>{@code --sha256 HEX}: the SHA-256 you got from a source you trust (a colleague's copy, the publisher); the
 *       download is kept only if it matches;
 *   <li>{@code --trust-first-download}: keep what arrives now and record its SHA-256 in {@code DIR/}{@value
 *       #LOCK_FILE} (the {@code sha256sum} format: {@code sha256sum -c sha256.lock} re-checks it). Every later
 *       download or check in that folder must match the recorded value. This is "trust on first use": it
 *       protects against later changes, not against a bad first download.
 * </ul>
 *
 * A value already in the lock file is used without either flag.
 *
 * <p><b>Partial downloads.</b> Bytes stream into {@code DIR/ARCHIVE.part}, hashed on the way; only a complete,
 * matching download is renamed to {@code DIR/ARCHIVE}. On a mismatch, an interrupted transfer or any other
 * error the {@code .part} file is deleted and the message says so.
 *
 * <p><b>What must come out.</b> enwik8 must unpack to one file {@code enwik8} of exactly 10⁸ bytes (it is by
 * definition the first 10⁸ bytes of an English Wikipedia XML dump); WikiText-103 to {@code
 * wikitext-103-raw/wiki.{train,valid,test}.raw}; a GLUE task to a folder with a {@code train.tsv}. Otherwise the
 * unpacked files are deleted again, with a message.
 */
public final class Datasets {

  /** The file, in the download folder, that records checksums trusted on first download. */
  public static final String LOCK_FILE = "sha256.lock";

  /** enwik8's size: the first 10⁸ bytes of the dump. */
  public static final long ENWIK8_BYTES = 100_000_000L;

  /** What must be true of the folder after unpacking; throws {@link IllegalStateException} otherwise. */
  @FunctionalInterface
  public interface Check {
    /** Checks {@code dir} and returns a one-line description of what is there. */
    String verify(Path dir);
  }

  /**
   * A downloadable dataset.
   *
   * @param name the name on the command line
   * @param url where the archive is published, or null when there is no default (pass {@code --url})
   * @param archive the archive's file name in the download folder ({@code .zip}, {@code .tar.gz})
   * @param sha256 a pinned SHA-256, or null (none is pinned today; see the class comment)
   * @param description one line for {@code --help}
   * @param check what unpacking must produce
   */
  public record Dataset(String name, String url, String archive, String sha256, String description, Check check) {}

  /** Options of one download. */
  public record Options(String url, String sha256, boolean trustFirstDownload) {
    public static Options none() {
      return new Options(null, null, false);
    }
  }

  private static final Map<String, Dataset> ALL = new LinkedHashMap<>();

  private static void add(Dataset d) {
    ALL.put(d.name(), d);
  }

  static {
    add(new Dataset(
        "enwik8", "http://mattmahoney.net/dc/enwik8.zip", "enwik8.zip", null,
        "first 10^8 bytes of an English Wikipedia dump (Hutter Prize); byte-level LM, 90M/5M/5M split",
        Datasets::checkEnwik8));
    add(new Dataset(
        "wikitext-103", "https://wikitext.smerity.com/wikitext-103-raw-v1.zip", "wikitext-103-raw-v1.zip", null,
        "WikiText-103 raw (Merity et al. 2016): wiki.train.raw, wiki.valid.raw, wiki.test.raw",
        Datasets::checkWikiText));
    glue("cola", "CoLA", "https://dl.fbaipublicfiles.com/glue/data/CoLA.zip");
    glue("sst2", "SST-2", "https://dl.fbaipublicfiles.com/glue/data/SST-2.zip");
    glue("mrpc", "MRPC", null); // GLUE's own download script cannot host MRPC (licence): no default URL
    glue("mnli", "MNLI", "https://dl.fbaipublicfiles.com/glue/data/MNLI.zip");
    glue("qnli", "QNLI", "https://dl.fbaipublicfiles.com/glue/data/QNLIv2.zip");
    glue("qqp", "QQP", "https://dl.fbaipublicfiles.com/glue/data/QQP-clean.zip");
    glue("rte", "RTE", "https://dl.fbaipublicfiles.com/glue/data/RTE.zip");
    glue("stsb", "STS-B", "https://dl.fbaipublicfiles.com/glue/data/STS-B.zip");
    glue("wnli", "WNLI", "https://dl.fbaipublicfiles.com/glue/data/WNLI.zip");
  }

  private static void glue(String task, String folder, String url) {
    add(new Dataset(
        "glue-" + task, url, folder + ".zip", null,
        "GLUE " + folder + (url == null ? " (no default URL: pass --url to an archive you have)" : ""),
        dir -> checkGlue(dir, folder)));
  }

  private Datasets() {}

  /** Every dataset, in a stable order. */
  public static List<Dataset> all() {
    return List.copyOf(ALL.values());
  }

  /** The dataset called {@code name}; an error listing the known names otherwise. */
  public static Dataset get(String name) {
    Dataset d = ALL.get(name);
    if (d == null) {
      throw new IllegalArgumentException(
          "unknown dataset '" + name + "'" + ExperimentConfig.suggestion(name, ALL.keySet()) + "; known: "
              + String.join(", ", ALL.keySet()));
    }
    return d;
  }

  /** GLUE's folder name for a config's glue_task (cola → CoLA). */
  public static String glueFolder(String task) {
    return switch (task) {
      case "cola" -> "CoLA";
      case "sst2" -> "SST-2";
      case "mrpc" -> "MRPC";
      default -> throw new IllegalArgumentException("no GLUE folder for task '" + task + "'");
    };
  }

  /** enwik8's unpacked file in a download folder. */
  public static Path enwik8File(Path dir) {
    return dir.resolve("enwik8");
  }

  /** WikiText-103 raw's train, validation and test files in a download folder. */
  public static List<Path> wikiTextFiles(Path dir) {
    Path d = dir.resolve("wikitext-103-raw");
    return List.of(d.resolve("wiki.train.raw"), d.resolve("wiki.valid.raw"), d.resolve("wiki.test.raw"));
  }

  static String checkEnwik8(Path dir) {
    Path f = enwik8File(dir);
    if (!Files.isRegularFile(f)) {
      throw new IllegalStateException("the archive did not contain a file named enwik8 (looked for " + f + ")");
    }
    long size = size(f);
    if (size != ENWIK8_BYTES) {
      throw new IllegalStateException(String.format(
          Locale.ROOT,
          "%s has %,d bytes, but enwik8 is by definition the first 10^8 bytes (%,d) of the Wikipedia dump", f,
          size, ENWIK8_BYTES));
    }
    return String.format(Locale.ROOT, "%s: %,d bytes (90M train / 5M validation / 5M test)", f, size);
  }

  static String checkWikiText(Path dir) {
    StringBuilder s = new StringBuilder();
    for (Path f : wikiTextFiles(dir)) {
      if (!Files.isRegularFile(f) || size(f) == 0) {
        throw new IllegalStateException("the archive did not contain a non-empty " + dir.relativize(f));
      }
      s.append(String.format(Locale.ROOT, "%s%s %,d bytes", s.length() == 0 ? "" : ", ", f.getFileName(), size(f)));
    }
    return dir.resolve("wikitext-103-raw") + ": " + s;
  }

  static String checkGlue(Path dir, String folder) {
    Path expected = dir.resolve(folder).resolve("train.tsv");
    if (Files.isRegularFile(expected)) {
      return expected.getParent() + ": train.tsv " + String.format(Locale.ROOT, "%,d bytes", size(expected));
    }
    throw new IllegalStateException("the archive did not contain " + folder + "/train.tsv");
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  /**
   * Downloads (unless already there), checks and unpacks {@code d} into {@code dir}. Returns the folder.
   *
   * @throws IllegalArgumentException when no SHA-256 is known and none was given (the message says how)
   * @throws ChecksumMismatchException when the download (or the archive already there) has another SHA-256
   */
  public static Path download(Dataset d, Path dir, Options o, PrintStream out) {
    Path folder = dir.toAbsolutePath().normalize();
    String url = o.url() != null ? o.url() : d.url();
    if (url == null) {
      throw new IllegalArgumentException(
          d.name() + " has no default URL (" + d.description() + "); pass --url URL (https:, http: or file:)");
    }
    URI source = URI.create(url);
    Path archive = folder.resolve(o.url() != null ? archiveName(source, d) : d.archive());
    Path lock = folder.resolve(LOCK_FILE);
    String expected = expectedSha256(d, archive, lock, o);
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + folder, e);
    }
    String actual;
    if (Files.exists(archive)) {
      actual = Checksums.sha256(archive);
      out.println(d.name() + ": " + archive + " is already there; checking its SHA-256");
      if (expected != null) {
        Checksums.verify(
            archive.toString(), expected, actual,
            "The file was left as it is; delete it to download " + url + " again");
      }
    } else {
      actual = fetch(source, archive, expected, out);
    }
    if (expected == null) {
      recordTrusted(lock, archive.getFileName().toString(), actual);
      out.println(d.name() + ": recorded SHA-256 " + actual + " of " + archive.getFileName() + " in " + lock
          + " (trusted on first download: not checked against a published value)");
    } else {
      out.println(d.name() + ": SHA-256 " + actual + " matches");
    }
    unpack(d, archive, actual, folder, out);
    return folder;
  }

  /** The archive name for a --url download: the URL's last path segment if it is an archive, else the default. */
  private static String archiveName(URI source, Dataset d) {
    String path = source.getPath();
    if (path != null) {
      String last = path.substring(path.lastIndexOf('/') + 1);
      try {
        Archives.Format.of(last);
        return last;
      } catch (IllegalArgumentException ignored) {
        // not an archive name: keep the dataset's own
      }
    }
    return d.archive();
  }

  /** The SHA-256 the download must have: --sha256, the pinned one, the lock file's, or null (trust first). */
  static String expectedSha256(Dataset d, Path archive, Path lock, Options o) {
    String given = o.sha256() == null ? null : Checksums.requireSha256(o.sha256(), d.name() + " (--sha256)");
    String locked = readLock(lock).get(archive.getFileName().toString());
    String pinned = d.sha256();
    if (given != null && pinned != null && !given.equals(pinned)) {
      throw new IllegalArgumentException(
          "--sha256 " + given + " differs from the SHA-256 the course pins for " + d.name() + " (" + pinned + ")");
    }
    if (given != null && locked != null && !given.equals(locked)) {
      throw new IllegalArgumentException(
          "--sha256 " + given + " differs from the SHA-256 recorded for " + archive.getFileName() + " in " + lock
              + " (" + locked + "); if the recorded one is wrong, delete that line and the archive");
    }
    if (given != null) {
      return given;
    }
    if (pinned != null) {
      return pinned;
    }
    if (locked != null) {
      return locked;
    }
    if (o.trustFirstDownload()) {
      return null;
    }
    throw new IllegalArgumentException(
        "no SHA-256 is known for " + d.name() + " (" + archive.getFileName() + "): the course pins none that it could"
            + " confirm. Pass --sha256 HEX with a checksum from a source you trust, or --trust-first-download to keep"
            + " what arrives now and record its SHA-256 in " + lock + " (later downloads must then match it)");
  }

  /** Reads a {@code sha256sum}-style lock file: file name → checksum. */
  static Map<String, String> readLock(Path lock) {
    Map<String, String> m = new LinkedHashMap<>();
    if (!Files.exists(lock)) {
      return m;
    }
    try {
      for (String line : Files.readAllLines(lock, StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (l.isEmpty()) {
          continue;
        }
        String[] parts = l.split("\\s+\\*?", 2);
        if (parts.length != 2) {
          throw new IllegalStateException(lock + ": line '" + line + "' is not 'SHA256  FILE'");
        }
        m.put(parts[1], Checksums.requireSha256(parts[0], lock + " entry for " + parts[1]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + lock, e);
    }
    return m;
  }

  private static void recordTrusted(Path lock, String file, String sha) {
    Map<String, String> m = readLock(lock);
    m.put(file, sha);
    StringBuilder s = new StringBuilder();
    m.forEach((f, h) -> s.append(h).append("  ").append(f).append('\n'));
    AtomicFiles.writeString(lock, s.toString());
  }

  /**
   * Streams {@code source} into {@code archive}.part, hashing on the way, and renames it to {@code archive}
   * when complete and (if {@code expected} is not null) matching. Returns the SHA-256.
   */
  static String fetch(URI source, Path archive, String expected, PrintStream out) {
    Path part = archive.resolveSibling(archive.getFileName() + ".part");
    out.println("downloading " + source + " to " + part);
    long t0 = System.nanoTime();
    MessageDigest md = Checksums.newSha256();
    long n = 0;
    try {
      URLConnection c = open(source);
      long length = c.getContentLengthLong();
      long nextReport = length > 0 ? Math.max(1, length / 10) : 16L << 20;
      byte[] buffer = new byte[1 << 16];
      try (InputStream in = c.getInputStream(); OutputStream o = Files.newOutputStream(part)) {
        for (int r; (r = in.read(buffer)) > 0; ) {
          if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted after " + n + " bytes");
          }
          md.update(buffer, 0, r);
          o.write(buffer, 0, r);
          n += r;
          if (n >= nextReport) {
            out.println(length > 0
                ? String.format(Locale.ROOT, "  %,d of %,d bytes (%d %%)", n, length, 100 * n / length)
                : String.format(Locale.ROOT, "  %,d bytes", n));
            nextReport += length > 0 ? Math.max(1, length / 10) : 16L << 20;
          }
        }
      }
      if (length >= 0 && n != length) {
        throw new IOException("the transfer stopped after " + n + " of " + length + " bytes");
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(part);
      String msg = e instanceof CancellationException ? e.getMessage() : e.toString();
      throw new IllegalStateException(
          "download of " + source + " failed (" + msg + "). The partial download " + part + " was deleted", e);
    }
    String actual = HexFormat.of().formatHex(md.digest());
    if (expected != null && !expected.equals(actual)) {
      deleteQuietly(part);
      throw new ChecksumMismatchException(
          source.toString(), expected, actual,
          "The partial download " + part + " was deleted; nothing was kept. If the source really changed, check the"
              + " new SHA-256 with its publisher before passing it as --sha256");
    }
    try {
      try {
        Files.move(part, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, archive, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      deleteQuietly(part);
      throw new UncheckedIOException("could not rename " + part + " to " + archive + "; the partial download was deleted", e);
    }
    out.println(String.format(
        Locale.ROOT, "  %,d bytes in %.1f s -> %s", n, (System.nanoTime() - t0) / 1e9, archive));
    return actual;
  }

  /** Opens a connection, following up to five redirects (also from http to https, which Java does not). */
  private static URLConnection open(URI source) throws IOException {
    URI current = source;
    for (int hop = 0; hop < 6; hop++) {
      URLConnection c = current.toURL().openConnection();
      c.setConnectTimeout(30_000);
      c.setReadTimeout(120_000);
      if (!(c instanceof HttpURLConnection http)) {
        return c; // file:, jar:
      }
      http.setInstanceFollowRedirects(false);
      int code = http.getResponseCode();
      if (code >= 300 && code < 400 && http.getHeaderField("Location") != null) {
        current = current.resolve(http.getHeaderField("Location"));
        http.disconnect();
        continue;
      }
      if (code != 200) {
        throw new IOException("HTTP " + code + " " + http.getResponseMessage() + " from " + current);
      }
      return http;
    }
    throw new IOException("more than five redirects from " + source);
  }

  /** Unpacks unless a marker says this exact archive was unpacked before; then checks the result. */
  private static void unpack(Dataset d, Path archive, String sha, Path folder, PrintStream out) {
    Path marker = folder.resolve("." + archive.getFileName() + ".unpacked");
    if (Files.exists(marker)) {
      try {
        if (Files.readString(marker, StandardCharsets.UTF_8).strip().equals(sha)) {
          out.println(d.name() + ": already unpacked; " + d.check().verify(folder));
          return;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + marker, e);
      }
    }
    out.println(d.name() + ": unpacking " + archive.getFileName() + " into " + folder);
    Archives.Result r = Archives.extract(archive, folder);
    String what;
    try {
      what = d.check().verify(folder);
    } catch (IllegalStateException e) {
      List<Path> removed = removeUnpacked(folder, r.files());
      throw new IllegalStateException(
          d.name() + ": " + e.getMessage() + ". The " + removed.size() + " unpacked file(s) were deleted again; the"
              + " archive " + archive + " was kept (delete it if it is the wrong file)", e);
    }
    AtomicFiles.writeString(marker, sha + "\n");
    out.println(String.format(
        Locale.ROOT, "%s: unpacked %d file(s), %,d bytes%s; %s", d.name(), r.files().size(), r.bytes(),
        r.skippedLinks().isEmpty() ? "" : " (links not created: " + r.skippedLinks() + ")", what));
  }

  /** Deletes unpacked files and then the folders they leave empty, up to {@code folder}. */
  private static List<Path> removeUnpacked(Path folder, List<Path> files) {
    List<Path> removed = new ArrayList<>();
    for (Path f : files) {
      if (deleteQuietly(f)) {
        removed.add(f);
      }
      for (Path p = f.getParent(); p != null && !p.equals(folder) && p.startsWith(folder); p = p.getParent()) {
        try (Stream<Path> s = Files.list(p)) {
          if (s.findAny().isPresent()) {
            break;
          }
        } catch (IOException e) {
          break;
        }
        deleteQuietly(p);
      }
    }
    return removed;
  }

  private static boolean deleteQuietly(Path p) {
    try {
      return Files.deleteIfExists(p);
    } catch (IOException e) {
      return false;
    }
  }
}
