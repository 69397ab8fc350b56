package org.attentioncourse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.attentioncourse.io.Archives;
import org.attentioncourse.io.ChecksumMismatchException;
import org.attentioncourse.io.Checksums;
import org.attentioncourse.io.TestTarball;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download steps, against fixture archives built here and served from {@code file:} URIs (this machine cannot
 * reach the real sites; the code path is the same apart from HTTP redirects).
 */
class DatasetsTest {

  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

  static byte[] zip(Object... namesAndContents) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        z.putNextEntry(new ZipEntry((String) namesAndContents[i]));
        Object c = namesAndContents[i + 1];
        z.write(c instanceof byte[] b ? b : ((String) c).getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** A fixture served from a folder outside the download folder. */
  static String serve(Path tmp, String name, byte[] bytes) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("server"));
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f.toUri().toString();
  }

  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void aChecksumMismatchDeletesThePartialDownloadAndSaysSo(@TempDir Path tmp) throws IOException {
    String url = serve(tmp, "SST-2.zip", zip("SST-2/train.tsv", "sentence\tlabel\nfine\t1\n"));
    Path to = tmp.resolve("glue");
    String wrong = "0".repeat(64);
    var e = assertThrows(ChecksumMismatchException.class, () ->
        Datasets.download(Datasets.get("glue-sst2"), to, new Datasets.Options(url, wrong, false), out));
    assertTrue(e.getMessage().contains("The partial download " + to.resolve("SST-2.zip.part") + " was deleted"),
        e.getMessage());
    assertEquals(wrong, e.expected());
    assertFalse(Files.exists(to.resolve("SST-2.zip.part")));
    assertFalse(Files.exists(to.resolve("SST-2.zip")));
    assertEquals(List.of(), files(to), "nothing was kept");
  }

  @Test
  void withoutAKnownChecksumTheUserMustChooseHowToTrustTheDownload(@TempDir Path tmp) throws IOException {
    String url = serve(tmp, "enwik8.zip", zip("enwik8", "x"));
    var e = assertThrows(IllegalArgumentException.class, () ->
        Datasets.download(Datasets.get("enwik8"), tmp.resolve("d"), new Datasets.Options(url, null, false), out));
    assertTrue(e.getMessage().contains("no SHA-256 is known for enwik8") && e.getMessage().contains("--sha256 HEX")
        && e.getMessage().contains("--trust-first-download"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("d")), "nothing was downloaded");
    var bad = assertThrows(IllegalArgumentException.class, () ->
        Datasets.download(Datasets.get("enwik8"), tmp.resolve("d"), new Datasets.Options(url, "abc", false), out));
    assertTrue(bad.getMessage().contains("must be 64 hex digits"), bad.getMessage());
  }

  @Test
  void trustOnFirstDownloadRecordsTheChecksumAndHoldsLaterDownloadsToIt(@TempDir Path tmp) throws IOException {
    byte[] first = zip("SST-2/train.tsv", "sentence\tlabel\ngood\t1\n", "SST-2/dev.tsv", "sentence\tlabel\nbad\t0\n");
    String url = serve(tmp, "SST-2.zip", first);
    Path to = tmp.resolve("glue");
    Datasets.download(Datasets.get("glue-sst2"), to, new Datasets.Options(url, null, true), out);
    String sha = Checksums.sha256(first);
    assertEquals(sha + "  SST-2.zip\n", Files.readString(to.resolve(Datasets.LOCK_FILE)), "sha256sum format");
    assertEquals("sentence\tlabel\ngood\t1\n", Files.readString(to.resolve("SST-2/train.tsv")));
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("trusted on first download"));

    // again: the archive is there, checked against the lock, and not unpacked twice
    Datasets.download(Datasets.get("glue-sst2"), to, new Datasets.Options(url, null, false), out);
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("already unpacked"));

    // the source changes; a fresh download must match the recorded checksum and does not
    Files.delete(to.resolve("SST-2.zip"));
    serve(tmp, "SST-2.zip", zip("SST-2/train.tsv", "sentence\tlabel\nchanged\t0\n"));
    var e = assertThrows(ChecksumMismatchException.class, () ->
        Datasets.download(Datasets.get("glue-sst2"), to, new Datasets.Options(url, null, false), out));
    assertEquals(sha, e.expected());
    assertTrue(e.getMessage().contains(".part was deleted"), e.getMessage());
    assertEquals("sentence\tlabel\ngood\t1\n", Files.readString(to.resolve("SST-2/train.tsv")), "old data untouched");
  }

  @Test
  void enwik8MustUnpackToExactlyTenToTheEightBytes(@TempDir Path tmp) throws IOException {
    byte[] archive = zip("enwik8", new byte[1234]);
    String url = serve(tmp, "enwik8.zip", archive);
    Path to = tmp.resolve("enwik8");
    var e = assertThrows(IllegalStateException.class, () -> Datasets.download(Datasets.get("enwik8"), to,
        new Datasets.Options(url, Checksums.sha256(archive), false), out));
    assertTrue(e.getMessage().contains("1,234 bytes") && e.getMessage().contains("first 10^8 bytes (100,000,000)")
        && e.getMessage().contains("deleted again"), e.getMessage());
    assertFalse(Files.exists(to.resolve("enwik8")), "the wrong file was removed");
    assertTrue(Files.exists(to.resolve("enwik8.zip")), "the archive is kept, with a message saying so");
  }

  @Test
  void wikiTextUnpacksToItsThreeFiles(@TempDir Path tmp) throws IOException {
    byte[] archive = zip("wikitext-103-raw/wiki.train.raw", " = Train = \n", "wikitext-103-raw/wiki.valid.raw", "v\n",
        "wikitext-103-raw/wiki.test.raw", "t\n");
    String url = serve(tmp, "wikitext-103-raw-v1.zip", archive);
    Path to = tmp.resolve("wt");
    Datasets.download(Datasets.get("wikitext-103"), to, new Datasets.Options(url, Checksums.sha256(archive), false), out);
    for (Path f : Datasets.wikiTextFiles(to)) {
      assertTrue(Files.isRegularFile(f), f.toString());
    }
    assertTrue(log.toString(StandardCharsets.UTF_8).contains("wiki.train.raw 12 bytes"), log.toString());
  }

  @Test
  void aTarGzFromAnotherUrlIsUnpackedAndAnEscapingOneIsRefused(@TempDir Path tmp) throws IOException {
    byte[] tgz = new TestTarball().file("CoLA/train.tsv", "src\t1\t\tok .\n").tgz();
    String url = serve(tmp, "cola-mirror.tar.gz", tgz);
    Path to = tmp.resolve("glue");
    Datasets.download(Datasets.get("glue-cola"), to, new Datasets.Options(url, Checksums.sha256(tgz), false), out);
    assertTrue(Files.isRegularFile(to.resolve("CoLA/train.tsv")));
    assertTrue(Files.isRegularFile(to.resolve("cola-mirror.tar.gz")), "the archive keeps the URL's name");

    byte[] evil = new TestTarball().file("RTE/train.tsv", "x").file("../../outside.txt", "gotcha").tgz();
    String evilUrl = serve(tmp, "rte.tar.gz", evil);
    Path to2 = tmp.resolve("glue2");
    var e = assertThrows(Archives.UnsafeEntryException.class, () -> Datasets.download(Datasets.get("glue-rte"), to2,
        new Datasets.Options(evilUrl, Checksums.sha256(evil), false), out));
    assertTrue(e.getMessage().contains("'..'"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("outside.txt")));
    assertEquals(List.of("rte.tar.gz"), files(to2), "only the archive; nothing was unpacked");
  }

  @Test
  void mrpcHasNoDefaultUrl(@TempDir Path tmp) {
    var e = assertThrows(IllegalArgumentException.class, () ->
        Datasets.download(Datasets.get("glue-mrpc"), tmp, new Datasets.Options(null, "0".repeat(64), false), out));
    assertTrue(e.getMessage().contains("no default URL") && e.getMessage().contains("--url"), e.getMessage());
    var unknown = assertThrows(IllegalArgumentException.class, () -> Datasets.get("enwik9"));
    assertTrue(unknown.getMessage().contains("did you mean 'enwik8'?"), unknown.getMessage());
  }
}
