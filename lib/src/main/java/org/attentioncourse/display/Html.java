package org.attentioncourse.display;

/** The little HTML the display layer writes by hand. */
final class Html {

  private Html() {}

  /** Escapes text for use inside an element or a double-quoted attribute. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A file-name-safe slug of a title: lower case letters, digits and single dashes. */
  static String slug(String title, String fallback) {
    String s = title == null ? "" : title.toLowerCase(java.util.Locale.ROOT);
    s = s.replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    if (s.length() > 40) {
      s = s.substring(0, 40).replaceAll("-+$", "");
    }
    return s.isEmpty() ? fallback : s;
  }
}
