package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** Layout rules and answers of every task, each answer recomputed here without the task's own code. */
class TaskTest {

  private static final int SAMPLES = 1000;

  /** Generates examples and checks the rules every task shares, then the task-specific ones. */
  private static <T extends Task> void check(T task, long seed, BiConsumer<T, Example> specific) {
    SplittableRandom rng = new SplittableRandom(seed);
    for (int s = 0; s < SAMPLES; s++) {
      Example e = task.generate(rng);
      int t = task.length();
      assertEquals(t, e.tokens().length, "tokens length");
      assertEquals(t, e.targets().length, "targets length");
      assertTrue(e.length() > 0 && e.length() <= t, "length " + e.length());
      for (int i = 0; i < t; i++) {
        int id = e.tokens()[i];
        assertTrue(id >= 0 && id < task.vocabSize(), "token id " + id + " outside vocab at " + i);
        assertEquals(i >= e.length(), id == Vocab.PAD, "PAD exactly after length, position " + i);
        int y = e.targets()[i];
        assertTrue(y == Example.IGNORE || (y >= 0 && y < task.numClasses()), "target " + y + " at " + i);
      }
      if (task.kind() == Task.Kind.SEQUENCE) {
        assertEquals(-1, e.label(), "sequence tasks have no label");
      } else {
        assertTrue(e.label() >= 0 && e.label() < task.numClasses(), "label " + e.label());
      }
      specific.accept(task, e);
    }
  }

  /** Copy, Reverse and Sort: x1..xn SEP BLANK×n, targets only at the BLANKs; returns the prefix. */
  private static int[] checkAnswerLayout(int n, int alphabet, Example e) {
    assertEquals(2 * n + 1, e.length(), "no padding");
    for (int i = 0; i < n; i++) {
      int x = e.tokens()[i];
      assertTrue(x >= Vocab.FIRST_SYMBOL && x < Vocab.FIRST_SYMBOL + alphabet, "symbol " + x);
      assertEquals(Example.IGNORE, e.targets()[i], "no target on the input at " + i);
    }
    assertEquals(Vocab.SEP, e.tokens()[n]);
    assertEquals(Example.IGNORE, e.targets()[n]);
    for (int i = n + 1; i <= 2 * n; i++) {
      assertEquals(Vocab.BLANK, e.tokens()[i], "BLANK at " + i);
      assertTrue(e.targets()[i] != Example.IGNORE, "target at BLANK " + i);
    }
    return Arrays.copyOfRange(e.tokens(), 0, n);
  }

  private static int[] answers(int n, Example e) {
    return Arrays.copyOfRange(e.targets(), n + 1, 2 * n + 1);
  }

  @Test
  void copyTargetsAreThePrefix() {
    check(Copy.defaults(), 1, (task, e) -> {
      int[] xs = checkAnswerLayout(task.n(), task.alphabet(), e);
      assertArrayEquals(xs, answers(task.n(), e));
    });
    check(Copy.of(3, 30), 2, (task, e) -> assertArrayEquals(
        checkAnswerLayout(3, 30, e), answers(3, e)));
  }

  @Test
  void reverseTargetsAreThePrefixBackwards() {
    check(Reverse.defaults(), 3, (task, e) -> {
      int[] xs = checkAnswerLayout(task.n(), task.alphabet(), e);
      int[] reversed = new int[xs.length];
      for (int i = 0; i < xs.length; i++) {
        reversed[xs.length - 1 - i] = xs[i];
      }
      assertArrayEquals(reversed, answers(task.n(), e));
    });
  }

  @Test
  void sortTargetsAreThePrefixSorted() {
    check(Sort.defaults(), 4, (task, e) -> {
      int[] xs = checkAnswerLayout(task.n(), task.alphabet(), e);
      Arrays.sort(xs);
      assertArrayEquals(xs, answers(task.n(), e));
    });
  }

