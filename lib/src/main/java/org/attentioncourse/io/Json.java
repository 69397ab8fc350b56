package org.attentioncourse.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader (RFC 8259) for the data files of npm dataset packages, so reading them needs no
 * extra dependency.
 *
 * <p>Values become plain Java objects: an object is a {@code Map<String, Object>} in document order, an array
 * a {@code List<Object>}, a string a {@link String}, a number a {@link Double} (or a {@link Long} when it is
 * written as an integer that fits), {@code true}/{@code false} a {@link Boolean}, {@code null} null. Escapes,
 * including {@code \}{@code uXXXX} and surrogate pairs, are decoded. Anything malformed throws {@link
 * IllegalArgumentException} with the character offset.
 *
 * <pre>{@code
 * Map<String, Object> address = Json.object(text); // {"year":1790,"name":"George Washington",...}
 * long year = Json.integer(address, "year", where);
 * }</pre>
 */
public final class Json {

  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  /** The value that {@code text} holds (surrounding whitespace allowed, nothing else after it). */
  public static Object parse(String text) {
    Json p = new Json(text);
    p.space();
    Object v = p.value();
    p.space();
    if (p.i != text.length()) {
      throw p.error("unexpected '" + text.charAt(p.i) + "' after the value");
    }
    return v;
  }

  /** {@link #parse} of a text that must hold an object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object, got " + describe(v));
    }
    return (Map<String, Object>) v;
  }

  /** The string member {@code key} of {@code object}; {@code where} names the file in the error message. */
  public static String string(Map<String, Object> object, String key, String where) {
    Object v = object.get(key);
    if (!(v instanceof String str)) {
      throw new IllegalArgumentException(where + ": member \"" + key + "\" should be a string, got " + describe(v));
    }
    return str;
  }

  /** The integer member {@code key} of {@code object}; {@code where} names the file in the error message. */
  public static long integer(Map<String, Object> object, String key, String where) {
    Object v = object.get(key);
    if (!(v instanceof Long n)) {
      throw new IllegalArgumentException(
          where + ": member \"" + key + "\" should be an integer, got " + describe(v));
    }
    return n;
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null (or nothing)";
    }
    String t = v instanceof Map ? "an object" : v instanceof List ? "an array" : v.getClass().getSimpleName();
    return t + (v instanceof String || v instanceof Number || v instanceof Boolean ? " " + v : "");
  }

  private Object value() {
    if (i >= s.length()) {
      throw error("the text ends where a value should start");
    }
    char c = s.charAt(i);
    return switch (c) {
      case '{' -> objectValue();
      case '[' -> arrayValue();
      case '"' -> stringValue();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected '" + c + "' where a value should start");
      }
    };
  }

  private Map<String, Object> objectValue() {
    Map<String, Object> m = new LinkedHashMap<>();
    i++; // '{'
    space();
    if (peek() == '}') {
      i++;
      return m;
    }
    while (true) {
      space();
      if (peek() != '"') {
        throw error("expected a member name in quotes");
      }
      int at = i;
      String key = stringValue();
      space();
      expect(':');
      space();
      Object v = value();
      if (m.containsKey(key)) {
        i = at;
        throw error("member \"" + key + "\" appears twice");
      }
      m.put(key, v);
      space();
      char c = next();
      if (c == '}') {
        return Collections.unmodifiableMap(m);
      }
      if (c != ',') {
        i--;
        throw error("expected ',' or '}' in an object");
      }
    }
  }

  private List<Object> arrayValue() {
    List<Object> a = new ArrayList<>();
    i++; // '['
    space();
    if (peek() == ']') {
      i++;
      return a;
    }
    while (true) {
      space();
      a.add(value());
      space();
      char c = next();
      if (c == ']') {
        return Collections.unmodifiableList(a);
      }
      if (c != ',') {
        i--;
        throw error("expected ',' or ']' in an array");
      }
    }
  }

  private String stringValue() {
    i++; // opening quote
    StringBuilder b = new StringBuilder();
    while (true) {
      if (i >= s.length()) {
        throw error("the text ends inside a string");
      }
      char c = s.charAt(i++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        i--;
        throw error("control character U+" + String.format("%04X", (int) c) + " inside a string must be escaped");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> b.append(hex4()); // a surrogate pair arrives as two escapes and joins up in the builder
        default -> {
          i--;
          throw error("unknown escape '\\" + e + "'");
        }
      }
    }
  }

  private char hex4() {
    if (i + 4 > s.length()) {
      throw error("the text ends inside a \\u escape");
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      char c = s.charAt(i + k);
      int d = c < 128 ? Character.digit(c, 16) : -1;
      if (d < 0) {
        throw error("\\u must be followed by four hex digits");
      }
      v = v * 16 + d;
    }
    i += 4;
    return (char) v;
  }

  private Object number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else if (digit(peek())) {
      while (digit(peek())) {
        i++;
      }
    } else {
      throw error("a number needs digits");
    }
    boolean integral = true;
    if (peek() == '.') {
      integral = false;
      i++;
      digits("after the decimal point");
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      i++;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      digits("in the exponent");
    }
    String t = s.substring(start, i);
    if (integral) {
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException tooLarge) {
        return Double.parseDouble(t);
      }
    }
    return Double.parseDouble(t);
  }

  private void digits(String where) {
    if (!digit(peek())) {
      throw error("expected a digit " + where);
    }
    while (digit(peek())) {
      i++;
    }
  }

  /** ASCII digits only: JSON numbers have no other digits. */
  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, i)) {
      throw error("expected " + word);
    }
    i += word.length();
    return v;
  }

  private void space() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  /** The current character, or NUL at the end (NUL can never start a valid token). */
  private char peek() {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private char next() {
    if (i >= s.length()) {
      throw error("the text ends too early");
    }
    return s.charAt(i++);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    i++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("malformed JSON at character " + i + ": " + what);
  }
}
