package org.attentioncourse.display;

import java.util.Objects;

/**
 * One thing to show, in the forms a front end may pick from: always plain text, optionally HTML and a PNG.
 *
 * @param name short name used for files when there is no notebook (letters, digits, '-')
 * @param text plain-text form, shown by consoles and text-only front ends
 * @param html HTML form, or null
 * @param png PNG bytes, or null
 */
public record MimeBundle(String name, String text, String html, byte[] png) {

  public MimeBundle {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
  }

  static MimeBundle text(String name, String text) {
    return new MimeBundle(name, text, null, null);
  }
}