  @Test
  void recallTargetIsTheValueStoredUnderTheQuery() {
    check(AssociativeRecall.defaults(), 5, (task, e) -> {
      int m = task.pairs();
      int[] tok = e.tokens();
      assertEquals(2 * m + 3, e.length(), "no padding");
      int firstKey = Vocab.FIRST_SYMBOL + task.valueAlphabet();
      Map<Integer, Integer> memory = new HashMap<>();
      for (int i = 0; i < m; i++) {
        int k = tok[2 * i];
        int v = tok[2 * i + 1];
        assertTrue(k >= firstKey && k < task.vocabSize(), "key id " + k);
        assertTrue(v >= Vocab.FIRST_SYMBOL && v < firstKey, "value id " + v);
        assertTrue(memory.put(k, v) == null, "keys are distinct");
      }
      assertEquals(Vocab.SEP, tok[2 * m]);
      assertTrue(memory.containsKey(tok[2 * m + 1]), "the query is one of the keys");
      assertEquals(Vocab.BLANK, tok[2 * m + 2]);
      int[] expected = new int[2 * m + 3];
      Arrays.fill(expected, Example.IGNORE);
      expected[2 * m + 2] = memory.get(tok[2 * m + 1]);
      assertArrayEquals(expected, e.targets());
    });
  }

  @Test
  void recallQueriesEveryPairPosition() {
    // A generator that always asked about the first pair would make recall position-only.
    AssociativeRecall task = AssociativeRecall.defaults();
    SplittableRandom rng = new SplittableRandom(6);
    Set<Integer> queried = new HashSet<>();
    for (int s = 0; s < 200; s++) {
      int[] tok = task.generate(rng).tokens();
      for (int i = 0; i < task.pairs(); i++) {
        if (tok[2 * i] == tok[2 * task.pairs() + 1]) {
          queried.add(i);
        }
      }
    }
    assertEquals(task.pairs(), queried.size(), "pair positions queried: " + queried);
  }

  @Test
  void lookupTargetIsTheDigitThePointerNames() {
    check(Lookup.defaults(), 9, (task, e) -> {
      int n = task.n();
      int[] tok = e.tokens();
      assertEquals(n + 2, e.length(), "no padding");
      for (int i = 0; i < n; i++) {
        assertTrue(tok[i] >= Vocab.FIRST_SYMBOL && tok[i] < Vocab.FIRST_SYMBOL + 10, "digit id " + tok[i]);
      }
      assertEquals(Vocab.SEP, tok[n]);
      int k = tok[n + 1] - (Vocab.FIRST_SYMBOL + 10);
      assertTrue(k >= 0 && k < n, "pointer to " + k);
      int[] expected = minusOnes(n + 2);
      expected[n + 1] = tok[k];
      assertArrayEquals(expected, e.targets());
      assertEquals("@" + k, task.tokenName(tok[n + 1]));
    });
  }

  @Test
  void lookupPointsAtEveryPosition() {
    // A pointer that always named the same position would make lookup position-only.
    Lookup task = Lookup.of(5);
    SplittableRandom rng = new SplittableRandom(10);
    Set<Integer> named = new HashSet<>();
    for (int s = 0; s < 200; s++) {
      named.add(task.generate(rng).tokens()[task.pointerPosition()] - task.pointerId(0));
    }
    assertEquals(Set.of(0, 1, 2, 3, 4), named);
  }

  @Test
  void listOpsLabelIsTheValueAndNothingElseIsPredicted() {
    check(ListOps.defaults(), 7, (task, e) -> {
      for (int y : e.targets()) {
        assertEquals(Example.IGNORE, y);
      }
      assertEquals(StackEvaluator.value(Arrays.copyOf(e.tokens(), e.length())), e.label());
    });
    check(ListOps.builder().maxDepth(5).minArgs(1).maxArgs(3).length(40).nestProbability(0.5).build(), 8,
        (task, e) -> assertEquals(StackEvaluator.value(Arrays.copyOf(e.tokens(), e.length())), e.label()));
  }

  @Test
  void sizesFollowTheParameters() {
    assertEquals(17, Copy.defaults().length());
    assertEquals(13, Copy.defaults().vocabSize());
    assertEquals(13, Copy.defaults().numClasses());
    assertEquals(7, Reverse.of(3, 4).length());
    assertEquals(7, Reverse.of(3, 4).vocabSize());
    assertEquals(11, AssociativeRecall.defaults().length());
    assertEquals(3 + 10 + 16, AssociativeRecall.defaults().vocabSize());
    assertEquals(17, Sort.defaults().length());
    assertEquals(10, Lookup.defaults().length());
    assertEquals(3 + 10 + 8, Lookup.defaults().vocabSize());
    assertFalse(Lookup.defaults().positionOnly());
    assertEquals(64, ListOps.defaults().length());
    assertEquals(18, ListOps.defaults().vocabSize());
    assertEquals(10, ListOps.defaults().numClasses());
    assertEquals(Task.Kind.CLASSIFICATION, ListOps.defaults().kind());
    assertEquals(Task.Kind.SEQUENCE, Sort.defaults().kind());
    assertTrue(Copy.defaults().positionOnly());
    assertTrue(Reverse.defaults().positionOnly());
    assertFalse(Sort.defaults().positionOnly());
    assertFalse(AssociativeRecall.defaults().positionOnly());
    assertFalse(ListOps.defaults().positionOnly());
  }

