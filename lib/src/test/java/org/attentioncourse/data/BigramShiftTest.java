package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.attentioncourse.data.TextClassification.Options;
import org.attentioncourse.data.TextClassification.Split;
import org.junit.jupiter.api.Test;

/** Bigram shift's invariants on real text (the committed Moby Dick excerpt), no network. */
class BigramShiftTest {

  /**
   * The excerpt's eight paragraphs as eight chapters, laid out as TextDatasets writes the book, plus one
   * paragraph repeated in a later chapter (its sentences must be used once) and a front-matter paragraph
   * before the first heading (left out).
   */
  static String book() {
    List<String> paragraphs = Sentences.paragraphs(TextFixtures.mobyDickExcerpt());
    assertEquals("CHAPTER 1. Loomings.", paragraphs.get(0));
    StringBuilder b = new StringBuilder("CONTENTS and front matter that is not a chapter.\n\n");
    for (int i = 1; i < paragraphs.size(); i++) {
      b.append("CHAPTER ").append(i).append(". Part ").append(i).append(".\n\n").append(paragraphs.get(i))
          .append("\n\n");
    }
    b.append("Epilogue \"A HEADING\" Job.\n\n").append(paragraphs.get(1)).append('\n');
    return b.toString();
  }

  @Test
  void chaptersAreCutAtTheirHeadings() {
    Map<String, String> ch = BigramShift.chapters(book());
    assertEquals(9, ch.size(), ch.keySet().toString()); // 8 paragraphs as chapters + the epilogue
    assertEquals("chapter 1", ch.keySet().iterator().next());
    assertTrue(ch.containsKey("epilogue"));
    assertTrue(ch.get("chapter 1").startsWith("Call me Ishmael."), ch.get("chapter 1"));
    ch.values().forEach(t -> assertFalse(t.contains("CHAPTER") || t.contains("CONTENTS") || t.contains("HEADING")));
    var e = assertThrows(IllegalArgumentException.class, () -> BigramShift.chapters("no headings here"));
    assertTrue(e.getMessage().contains("no chapter headings"), e.getMessage());
  }

  @Test
  void swappablePairsArePlainLowerCaseWordsThatDiffer() {
    String s = "Call me Ishmael, said the old sailor.";
    assertArrayEquals(new int[] {3, 4}, BigramShift.swappablePairs(s));
    assertEquals("Call me Ishmael, said old the sailor.", BigramShift.swap(s, 4));
    assertArrayEquals(new int[] {1}, BigramShift.swappablePairs("The sea-captain's ship's \"boat\" sank."));
    assertArrayEquals(new int[] {}, BigramShift.swappablePairs("that that is, is."), "equal words never count");
    assertArrayEquals(new int[] {}, BigramShift.swappablePairs("Ahab—the Captain; Moby Dick!"));
    assertThrows(IllegalArgumentException.class, () -> BigramShift.swap("one two", 1));
  }

