package org.attentioncourse.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files so that a reader sees either the old content or the new, never half a file: the bytes go to a
 * temporary file in the same folder, which is then renamed over the target. A crash or a stopped kernel in the
 * middle of a write leaves the previous model, table or chart intact.
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /** Produces a file's content; called once, with a stream into the temporary file. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code bytes} to {@code target}, creating parent folders. */
  public static Path write(Path target, byte[] bytes) {
    return write(target, out -> out.write(bytes));
  }

  /**
   * Streams {@code content} into a temporary file beside {@code target}, then renames it over the target. If
   * {@code content} throws, the temporary file is deleted, the target is left as it was, and the exception
   * propagates (an {@link IOException} wrapped in {@link UncheckedIOException}, anything else as it is). That
   * is what makes "check, then keep" possible: a download can verify its checksum at the end of {@code
   * content} and throw, and nothing is written.
   */
  public static Path write(Path target, Content content) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
      readableByAll(tmp);
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        content.writeTo(out);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      return abs;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + abs + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temporary file is hidden and named after its target
        }
      }
    }
  }

  /**
   * A temporary file is created owner-only (rw-------); the finished file should have the usual rw-r--r-- like
   * any other file the course writes (a dataset, a chart). File systems without POSIX permissions are left as
   * they are.
   */
  private static void readableByAll(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system (Windows): its defaults apply
    }
  }

  /** Writes {@code text} as UTF-8 to {@code target}. */
  public static Path writeString(Path target, String text) {
    return write(target, text.getBytes(StandardCharsets.UTF_8));
  }
}
