package org.attentioncourse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tokenizer's steps one at a time, and its errors. (The golden test compares it with Hugging Face's.) */
class WordPieceTokenizerTest {

  private static WordPieceTokenizer tok;

  @BeforeAll
  static void read() throws IOException {
    try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(MiniLm.TOKENIZER_RESOURCE)) {
      tok = WordPieceTokenizer.read(in, MiniLm.TOKENIZER_RESOURCE);
    }
  }

  @Test
  void normalisationCleansSpacesCjkAccentsAndCase() {
    assertEquals("creme brulee", tok.normalize("Cr\u00e8me Br\u00fbl\u00e9e"));
    assertEquals("a b", tok.normalize("a\u0007\u0000\ufffd\tb"), "controls dropped, a tab becomes a space");
    assertEquals(" \u6771  \u4eac  is", tok.normalize("\u6771\u4eac is"));
    assertEquals("a b c", tok.normalize("a\nb\u00a0c"));
    assertEquals("\u03c3\u03c3", tok.normalize("\u03a3\u03a3"), "no final-sigma rule: case is mapped per character");
  }

  @Test
  void punctuationAndSymbolsAreWordsOfTheirOwn() {
    assertEquals(List.of("he", "paid", "$", "45", ".", "99", "+", "tax", "!"), tok.tokenize("He paid $45.99 + tax!"));
    assertEquals(List.of("don", "'", "t"), tok.tokenize("Don't"));
  }

  @Test
  void longWordsSplitIntoPiecesThatSpellTheWord() {
    for (String word : new String[] {"antidisestablishmentarianism", "floccinaucinihilipilification", "ishmael"}) {
      List<String> pieces = tok.tokenize(word);
      assertTrue(pieces.size() > 1, word + " → " + pieces);
      assertTrue(pieces.stream().skip(1).allMatch(p -> p.startsWith("##")), pieces.toString());
      assertEquals(word, String.join("", pieces).replace("##", ""));
    }
    assertEquals(List.of("[UNK]"), tok.tokenize("x".repeat(101)), "longer than max_input_chars_per_word");
    assertEquals(List.of("[UNK]"), tok.tokenize("\ud83d\ude00"), "no piece covers it");
    assertEquals(List.of("the", "[MASK]", "sat"), tok.tokenize("The [MASK] sat"));
  }

  @Test
  void singlesPairsAndTruncation() {
    Encoding one = tok.encode("Call me Ishmael.");
    assertEquals(List.of("[CLS]", "call", "me", "is", "##hma", "##el", ".", "[SEP]"), one.tokens());
    assertArrayEquals(new int[8], one.typeIds());
    assertEquals(101, one.ids()[0]);
    assertEquals(102, one.ids()[7]);

    Encoding pair = tok.encode("Call me Ishmael.", "Whales breathe air.");
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, pair.typeIds());
    assertEquals("[SEP]", pair.tokens().get(7));
    assertEquals("[SEP]", pair.tokens().get(12));

    WordPieceTokenizer six = tok.withMaxLength(6);
    assertEquals(List.of("[CLS]", "call", "me", "is", "##hma", "[SEP]"), six.encode("Call me Ishmael.").tokens());
    // 6 + 4 pieces into 6 − 3 = 3 places: the shorter cannot keep all, so 1 and 2, the odd one to the longer
    assertEquals(
        List.of("[CLS]", "call", "me", "[SEP]", "whales", "[SEP]"),
        six.encode("Call me Ishmael.", "Whales breathe air.").tokens());
    assertThrows(IllegalArgumentException.class, () -> tok.withMaxLength(2));
  }

  @Test
  void batchesPadOnTheRight() {
    TokenBatch b = tok.batch(List.of("Call me Ishmael.", "Hi"), 10);
    assertEquals(10, b.length());
    assertArrayEquals(new long[] {101, 7632, 102, 0, 0, 0, 0, 0, 0, 0}, b.ids()[1]);
    assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, b.mask()[1]);
    TokenBatch cut = tok.batch(List.of(MiniLmFixture.SENTENCES.get(1)), 8);
    assertEquals(8, cut.encodings().get(0).length());
    assertEquals("[SEP]", cut.encodings().get(0).tokens().get(7));
    assertEquals(8, tok.batch(List.of("Call me Ishmael.", "Hi"), 0).length());
  }

  @Test
  void malformedJsonIsRejectedWithItsName() {
    assertError("{not json", "is not valid JSON");
    assertError("[1, 2]", "top level is not an object");
    assertError("{}", "has no 'model' object");
    assertError("{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}", "not WordPiece");
    assertError("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}", "vocabulary is empty");
    assertError("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}", "no normalizer");
    assertError(
        "{\"normalizer\": {\"type\": \"BertNormalizer\"},"
            + " \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}",
        "no [CLS]");
    assertError(
        "{\"normalizer\": {\"type\": \"NFC\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}",
        "only BertNormalizer");
  }

  private static void assertError(String json, String expected) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WordPieceTokenizer.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                "test.json"));
    assertTrue(e.getMessage().contains("test.json"), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
