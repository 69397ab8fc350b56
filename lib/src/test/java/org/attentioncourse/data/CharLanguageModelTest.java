package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.attentioncourse.data.CharLanguageModel.Region;
import org.junit.jupiter.api.Test;

class CharLanguageModelTest {

  static String excerpt() {
    return TextFixtures.mobyDickExcerpt();
  }

  @Test
  void targetsAreTheNextCharacterAtEveryPosition() {
    String text = excerpt();
    CharLanguageModel task = CharLanguageModel.of(text, 24);
    assertEquals(Task.Kind.SEQUENCE, task.kind());
    assertEquals(false, task.positionOnly());
    assertEquals(task.vocabSize(), task.numClasses());
    Example e = task.windowAt(0);
    assertEquals(text.substring(0, 24), task.render(e));
    assertEquals(text.substring(1, 25), task.decode(e.targets()));
    assertEquals(24, e.length(), "no padding");
    assertEquals(24, e.targetPositions().length, "a target at every position");
    for (Example w : task.splits(50, 10, 10, 1).train()) {
      for (int t = 0; t + 1 < w.size(); t++) {
        assertEquals(w.tokens()[t + 1], w.targets()[t], "target t is token t+1");
      }
      String seen = task.render(w) + task.decode(new int[] {w.targets()[w.size() - 1]});
      assertTrue(text.contains(seen), "a window is T+1 consecutive characters of the text: " + seen);
    }
  }

  @Test
  void regionsAreDisjointAndWindowsStayInside() {
    // train "abab...", validation "aaaa...", test "bbbb...": a window that crossed a boundary would mix them
    String text = "ab".repeat(450) + "a".repeat(50) + "b".repeat(50);
    CharLanguageModel task = CharLanguageModel.of(text, 10);
    assertEquals(new CharLanguageModel.Span(0, 900), task.span(Region.TRAIN));
    assertEquals(new CharLanguageModel.Span(900, 950), task.span(Region.VALIDATION));
    assertEquals(new CharLanguageModel.Span(950, 1000), task.span(Region.TEST));
    Splits s = task.splits(300, 300, 300, 5);
    for (Example e : s.validation()) {
      assertEquals("a".repeat(11), task.render(e) + task.tokenName(e.targets()[9]));
    }
    for (Example e : s.test()) {
      assertEquals("b".repeat(11), task.render(e) + task.tokenName(e.targets()[9]));
    }
    for (Example e : s.train()) {
      String w = task.render(e);
      assertTrue(w.equals("ab".repeat(5)) || w.equals("ba".repeat(5)), w);
    }
    // every offset is reached: windows at the very end of the validation region occur (its last target is 949)
    assertTrue(s.validation().size() == 300);
    assertEquals(1.0, task.unigramBits(), 1e-12, "a and b equally often in training: 1 bit");
  }

  @Test
  void splitsAreSeededAndHeldOutWindowsDoNotDependOnTheTrainingCount() {
    CharLanguageModel task = CharLanguageModel.of(excerpt(), 16);
    Splits a = task.splits(100, 20, 20, 9);
    Splits b = task.splits(300, 20, 20, 9);
    assertEquals(a.validation(), b.validation());
    assertEquals(a.test(), b.test());
    assertEquals(a.train(), b.train().subList(0, 100));
    assertNotEquals(a.validation(), task.splits(100, 20, 20, 10).validation());
    assertEquals(a, task.splits(100, 20, 20, 9));
  }

  @Test
  void theVocabularyComesFromTheTrainingRegionWithOneUnk() {
    // 'z' only in the test region, 'q' once in training; minCount 2 makes q unknown too
    String text = "abc ".repeat(225) + "q" + "ab".repeat(24) + "c" + "ab".repeat(25) + "z" + "ab".repeat(24) + "c";
    CharLanguageModel all = CharLanguageModel.builder(text).length(8).build();
    assertEquals(" abcq", all.symbols(), "code-point order, z unseen in training");
    assertEquals(CharLanguageModel.UNK + 1 + 5, all.vocabSize());
    assertEquals(CharLanguageModel.UNK, all.id('z'));
    CharLanguageModel rare = CharLanguageModel.builder(text).length(8).minCount(2).build();
    assertEquals(" abc", rare.symbols());
    assertArrayEquals(new int[] {rare.id('a'), CharLanguageModel.UNK, CharLanguageModel.UNK}, rare.encode("aqz"));
    assertEquals("a\uFFFD ", rare.decode(new int[] {rare.id('a'), CharLanguageModel.UNK, rare.id(' ')}));
    assertEquals("UNK", rare.tokenName(CharLanguageModel.UNK));
    assertEquals("␣", rare.tokenName(rare.id(' ')));
    assertEquals("PAD", rare.tokenName(Vocab.PAD));
    assertThrows(IllegalArgumentException.class, () -> rare.tokenName(rare.vocabSize()));
    // reserved ids are never produced
    for (Example e : rare.splits(50, 50, 50, 3).test()) {
      for (int id : e.tokens()) {
        assertTrue(id >= CharLanguageModel.UNK && id < rare.vocabSize(), "id " + id);
      }
    }
  }

  @Test
  void optionalNormalisation() {
    String text = "The  Whale,\n\tthe WHALE! ".repeat(100);
    CharLanguageModel plain = CharLanguageModel.of(text, 8);
    CharLanguageModel folded =
        CharLanguageModel.builder(text).length(8).lowerCase(true).collapseWhitespace(true).build();
    assertEquals("\t\n !,AEHLTWaehlt", plain.symbols());
    assertEquals(" !,aehltw", folded.symbols());
    assertEquals("the whale, the whale! ", folded.decode(folded.encode("The  Whale,\n\tthe WHALE! ")));
    assertEquals(text.length(), plain.textLength());
    assertEquals(22 * 100, folded.textLength());
    assertEquals(folded.id('a'), folded.id('A'));
  }

  @Test
  void tooShortATextOrBadSettingsFailClearly() {
    var e = assertThrows(IllegalArgumentException.class, () -> CharLanguageModel.of("x".repeat(200), 10));
    assertTrue(e.getMessage().contains("validation region has 10") && e.getMessage().contains("T+1 = 11"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CharLanguageModel.builder("").build());
    assertThrows(IllegalArgumentException.class, () -> CharLanguageModel.builder("abc").fractions(0.9, 0.1));
    assertThrows(IllegalArgumentException.class, () -> CharLanguageModel.builder("abc").minCount(0));
    assertThrows(IllegalArgumentException.class, () -> CharLanguageModel.of(excerpt(), 16).windowAt(-1));
  }

  @Test
  void generateDrawsTrainingWindowsAndDescribeSaysTheSizes() {
    String text = "ab".repeat(450) + "a".repeat(50) + "b".repeat(50);
    CharLanguageModel task = CharLanguageModel.of(text, 10);
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 100; i++) {
      String w = task.render(task.generate(rng));
      assertTrue(w.equals("ab".repeat(5)) || w.equals("ba".repeat(5)), w);
    }
    assertTrue(task.describe().contains("train 900 / validation 50 / test 50"), task.describe());
    assertTrue(task.describe().contains("T=10"), task.describe());
    assertEquals(List.of("chars"), List.of(task.name()));
  }
}