  @Test
  void everyAlteredSentenceIsItsSourceWithExactlyOneAdjacentSwap() {
    Map<String, String> chapters = BigramShift.chapters(book());
    Options options = Options.defaults().withWords(6, 30);
    TextClassification task = BigramShift.fromChapters(chapters, "the excerpt", options);

    // The eligible source sentences, by the documented rules, and the chapter each comes from.
    Map<String, String> sources = new LinkedHashMap<>();
    for (var ch : chapters.entrySet()) {
      for (String s : Sentences.split(ch.getValue())) {
        int n = Sentences.wordCount(s);
        if (n >= 6 && n <= 30 && BigramShift.swappablePairs(s).length > 0) {
          sources.putIfAbsent(s, ch.getKey());
        }
      }
    }
    assertTrue(sources.size() >= 30, "the excerpt should give a few dozen sentences, got " + sources.size());

    Set<String> used = new HashSet<>();
    Map<String, Split> sourceSplit = new HashMap<>();
    int total = 0;
    for (Split split : Split.values()) {
      List<LabelledText> list = task.split(split);
      int[] counts = task.classCounts(split);
      assertEquals(counts[0], counts[1], split + " is balanced");
      assertTrue(list.size() >= 2, split + " is not empty");
      total += list.size();
      for (LabelledText t : list) {
        String source = t.label() == 0 ? t.text() : sourceOf(t.text(), sources);
        assertTrue(sources.containsKey(source), "from an eligible sentence: " + t);
        assertEquals(sources.get(source), t.document(), "the document is the source's chapter");
        assertTrue(used.add(source), "each source sentence is used once: " + source);
        sourceSplit.put(source, split);
        if (t.label() == 1) {
          List<String> a = Sentences.words(source);
          List<String> b = Sentences.words(t.text());
          assertEquals(sorted(a), sorted(b), "the same multiset of words");
          List<Integer> differ = new ArrayList<>();
          for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
              differ.add(i);
            }
          }
          assertEquals(2, differ.size(), "exactly two positions differ: " + t.text());
          int i = differ.get(0);
          assertEquals(i + 1, differ.get(1), "and they are adjacent");
          assertTrue(BigramShift.swappablePairs(source).length > 0);
          assertTrue(contains(BigramShift.swappablePairs(source), i), "a swappable pair was swapped");
        }
      }
    }
    // All sources are used except at most one per split (cut to an even count); chapters never straddle splits.
    assertTrue(total >= sources.size() - 3, total + " of " + sources.size());
    for (Split a : Split.values()) {
      for (Split b : Split.values()) {
        if (a != b) {
          Set<String> both = new HashSet<>(task.documents(a));
          both.retainAll(task.documents(b));
          assertTrue(both.isEmpty(), "chapters in both " + a + " and " + b + ": " + both);
        }
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameTaskAndAnotherSeedAnotherOne() {
    Map<String, String> chapters = BigramShift.chapters(book());
    TextClassification a = BigramShift.fromChapters(chapters, "x", Options.defaults().withSeed(3));
    TextClassification b = BigramShift.fromChapters(chapters, "x", Options.defaults().withSeed(3));
    TextClassification c = BigramShift.fromChapters(chapters, "x", Options.defaults().withSeed(4));
    assertEquals(a, b);
    assertNotEquals(a.train(), c.train());
  }

  @Test
  void theCapKeepsEverySplitBalanced() {
    TextClassification t =
        BigramShift.fromChapters(BigramShift.chapters(book()), "x", Options.defaults().withMaxPerSplit(7));
    for (Split s : Split.values()) {
      assertTrue(t.split(s).size() <= 7 && t.split(s).size() % 2 == 0, s + ": " + t.split(s).size());
      assertEquals(t.classCounts(s)[0], t.classCounts(s)[1]);
    }
    assertEquals(6, t.train().size());
    assertEquals(t.train().stream().map(LabelledText::text).toList(), t.trainingTexts());
    String d = t.describe();
    assertTrue(d.contains("bigram-shift") && d.contains("original") && d.contains("swapped")
        && d.contains("Split by chapter") && d.contains("at most 7 per split"), d);
  }

  @Test
  void aShuffledSentenceKeepsItsWordsCapitalsAndPunctuationButNotItsOrder() {
    String s = "Call me Ishmael, said the old sailor to the sea.";
    java.util.Random rng = new java.util.Random(1);
    for (int k = 0; k < 20; k++) {
      String t = BigramShift.shufflePlainWords(s, rng);
      assertNotEquals(s, t);
      List<String> a = Sentences.words(s);
      List<String> b = Sentences.words(t);
      assertEquals(sorted(a), sorted(b), "the same words: " + t);
      for (int i : new int[] {0, 2, 9}) { // "Call", "Ishmael," and "sea." are not plain words: they stay
        assertEquals(a.get(i), b.get(i), t);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> BigramShift.shufflePlainWords("Ahab—the Captain!", rng));
    assertThrows(IllegalArgumentException.class, () -> BigramShift.shufflePlainWords("the the The.", rng));
  }

  @Test
  void wordShuffleUsesTheEligibleSentencesAndBalancedSplits() {
    Map<String, String> chapters = BigramShift.chapters(book());
    TextClassification task = BigramShift.shuffleFromChapters(chapters, "the excerpt", Options.defaults());
    assertEquals(BigramShift.SHUFFLE_NAME, task.name());
    assertEquals(List.of("original", "shuffled"), task.labelNames());
    Set<String> sources = new HashSet<>();
    for (var ch : chapters.values()) {
      for (String s : Sentences.split(ch)) {
        int n = Sentences.wordCount(s);
        if (n >= 6 && n <= 30 && BigramShift.swappablePairs(s).length > 0) {
          sources.add(s);
        }
      }
    }
    int shuffled = 0;
    for (Split split : Split.values()) {
      assertEquals(task.classCounts(split)[0], task.classCounts(split)[1], split + " is balanced");
      for (LabelledText t : task.split(split)) {
        if (t.label() == 0) {
          assertTrue(sources.contains(t.text()), "an original is an eligible sentence: " + t);
          continue;
        }
        shuffled++;
        assertFalse(sources.contains(t.text()), "a shuffled sentence is not itself a source: " + t);
        long from = sources.stream()
            .filter(s -> sorted(Sentences.words(s)).equals(sorted(Sentences.words(t.text()))))
            .count();
        assertTrue(from >= 1, "made of a source's words: " + t);
      }
    }
    assertTrue(shuffled >= 10, "shuffled sentences: " + shuffled);
    assertEquals(task, BigramShift.shuffleFromChapters(chapters, "the excerpt", Options.defaults()), "deterministic");
    assertTrue(task.describe().contains("shuffled among their own positions"), task.describe());
    assertTrue(BigramShift.fromChapters(chapters, "x", Options.defaults()).describe()
        .contains("one pair of adjacent, different, all-lower-case words without punctuation swapped"));
  }

  private static String sourceOf(String altered, Map<String, String> sources) {
    String found = null;
    List<String> w = Sentences.words(altered);
    for (int i = 0; i + 1 < w.size(); i++) {
      String back = BigramShift.swap(altered, i);
      if (sources.containsKey(back)) {
        assertTrue(found == null || found.equals(back), "one source only: " + altered);
        found = back;
      }
    }
    assertTrue(found != null, "no source sentence is one swap away from: " + altered);
    assertFalse(sources.containsKey(altered), "an altered sentence is not itself a source: " + altered);
    return found;
  }

  private static List<String> sorted(List<String> words) {
    List<String> s = new ArrayList<>(words);
    s.sort(null);
    return s;
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }
}
