package org.attentioncourse.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void readsAnAddressShapedObjectWithEscapes() {
    String text = " {\"year\":1790, \"name\":\"George Washington\",\"party\":\"none\",\n"
        + "\"text\":\"Fellow-Citizens: \\\"we\\\" \\\\ \\/ caf\\u00e9 \\ud83d\\udc0b\\ttab\\nline\"} ";
    Map<String, Object> o = Json.object(text);
    assertEquals(List.of("year", "name", "party", "text"), List.copyOf(o.keySet()), "document order");
    assertEquals(1790L, Json.integer(o, "year", "f.json"));
    assertEquals("George Washington", Json.string(o, "name", "f.json"));
    assertEquals("Fellow-Citizens: \"we\" \\ / café \uD83D\uDC0B\ttab\nline", Json.string(o, "text", "f.json"));
  }

  @Test
  void readsEveryKindOfValue() {
    Object v = Json.parse("[0, -12, 3.5, 1e3, -2.5E-2, 12345678901234567890, true, false, null, {}, [], \"\"]");
    assertEquals(
        java.util.Arrays.asList(0L, -12L, 3.5, 1000.0, -0.025, 1.2345678901234567e19, true, false, null, Map.of(),
            List.of(), ""),
        v);
    Map<String, Object> nested = Json.object("{\"checksum\":{\"type\":\"MD5\",\"value\":\"7c53\"},\"id\":\"00001\"}");
    assertEquals(Map.of("type", "MD5", "value", "7c53"), nested.get("checksum"));
    assertNull(Json.object("{\"a\":null}").get("a"));
  }

  @Test
  void malformedTextFailsWithTheOffset() {
    String[][] cases = {
      {"{\"a\":1,}", "character 7"},
      {"{\"a\" 1}", "expected ':'"},
      {"[1 2]", "expected ',' or ']'"},
      {"\"unterminated", "ends inside a string"},
      {"\"bad \\x escape\"", "unknown escape"},
      {"\"raw\ttab\"", "control character U+0009"},
      {"01", "unexpected '1' after the value"},
      {"-", "a number needs digits"},
      {"1.", "digit after the decimal point"},
      {"\"\\u12G4\"", "four hex digits"},
      {"tru", "expected true"},
      {"{\"a\":1,\"a\":2}", "appears twice"},
      {"", "ends where a value should start"},
      {"\u0661", "unexpected"},
    };
    for (String[] c : cases) {
      var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(c[0]), c[0]);
      assertTrue(e.getMessage().startsWith("malformed JSON at character ") && e.getMessage().contains(c[1]),
          c[0] + " -> " + e.getMessage());
    }
  }

  @Test
  void typedGettersNameTheFileAndTheMember() {
    Map<String, Object> o = Json.object("{\"year\":\"1790\",\"name\":7}");
    var e = assertThrows(IllegalArgumentException.class, () -> Json.integer(o, "year", "a.json"));
    assertTrue(e.getMessage().contains("a.json") && e.getMessage().contains("\"year\"")
        && e.getMessage().contains("String 1790"), e.getMessage());
    var f = assertThrows(IllegalArgumentException.class, () -> Json.string(o, "party", "a.json"));
    assertTrue(f.getMessage().contains("\"party\"") && f.getMessage().contains("null"), f.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Json.object("[1]"));
  }
}
