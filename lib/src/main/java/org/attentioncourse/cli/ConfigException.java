package org.attentioncourse.cli;

/**
 * A config file that cannot be used: an unknown key, a bad value, a missing setting. The message starts with
 * {@code FILE:LINE:} (as compilers print it, so editors can jump there), names the section and the key, and
 * says what is allowed.
 */
public final class ConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final String section;
  private final String key;

  /**
   * @param source the file name
   * @param line 1-based line, or 0 when the problem has no line (a missing key)
   * @param section the section, or null
   * @param key the key, or null
   * @param problem what is wrong and what is allowed
   */
  public ConfigException(String source, int line, String section, String key, String problem) {
    super(source + (line > 0 ? ":" + line : "") + ": " + where(section, key) + problem);
    this.source = source;
    this.line = line;
    this.section = section;
    this.key = key;
  }

  private static String where(String section, String key) {
    if (section != null) {
      return "[" + section + "]" + (key == null ? "" : " " + key) + ": ";
    }
    return key == null ? "" : key + ": ";
  }

  public String source() {
    return source;
  }

  /** 1-based, or 0 when the problem has no line. */
  public int line() {
    return line;
  }

  public String section() {
    return section;
  }

  public String key() {
    return key;
  }
}
