package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.attentioncourse.data.TextClassification.Document;
import org.attentioncourse.data.TextClassification.Options;
import org.attentioncourse.data.TextClassification.Split;
import org.junit.jupiter.api.Test;

class TextClassificationTest {

  static LabelledText t(String text, int label, String doc) {
    return new LabelledText(text, label, doc);
  }

  @Test
  void aDocumentInTwoSplitsOrALabelOutOfRangeIsRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> new TextClassification("x", "", List.of("a", "b"),
        List.of(t("one", 0, "ch 1")), List.of(t("two", 1, "ch 1")), List.of()));
    assertTrue(e.getMessage().contains("'ch 1'") && e.getMessage().contains("train")
        && e.getMessage().contains("validation"), e.getMessage());
    var f = assertThrows(IllegalArgumentException.class, () -> new TextClassification("x", "", List.of("a", "b"),
        List.of(t("one", 2, "ch 1")), List.of(), List.of()));
    assertTrue(f.getMessage().contains("label 2"), f.getMessage());
    assertThrows(IllegalArgumentException.class, () -> t(" ", 0, "d"));
    assertThrows(IllegalArgumentException.class, () -> t("x", -1, "d"));
    assertThrows(IllegalArgumentException.class, () -> t("x", 0, ""));
  }

  @Test
  void optionsCheckTheirRanges() {
    assertThrows(IllegalArgumentException.class, () -> Options.defaults().withFractions(0.9, 0.1));
    assertThrows(IllegalArgumentException.class, () -> Options.defaults().withFractions(0.8, 0));
    assertThrows(IllegalArgumentException.class, () -> Options.defaults().withWords(5, 4));
    assertThrows(IllegalArgumentException.class, () -> Options.defaults().withMaxPerSplit(1));
    assertTrue(Options.defaults().keeps("one two three four five six"));
    assertTrue(!Options.defaults().keeps("one two three four five"));
  }

  @Test
  void limitKeepsTheOrderAndTheBalance() {
    List<LabelledText> train = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      train.add(t("s" + i, i < 6 ? i % 2 : 1, "d" + i));
    }
    TextClassification task = new TextClassification("x", "d", List.of("a", "b"), train, List.of(), List.of());
    TextClassification small = task.limit(4);
    assertEquals(List.of("s0", "s1", "s2", "s3"), small.trainingTexts());
    assertEquals(List.of("s0", "s1", "s2", "s3", "s4", "s5"), task.limit(6).trainingTexts());
    assertEquals(task.train(), task.limit(10).train());
    assertEquals(List.of(0, 1, 0, 1), List.of(0, 1, 2, 3).stream().map(i -> small.labels(Split.TRAIN)[i]).toList());
    assertThrows(IllegalArgumentException.class, () -> task.limit(1));
  }

  @Test
  void documentsAreAssignedWholeInRoughProportionWithEverySplitFilled() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      docs.add(new Document("doc" + i, i % 2, 10 + i));
    }
    docs.add(new Document("empty", 0, 0));
    Map<String, Split> a = TextClassification.assignDocuments(docs, 0.7, 0.15, new Random(5));
    assertEquals(41, a.size());
    assertEquals(Split.TRAIN, a.get("empty"));
    for (int stratum = 0; stratum < 2; stratum++) {
      Map<Split, Integer> sentences = new EnumMap<>(Split.class);
      int total = 0;
      for (Document d : docs) {
        if (d.stratum() == stratum) {
          sentences.merge(a.get(d.id()), d.size(), Integer::sum);
          total += d.size();
        }
      }
      double train = sentences.get(Split.TRAIN) / (double) total;
      assertTrue(Math.abs(train - 0.7) < 0.08, "stratum " + stratum + ": " + sentences);
      assertTrue(sentences.get(Split.VALIDATION) > 0 && sentences.get(Split.TEST) > 0, sentences.toString());
    }
    assertEquals(a, TextClassification.assignDocuments(docs, 0.7, 0.15, new Random(5)), "deterministic");

    // Three documents, one huge: the midpoint rule would put nothing in validation; the rule fills it anyway.
    List<Document> three = List.of(new Document("a", 0, 1000), new Document("b", 0, 5), new Document("c", 0, 5));
    Map<String, Split> b = TextClassification.assignDocuments(new ArrayList<>(three), 0.7, 0.15, new Random(1));
    assertEquals(3, new java.util.HashSet<>(b.values()).size(), b.toString());
  }

  @Test
  void balanceTakesTheSameNumberFromEachClass() {
    List<LabelledText> items = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      items.add(t("s" + i, i < 3 ? 0 : 1, "d"));
    }
    List<LabelledText> b = TextClassification.balance(items, 2, Integer.MAX_VALUE, new Random(1));
    assertEquals(6, b.size());
    assertEquals(3, b.stream().filter(x -> x.label() == 0).count());
    assertEquals(2, TextClassification.balance(items, 2, 3, new Random(1)).size());
  }
}
