package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ListOpsTest {

  @Test
  void evaluatesHandWrittenExpressions() {
    assertEquals(9, ListOps.evaluate("[MAX 2 9 [MIN 4 7 ] 0 ]"));
    assertEquals(4, ListOps.evaluate("[MIN 4 7 ]"));
    assertEquals(5, ListOps.evaluate("[MED 9 1 5 ]"), "odd count: the middle of 1 5 9");
    assertEquals(2, ListOps.evaluate("[MED 1 2 3 4 ]"), "even count: the lower middle");
    assertEquals(3, ListOps.evaluate("[MED 8 3 ]"), "two arguments: the smaller");
    assertEquals(5, ListOps.evaluate("[SM 8 7 ]"), "15 mod 10");
    assertEquals(5, ListOps.evaluate("[SM 9 9 9 9 9 ]"), "45 mod 10");
    assertEquals(0, ListOps.evaluate("[SM 5 5 ]"), "exactly 10 wraps to 0");
    assertEquals(8, ListOps.evaluate("[SM 8 [MED 1 5 3 9 ] 7 ]"), "8 + 3 + 7 = 18");
    assertEquals(0, ListOps.evaluate("[MIN [MAX 3 8 ] [SM 5 5 ] 6 ]"));
    assertEquals(2, ListOps.evaluate("[MAX [MIN [MED 7 2 ] 4 ] 1 ]"), "three levels");
    assertEquals(1, ListOps.evaluate("[MED [SM 9 9 ] [MAX 0 0 ] [MIN 9 [MAX 3 6 ] ] [SM 1 ] ]"));
    assertEquals(7, ListOps.evaluate("7"), "a bare digit is an expression");
    assertEquals(6, ListOps.evaluate("  [max 6 2 ]  "), "case and outer spaces do not matter");
  }

  @Test
  void evaluatesOnlyTheRealTokensOfAPaddedArray() {
    int[] expr = ListOps.encode("[MIN 3 [MAX 1 8 ] ]");
    int[] padded = Arrays.copyOf(expr, 20);
    assertEquals(3, ListOps.evaluate(padded, expr.length));
  }

  @Test
  void encodeUsesTheDocumentedIds() {
    assertArrayEquals(
        new int[] {ListOps.opId(ListOps.Op.SM), ListOps.digitId(0), ListOps.digitId(9), ListOps.CLOSE},
        ListOps.encode("[SM 0 9 ]"));
    assertEquals(13, ListOps.opId(ListOps.Op.MAX));
    assertEquals(17, ListOps.CLOSE);
  }

  @Test
  void malformedExpressionsFailWithThePosition() {
    assertFails("[MAX 2 9", "never closed");
    assertFails("[MAX ]", "no arguments");
    assertFails("[MAX 2 ] 3", "1 more tokens follow");
    assertFails("]", "position 0");
    assertFails("[FOO 1 ]", "'[FOO'");
    assertFails("[SM 12 ]", "'12'");
    var e = assertThrows(IllegalArgumentException.class, () -> ListOps.evaluate(new int[] {Vocab.SEP}, 1));
    assertTrue(e.getMessage().contains("token id 1"), e.getMessage());
  }

  private static void assertFails(String expression, String part) {
    var e = assertThrows(IllegalArgumentException.class, () -> ListOps.evaluate(expression));
    assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
  }

  @Test
  void everyClassAppearsAndNoneDominates() {
    ListOps task = ListOps.defaults();
    SplittableRandom rng = new SplittableRandom(Splits.DEFAULT_SEED);
    int n = 2000;
    int[] counts = new int[task.numClasses()];
    for (int i = 0; i < n; i++) {
      counts[task.generate(rng).label()]++;
    }
    StringBuilder report = new StringBuilder("listops label distribution over " + n + " examples:");
    for (int c = 0; c < counts.length; c++) {
      report.append(String.format(Locale.ROOT, " %d:%.1f%%", c, 100.0 * counts[c] / n));
    }
    System.out.println(report);
    for (int c = 0; c < counts.length; c++) {
      assertTrue(counts[c] > 0, "class " + c + " never appears; " + report);
      // Uniform would be 10%; MAX and MIN push towards 9 and 0, but no class should be rare or dominant.
      assertTrue(counts[c] >= 0.04 * n && counts[c] <= 0.20 * n, "class " + c + " is skewed; " + report);
    }
  }

  @Test
  void generatedTreesUseTheWholeDepthRangeAndFit() {
    ListOps task = ListOps.defaults();
    SplittableRandom rng = new SplittableRandom(3);
    int[] byDepth = new int[task.maxDepth() + 2];
    boolean padded = false;
    for (int i = 0; i < 2000; i++) {
      Example e = task.generate(rng);
      byDepth[depth(e)]++;
      padded |= e.length() < task.length();
    }
    assertEquals(0, byDepth[0], "the top is always an operator");
    assertEquals(0, byDepth[task.maxDepth() + 1], "never deeper than maxDepth");
    for (int d = 1; d <= task.maxDepth(); d++) {
      assertTrue(byDepth[d] > 50, "depth " + d + " is rare: " + Arrays.toString(byDepth));
    }
    assertTrue(padded, "short expressions are padded");
  }

  private static int depth(Example e) {
    int level = 0;
    int max = 0;
    for (int i = 0; i < e.length(); i++) {
      int id = e.tokens()[i];
      if (id == ListOps.CLOSE) {
        level--;
      } else if (id >= ListOps.FIRST_OP) {
        max = Math.max(max, ++level);
      }
    }
    assertEquals(0, level, "brackets balance");
    return max;
  }

  @Test
  void argumentCountsStayInRange() {
    ListOps task = ListOps.builder().minArgs(3).maxArgs(3).maxDepth(1).length(5).build();
    Example e = task.generate(new SplittableRandom(1));
    assertEquals(5, e.length(), "one operator, three digits, one ]");
  }

  @Test
  void anImpossibleLengthFailsInsteadOfLooping() {
    // With nestProbability 1 every tree is full: 2 + 2 * (2 + 2 * (2 + 2)) = 22 tokens, one more than T.
    ListOps task = ListOps.builder().maxDepth(3).minArgs(2).maxArgs(2).nestProbability(1).length(21).build();
    var e = assertThrows(IllegalStateException.class, () -> task.generate(new SplittableRandom(1)));
    assertTrue(e.getMessage().contains("T=21"), e.getMessage());
    ListOps fits = ListOps.builder().maxDepth(3).minArgs(2).maxArgs(2).nestProbability(1).length(22).build();
    assertEquals(22, fits.generate(new SplittableRandom(1)).length());
  }
}
