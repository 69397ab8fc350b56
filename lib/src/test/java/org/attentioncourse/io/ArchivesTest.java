package org.attentioncourse.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safe unpacking: entries that would escape the target folder are refused and nothing is left behind. */
class ArchivesTest {

  static byte[] zip(String... namesAndTexts) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (int i = 0; i < namesAndTexts.length; i += 2) {
        z.putNextEntry(new ZipEntry(namesAndTexts[i]));
        z.write(namesAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  static Path write(Path dir, String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  /** Every path under {@code dir}, relative, sorted: what an extraction left there. */
  static List<String> tree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> !p.equals(dir)).forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
    }
    out.sort(null);
    return out;
  }

  @Test
  void unpacksAZipAndATarGzIntoTheFolder(@TempDir Path tmp) throws IOException {
    Path zip = write(tmp, "a.zip", zip("data/", "", "data/train.tsv", "x\t1\n", "./README", "hi"));
    Archives.Result r = Archives.extract(zip, tmp.resolve("out"));
    assertEquals(List.of("README", "data", "data/train.tsv"), tree(tmp.resolve("out")));
    assertEquals("x\t1\n", Files.readString(tmp.resolve("out/data/train.tsv")));
    assertEquals(2, r.files().size());
    assertEquals(6, r.bytes());

    byte[] tgz = new TestTarball().folder("pkg").file("pkg/a.txt", "alpha").file("pkg/sub/b.txt", "beta").tgz();
    Path t = write(tmp, "b.tar.gz", tgz);
    Archives.extract(t, tmp.resolve("out2"));
    assertEquals(List.of("pkg", "pkg/a.txt", "pkg/sub", "pkg/sub/b.txt"), tree(tmp.resolve("out2")));
    assertArrayEquals("beta".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(tmp.resolve("out2/pkg/sub/b.txt")));
  }

  @Test
  void aZipEntryWithDotDotIsRefusedAndNothingIsUnpacked(@TempDir Path tmp) throws IOException {
    Path zip = write(tmp, "evil.zip", zip("good.txt", "fine", "sub/../../escaped.txt", "gotcha"));
    Path out = tmp.resolve("out");
    var e = assertThrows(Archives.UnsafeEntryException.class, () -> Archives.extract(zip, out));
    assertTrue(e.getMessage().contains("sub/../../escaped.txt") && e.getMessage().contains("'..'"), e.getMessage());
    assertTrue(e.getMessage().contains("Nothing was unpacked"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("escaped.txt")), "the entry must not have been written outside");
    assertEquals(List.of(), tree(out), "not even the good entry before it, nor the staging folder, is left");
  }

  @Test
  void absolutePathsDriveLettersAndBackslashesAreRefused(@TempDir Path tmp) throws IOException {
    for (String name : List.of("/etc/passwd-copy", "C:/Windows/x.txt", "..\\..\\x.txt", "a/../../b")) {
      Path zip = write(tmp, "x.zip", zip(name, "data"));
      var e = assertThrows(Archives.UnsafeEntryException.class, () -> Archives.extract(zip, tmp.resolve("out")),
          name);
      assertEquals(name, e.entry());
      assertEquals(List.of(), tree(tmp.resolve("out")), name);
    }
    byte[] tgz = new TestTarball().file("ok.txt", "ok").file("../outside.txt", "no").tgz();
    Path t = write(tmp, "x.tgz", tgz);
    var e = assertThrows(Archives.UnsafeEntryException.class, () -> Archives.extract(t, tmp.resolve("out")));
    assertEquals("../outside.txt", e.entry());
    assertFalse(Files.exists(tmp.resolve("outside.txt")));
  }

  @Test
  void symbolicLinksPointingOutAreRefused(@TempDir Path tmp) throws IOException {
    // the classic two-step escape: a link to a folder outside, then a file "inside" the link
    byte[] tgz = new TestTarball().symlink("data/escape", "../../../home").file("data/escape/.bashrc", "evil").tgz();
    Path t = write(tmp, "links.tar.gz", tgz);
    var e = assertThrows(Archives.UnsafeEntryException.class, () -> Archives.extract(t, tmp.resolve("out")));
    assertTrue(e.getMessage().contains("points outside the folder"), e.getMessage());
    assertEquals(List.of(), tree(tmp.resolve("out")));

    byte[] absolute = new TestTarball().symlink("etc", "/etc").tgz();
    Path a = write(tmp, "abs.tar.gz", absolute);
    var e2 = assertThrows(Archives.UnsafeEntryException.class, () -> Archives.extract(a, tmp.resolve("out")));
    assertTrue(e2.getMessage().contains("absolute path '/etc'"), e2.getMessage());

    byte[] hard = new TestTarball().hardLink("passwd", "../../etc/passwd").tgz();
    Path h = write(tmp, "hard.tar.gz", hard);
    assertThrows(Archives.UnsafeEntryException.class, () -> Archives.extract(h, tmp.resolve("out")));
  }

  @Test
  void linksInsideTheFolderAreNotCreatedButReported(@TempDir Path tmp) throws IOException {
    byte[] tgz = new TestTarball().file("d/real.txt", "r").symlink("d/alias.txt", "real.txt").tgz();
    Path t = write(tmp, "ok.tgz", tgz);
    Archives.Result r = Archives.extract(t, tmp.resolve("out"));
    assertEquals(List.of("d/alias.txt -> real.txt"), r.skippedLinks());
    assertEquals(List.of("d", "d/real.txt"), tree(tmp.resolve("out")));
  }

  @Test
  void anExistingFileIsNeverOverwritten(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "mine");
    Path zip = write(tmp, "c.zip", zip("new.txt", "n", "keep.txt", "theirs"));
    var e = assertThrows(IllegalStateException.class, () -> Archives.extract(zip, out));
    assertTrue(e.getMessage().contains("keep.txt") && e.getMessage().contains("already exists"), e.getMessage());
    assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    assertEquals(List.of("keep.txt"), tree(out), "new.txt was not moved in either");
  }

  @Test
  void theTarWalkReportsLinksWithTheirTargets() throws IOException {
    byte[] tgz = new TestTarball().file("a", "x").symlink("b", "a").hardLink("c", "a").folder("d").tgz();
    List<String> seen = new ArrayList<>();
    TarGz.forEach(new ByteArrayInputStream(tgz), (entry, data) ->
        seen.add(entry.name() + " " + entry.type() + " " + entry.linkName() + " " + new String(data.readAllBytes(),
            StandardCharsets.UTF_8)));
    assertEquals(List.of("a 0  x", "b 2 a ", "c 1 a ", "d/ 5  "), seen);
  }

  @Test
  void theFormatComesFromTheName() {
    assertEquals(Archives.Format.ZIP, Archives.Format.of("X.ZIP"));
    assertEquals(Archives.Format.TAR_GZ, Archives.Format.of("a.tar.gz"));
    assertEquals(Archives.Format.TAR_GZ, Archives.Format.of("a.tgz"));
    var e = assertThrows(IllegalArgumentException.class, () -> Archives.Format.of("a.rar"));
    assertTrue(e.getMessage().contains(".zip, .tar.gz or .tgz"));
  }
}
