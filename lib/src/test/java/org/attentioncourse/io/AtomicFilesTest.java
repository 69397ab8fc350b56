package org.attentioncourse.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @Test
  void replacesContentAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("sub/result.csv");
    AtomicFiles.writeString(f, "a\n1\n");
    AtomicFiles.writeString(f, "a\n2\n");
    assertEquals("a\n2\n", Files.readString(f));
    try (var files = Files.list(f.getParent())) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void aFailedWriteNamesTheFileAndKeepsTheOldOne(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("model.bin");
    AtomicFiles.writeString(f, "old");
    Path blocker = dir.resolve("blocker");
    Files.writeString(blocker, "a file, not a folder");
    var e =
        assertThrows(
            UncheckedIOException.class, () -> AtomicFiles.writeString(blocker.resolve("x.bin"), "new"));
    assertTrue(e.getMessage().contains("x.bin"), e.getMessage());
    assertEquals("old", Files.readString(f));
  }

  @Test
  void contentThatThrowsLeavesTheTargetAsItWasAndNoTemporaryFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("data.txt");
    var e = assertThrows(ChecksumMismatchException.class, () -> AtomicFiles.write(f, out -> {
      out.write(new byte[100_000]); // more than one buffer: bytes reach the temporary file before the check
      throw new ChecksumMismatchException("data.txt", "a", "b", "Nothing was written.");
    }));
    assertTrue(e.getMessage().contains("Nothing was written"), e.getMessage());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "neither the target nor a temporary file");
    }
    AtomicFiles.writeString(f, "old");
    assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(f, out -> {
      out.write(1);
      throw new java.io.IOException("disk full");
    }));
    assertEquals("old", Files.readString(f));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }

  @Test
  void finishedFilesAreReadableByAllOnPosixFileSystems(@TempDir Path dir) throws Exception {
    Path f = AtomicFiles.writeString(dir.resolve("dataset.txt"), "text");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        f.getFileSystem().supportedFileAttributeViews().contains("posix"), "not a POSIX file system");
    assertEquals("rw-r--r--",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
  }
}
