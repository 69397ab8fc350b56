package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SplitsTest {

  @Test
  void sameSeedSameSplitsDifferentSeedDifferentSplits() {
    for (Task task : TaskTest.allTasks()) {
      Splits a = Splits.generate(task, 200, 30, 30, 7);
      Splits b = Splits.generate(task, 200, 30, 30, 7);
      Splits c = Splits.generate(task, 200, 30, 30, 8);
      assertEquals(a, b, task.name() + ": same seed");
      assertNotEquals(a.train(), c.train(), task.name() + ": different seed");
      assertNotEquals(a.test(), c.test(), task.name() + ": different seed");
    }
    assertEquals(Splits.generate(Copy.defaults(), 5, 1, 1), Splits.generate(Copy.defaults(), 5, 1, 1, 42L));
  }

  @Test
  void splitsHaveTheRequestedSizesAndShareNoExample() {
    // Sort of 3 symbols over 4 has only 64 distinct examples, so drawing 60 repeats often: the duplicate check
    // has real work to do.
    Task small = Sort.of(3, 4);
    Splits s = Splits.generate(small, 40, 10, 10, 1);
    assertEquals(40, s.train().size());
    assertEquals(10, s.validation().size());
    assertEquals(10, s.test().size());
    assertEquals("train 40, validation 10, test 10", s.sizes());
    assertAllDistinct(s);
    for (Task task : TaskTest.allTasks()) {
      assertAllDistinct(Splits.generate(task, 500, 100, 100, 3));
    }
  }

  private static void assertAllDistinct(Splits s) {
    List<Example> all = Stream.of(s.train(), s.validation(), s.test()).flatMap(List::stream).toList();
    Set<List<Integer>> contents = new HashSet<>();
    for (Example e : all) {
      assertTrue(contents.add(IntStream.of(e.tokens()).boxed().collect(Collectors.toList())),
          "repeated tokens " + java.util.Arrays.toString(e.tokens()));
    }
  }

  @Test
  void aSmallSpaceCanBeDrawnCompletely() {
    // Copy of 2 symbols over 3 has exactly 9 examples; asking for all 9 must succeed, not give up.
    Splits s = Splits.generate(Copy.of(2, 3), 5, 2, 2, 1);
    assertAllDistinct(s);
    assertEquals(9, s.train().size() + s.validation().size() + s.test().size());
  }

  @Test
  void anImpossibleRequestNamesTheTaskAndTheCounts() {
    var e = assertThrows(IllegalArgumentException.class, () -> Splits.generate(Copy.of(1, 2), 80, 10, 10, 1));
    String m = e.getMessage();
    assertTrue(m.contains("copy"), m);
    assertTrue(m.contains("only 2 distinct"), m);
    assertTrue(m.contains("100 were requested"), m);
    assertTrue(m.contains("train 80, validation 10, test 10"), m);
  }

  @Test
  void badSizesAreRejectedAndEmptySplitsAllowed() {
    var e = assertThrows(IllegalArgumentException.class, () -> Splits.generate(Copy.defaults(), 10, -1, 5, 1));
    assertTrue(e.getMessage().contains("validation -1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Splits.generate(null, 1, 1, 1, 1));
    Splits s = Splits.generate(Copy.defaults(), 3, 0, 0, 1);
    assertEquals(3, s.train().size());
    assertTrue(s.validation().isEmpty() && s.test().isEmpty());
  }

  @Test
  void splitsCannotBeChangedAfterwards() {
    List<Example> train = new ArrayList<>(Splits.generate(Copy.defaults(), 2, 0, 0, 1).train());
    Splits s = new Splits(train, List.of(), List.of());
    train.clear();
    assertEquals(2, s.train().size(), "the record copied the list");
    assertThrows(UnsupportedOperationException.class, () -> s.train().clear());
  }
}
