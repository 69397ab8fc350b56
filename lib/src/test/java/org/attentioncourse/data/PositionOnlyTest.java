package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What {@link Task#positionOnly()} promises: for Copy and Reverse one fixed position mapping (what an
 * input-independent attention matrix can express) answers every example; for Sort, Recall and Lookup none can.
 */
class PositionOnlyTest {

  private static final int EXAMPLES = 200;

  /** Answer position n+1+i reads input position source(i), the same for every example. */
  private static int[] mappingFromLayout(int n, boolean reversed) {
    int[] read = new int[2 * n + 1];
    java.util.Arrays.fill(read, -1);
    for (int i = 0; i < n; i++) {
      read[n + 1 + i] = reversed ? n - 1 - i : i;
    }
    return read;
  }

  private static void assertMappingSolves(Task task, int n, int[] read) {
    // The answer positions read each input position exactly once: a permutation of 0..n-1.
    assertArrayEquals(
        IntStream.range(0, n).toArray(),
        IntStream.range(n + 1, 2 * n + 1).map(p -> read[p]).sorted().toArray());
    SplittableRandom rng = new SplittableRandom(11);
    for (int s = 0; s < EXAMPLES; s++) {
      Example e = task.generate(rng);
      for (int p = 0; p < e.size(); p++) {
        int expected = read[p] < 0 ? Example.IGNORE : e.tokens()[read[p]];
        assertEquals(expected, e.targets()[p], task.name() + " example " + s + " position " + p);
      }
    }
  }

  @Test
  void copyIsSolvedByOneFixedPermutation() {
    Copy task = Copy.defaults();
    assertMappingSolves(task, task.n(), mappingFromLayout(task.n(), false));
    assertNull(counterexample(task), "no counterexample can exist for copy");
  }

  @Test
  void reverseIsSolvedByOneFixedPermutation() {
    Reverse task = Reverse.defaults();
    assertMappingSolves(task, task.n(), mappingFromLayout(task.n(), true));
    assertNull(counterexample(task), "no counterexample can exist for reverse");
  }

  @Test
  void noFixedMappingSolvesSort() {
    String pair = counterexample(Sort.defaults());
    assertNotNull(pair, "expected two sort examples whose answers sit at disjoint positions");
    System.out.println("sort: " + pair);
  }

  @Test
  void noFixedMappingSolvesRecall() {
    String pair = counterexample(AssociativeRecall.defaults());
    assertNotNull(pair, "expected two recall examples whose answers sit at disjoint positions");
    System.out.println("recall: " + pair);
  }

  @Test
  void noFixedMappingSolvesLookup() {
    String pair = counterexample(Lookup.defaults());
    assertNotNull(pair, "expected two lookup examples whose answers sit at disjoint positions");
    System.out.println("lookup: " + pair);
  }

  /**
   * Looks for an answer position p and two examples such that the input positions holding the right answer in
   * one never hold it in the other. A fixed mapping would have to read, at p, one position j that is right for
   * both, so such a pair proves none exists. Returns a description of the pair, or null if none was found.
   */
  static String counterexample(Task task) {
    SplittableRandom rng = new SplittableRandom(12);
    List<Example> examples = new ArrayList<>();
    for (int s = 0; s < EXAMPLES; s++) {
      examples.add(task.generate(rng));
    }
    for (int p = 0; p < task.length(); p++) {
      for (int a = 0; a < examples.size(); a++) {
        BitSet ja = holdersOfAnswer(examples.get(a), p);
        if (ja == null) {
          continue;
        }
        for (int b = a + 1; b < examples.size(); b++) {
          BitSet jb = holdersOfAnswer(examples.get(b), p);
          if (!ja.intersects(jb)) {
            return "at position " + p + ", " + task.render(examples.get(a)) + " needs one of " + ja + " but "
                + task.render(examples.get(b)) + " needs one of " + jb;
          }
        }
      }
    }
    return null;
  }

  /** Input positions j whose token equals the target at p; null when p has no target. */
  private static BitSet holdersOfAnswer(Example e, int p) {
    int y = e.targets()[p];
    if (y == Example.IGNORE) {
      return null;
    }
    BitSet js = new BitSet();
    for (int j = 0; j < e.length(); j++) {
      if (e.tokens()[j] == y) {
        js.set(j);
      }
    }
    return js;
  }
}