  @Test
  void everyIdHasADistinctNameAndOthersFail() {
    for (Task task : allTasks()) {
      Set<String> names = new HashSet<>();
      for (int id = 0; id < task.vocabSize(); id++) {
        String name = task.tokenName(id);
        assertFalse(name.isBlank(), task.name() + " id " + id);
        assertTrue(names.add(name), task.name() + ": name '" + name + "' used twice");
      }
      assertEquals("PAD", task.tokenName(Vocab.PAD));
      assertEquals("SEP", task.tokenName(Vocab.SEP));
      assertEquals("_", task.tokenName(Vocab.BLANK));
      var bad = assertThrows(IllegalArgumentException.class, () -> task.tokenName(task.vocabSize()));
      assertTrue(bad.getMessage().contains(Integer.toString(task.vocabSize())), bad.getMessage());
      assertThrows(IllegalArgumentException.class, () -> task.tokenName(-1));
      assertFalse(task.describe().isBlank());
    }
    assertEquals("[MAX", ListOps.defaults().tokenName(ListOps.opId(ListOps.Op.MAX)));
    assertEquals("]", ListOps.defaults().tokenName(ListOps.CLOSE));
    assertEquals("a", AssociativeRecall.defaults().tokenName(AssociativeRecall.defaults().keyId(0)));
    assertEquals("7", Copy.defaults().tokenName(Vocab.FIRST_SYMBOL + 7));
  }

  @Test
  void renderShowsTheRealTokens() {
    Example e = new Example(new int[] {5, 3, Vocab.SEP, Vocab.BLANK, Vocab.BLANK}, new int[] {-1, -1, -1, 3, 5},
        -1, 5);
    assertEquals("2 0 SEP _ _", Sort.of(2, 10).render(e));
    int[] expr = ListOps.encode("[SM 4 9 ]");
    int[] padded = Arrays.copyOf(expr, 8);
    assertEquals("[SM 4 9 ]", ListOps.defaults().render(new Example(padded, minusOnes(8), 3, expr.length)));
  }

  @Test
  void badParametersAreNamedInTheMessage() {
    assertMessage(() -> Copy.of(0, 10), "0");
    assertMessage(() -> Reverse.of(4, 0), "alphabet");
    assertMessage(() -> Sort.of(-2, 10), "-2");
    assertMessage(() -> AssociativeRecall.of(0, 16, 10), "pairs");
    assertMessage(() -> AssociativeRecall.of(5, 4, 10), "key alphabet is 4");
    assertMessage(() -> AssociativeRecall.of(4, 27, 10), "27");
    assertMessage(() -> AssociativeRecall.of(4, 16, 11), "value alphabet is 11");
    assertMessage(() -> Lookup.of(1), "n is 1");
    assertMessage(() -> Lookup.of(65), "65");
    assertMessage(() -> ListOps.builder().maxDepth(0).build(), "maxDepth");
    assertMessage(() -> ListOps.builder().minArgs(4).maxArgs(3).build(), "minArgs 4, maxArgs 3");
    assertMessage(() -> ListOps.builder().length(3).build(), "length (T) is 3");
    assertMessage(() -> ListOps.builder().nestProbability(1.5).build(), "1.5");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
    var e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
  }

  static int[] minusOnes(int n) {
    int[] a = new int[n];
    Arrays.fill(a, Example.IGNORE);
    return a;
  }

  static List<Task> allTasks() {
    return List.of(
        Copy.defaults(), Reverse.defaults(), AssociativeRecall.defaults(), Sort.defaults(), Lookup.defaults(),
        ListOps.defaults());
  }
}
