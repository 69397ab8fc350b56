package org.attentioncourse.io;

/**
 * Bytes whose SHA-256 is not the one the code expects: a changed upstream package, a truncated download, a
 * file edited by hand. The message names the thing checked, both checksums and what to do.
 */
public final class ChecksumMismatchException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String what;
  private final String expected;
  private final String actual;

  /**
   * @param what the thing checked, for example {@code "moby-dick.txt"}
   * @param expected the pinned SHA-256, lower-case hex
   * @param actual the SHA-256 measured now, lower-case hex
   * @param advice one sentence on the consequence and the remedy, for example "Nothing was written."
   */
  public ChecksumMismatchException(String what, String expected, String actual, String advice) {
    super("SHA-256 mismatch for " + what + ": expected " + expected + ", actual " + actual
        + (advice == null || advice.isBlank() ? "" : ". " + advice));
    this.what = what;
    this.expected = expected;
    this.actual = actual;
  }

  /** The thing whose checksum was wrong. */
  public String what() {
    return what;
  }

  /** The SHA-256 the code expects. */
  public String expected() {
    return expected;
  }

  /** The SHA-256 that was measured. */
  public String actual() {
    return actual;
  }
}
