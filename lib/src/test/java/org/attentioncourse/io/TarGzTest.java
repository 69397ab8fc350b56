package org.attentioncourse.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarGzTest {

  static final String LONG_FOLDER = "package/" + "deeply-nested-folder-name/".repeat(5);

  @Test
  void readsRegularFilesInArchiveOrderWithTheirBytes() {
    byte[] big = new byte[1500]; // spans three blocks, the last one padded
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    byte[] tgz = new TestTarball()
        .folder("package")
        .file("package/b.txt", "bee\n")
        .file("package/empty.txt", new byte[0])
        .file("package/a.bin", big)
        .tgz();
    Map<String, byte[]> files = TarGz.read(tgz, name -> true);
    assertEquals(List.of("package/b.txt", "package/empty.txt", "package/a.bin"), List.copyOf(files.keySet()));
    assertEquals("bee\n", new String(files.get("package/b.txt"), StandardCharsets.UTF_8));
    assertEquals(0, files.get("package/empty.txt").length);
    assertArrayEquals(big, files.get("package/a.bin"));
  }

  @Test
  void keepsOnlyWhatThePredicateAccepts() {
    byte[] tgz = new TestTarball().file("x/1.txt", "1").file("x/2.json", "{}").file("x/3.txt", "3").tgz();
    assertEquals(List.of("x/1.txt", "x/3.txt"), List.copyOf(TarGz.read(tgz, n -> n.endsWith(".txt")).keySet()));
  }

  @Test
  void understandsUstarPrefixPaxAndGnuLongNames() {
    String viaPrefix = LONG_FOLDER + "prefix.txt";
    String viaPax = LONG_FOLDER + "pax-header-named-file.txt";
    String viaGnu = LONG_FOLDER + "gnu-long-link-named-file.txt";
    assertTrue(viaPrefix.length() > 100 && viaPax.length() > 100 && viaGnu.length() > 100);
    byte[] tgz = new TestTarball()
        .file(viaPrefix, "p")
        .paxFile(viaPax, "x".getBytes(StandardCharsets.UTF_8))
        .gnuLongFile(viaGnu, "g".getBytes(StandardCharsets.UTF_8))
        .file("short.txt", "s") // a long name applies to one entry only
        .tgz();
    Map<String, byte[]> files = TarGz.read(tgz, n -> true);
    assertEquals(List.of(viaPrefix, viaPax, viaGnu, "short.txt"), List.copyOf(files.keySet()));
    assertEquals("x", new String(files.get(viaPax), StandardCharsets.UTF_8));
    assertEquals("g", new String(files.get(viaGnu), StandardCharsets.UTF_8));
  }

  @Test
  void aCorruptHeaderFailsWithAMessage() {
    byte[] raw = new TestTarball().file("package/a.txt", "hello").rawTar();
    raw[10] ^= 1; // one bit of the name: the header checksum no longer matches
    byte[] tgz = TestTarball.gzip(concat(raw, new byte[1024]));
    var e = assertThrows(java.io.UncheckedIOException.class, () -> TarGz.read(tgz, n -> true));
    assertTrue(e.getMessage().contains("checksum") && e.getMessage().contains("corrupt"), e.getMessage());
  }

  @Test
  void anEntryNamedToEscapeItsFolderRejectsTheWholeArchive() {
    String[] bad = {"package/../../etc/cron.d/x", "../x.txt", "/etc/passwd", "C:/Windows/x", "package\\..\\x",
        "package/data/.."};
    for (String name : bad) {
      byte[] tgz = new TestTarball().file("package/ok.txt", "fine").file(name, "payload").tgz();
      var e = assertThrows(java.io.UncheckedIOException.class, () -> TarGz.read(tgz, n -> n.endsWith("ok.txt")),
          name);
      assertTrue(e.getMessage().contains("'" + name + "'") && e.getMessage().contains("could escape"),
          e.getMessage());
    }
    byte[] viaPax = new TestTarball().paxFile("package/../../x", "p".getBytes(StandardCharsets.UTF_8)).tgz();
    assertThrows(java.io.UncheckedIOException.class, () -> TarGz.read(viaPax, n -> true));
    byte[] viaGnu = new TestTarball().gnuLongFile("/abs/" + "n".repeat(120), new byte[1]).tgz();
    assertThrows(java.io.UncheckedIOException.class, () -> TarGz.read(viaGnu, n -> true));
    // names that only look odd are fine
    byte[] ok = new TestTarball().file("./package/a..b.txt", "1").file("package/.hidden", "2").tgz();
    assertEquals(2, TarGz.read(ok, n -> true).size());
  }

  @Test
  void aTruncatedArchiveFailsNamingTheEntry() {
    byte[] raw = new TestTarball().file("package/a.txt", new byte[2000]).rawTar();
    byte[] cut = Arrays.copyOf(raw, 512 + 1000); // header and half the data
    var e = assertThrows(EOFException.class,
        () -> TarGz.read(new ByteArrayInputStream(TestTarball.gzip(cut)), n -> true));
    assertTrue(e.getMessage().contains("package/a.txt"), e.getMessage());
  }

  /** An archive written by GNU tar (an independent writer), with a long pax name; skipped without tar. */
  @Test
  void readsAnArchiveWrittenByGnuTar(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("src");
    Path deep = root.resolve(LONG_FOLDER);
    Files.createDirectories(deep);
    Files.writeString(deep.resolve("chapter_1.txt"), "Call me Ishmael.\n");
    Files.writeString(root.resolve("package/short.txt"), "short\n");
    Path tgz = dir.resolve("a.tgz");
    Process p;
    try {
      p = new ProcessBuilder("tar", "--format=pax", "-czf", tgz.toString(), "-C", root.toString(), "package")
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("no tar on this machine: " + e.getMessage());
      return;
    }
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    Assumptions.assumeTrue(p.exitValue() == 0, "tar --format=pax is not supported here");
    Map<String, byte[]> files = TarGz.read(Files.readAllBytes(tgz), n -> true);
    assertEquals("Call me Ishmael.\n",
        new String(files.get(LONG_FOLDER + "chapter_1.txt"), StandardCharsets.UTF_8), files.keySet().toString());
    assertEquals("short\n", new String(files.get("package/short.txt"), StandardCharsets.UTF_8));
    assertEquals(2, files.size(), "folders are not files: " + files.keySet());
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
