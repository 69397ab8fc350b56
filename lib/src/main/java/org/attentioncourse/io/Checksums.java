package org.attentioncourse.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * SHA-256 checksums as lower-case hex strings, the form {@code sha256sum} prints, so a pinned value can be
 * checked by hand with the usual tools.
 */
public final class Checksums {

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private Checksums() {}

  /** A fresh SHA-256 digest (every Java platform must provide one). */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no SHA-256, which every Java platform must provide", e);
    }
  }

  /** SHA-256 of {@code bytes}, lower-case hex. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newSha256().digest(bytes));
  }

  /** SHA-256 of a file's bytes, read in chunks, lower-case hex. */
  public static String sha256(Path file) {
    MessageDigest md = newSha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file.toAbsolutePath() + " to checksum it", e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * {@code hex} in the canonical form (trimmed, lower-case) if it is a SHA-256 (64 hex digits); otherwise an
   * {@link IllegalArgumentException} naming {@code what}. Downloads take no "skip the check" value on purpose.
   */
  public static String requireSha256(String hex, String what) {
    String h = hex == null ? "" : hex.trim().toLowerCase(Locale.ROOT);
    if (!SHA256_HEX.matcher(h).matches()) {
      throw new IllegalArgumentException(
          "the SHA-256 for " + what + " must be 64 hex digits, got '" + hex + "'");
    }
    return h;
  }

  /** Throws {@link ChecksumMismatchException} unless the two checksums are equal (case-insensitively). */
  public static void verify(String what, String expected, String actual, String advice) {
    if (!expected.equalsIgnoreCase(actual)) {
      throw new ChecksumMismatchException(
          what, expected.toLowerCase(Locale.ROOT), actual.toLowerCase(Locale.ROOT), advice);
    }
  }
}
