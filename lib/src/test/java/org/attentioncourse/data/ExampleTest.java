package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExampleTest {

  private static final int I = Example.IGNORE;

  @Test
  void aValidExampleKeepsItsValuesAndCopiesTheArrays() {
    int[] tokens = {5, 3, Vocab.SEP, Vocab.BLANK, Vocab.PAD};
    int[] targets = {I, I, I, 3, I};
    Example e = new Example(tokens, targets, -1, 4);
    tokens[0] = 9;
    assertEquals(5, e.tokens()[0], "later changes to the caller's array do not leak in");
    assertEquals(5, e.size());
    assertArrayEquals(new int[] {3}, e.targetPositions());
    Example same = new Example(new int[] {5, 3, 1, 2, 0}, new int[] {I, I, I, 3, I}, -1, 4);
    assertEquals(e, same, "content equality");
    assertEquals(e.hashCode(), same.hashCode());
    assertNotEquals(e, new Example(new int[] {5, 3, 1, 2, 0}, new int[] {I, I, I, 4, I}, -1, 4));
    assertTrue(e.toString().contains("[5, 3, 1, 2, 0]"), e.toString());
  }

  @Test
  void brokenLayoutsAreRejectedNamingTheValue() {
    assertMessage(
        () -> new Example(new int[] {3, 4}, new int[] {I}, -1, 2), "tokens has length 2 but targets has length 1");
    assertMessage(() -> new Example(new int[] {3, 4}, new int[] {I, I}, -1, 0), "length is 0");
    assertMessage(() -> new Example(new int[] {3, 4}, new int[] {I, I}, -1, 3), "length is 3");
    assertMessage(() -> new Example(new int[] {3, 0, 4}, new int[] {I, I, I}, -1, 3), "PAD at position 1");
    assertMessage(() -> new Example(new int[] {3, 4, 5}, new int[] {I, I, I}, -1, 2), "token 5 at position 2");
    assertMessage(() -> new Example(new int[] {3, 0}, new int[] {I, 7}, -1, 1), "target 7 at padding position 1");
    assertMessage(() -> new Example(new int[] {3, 4}, new int[] {-5, I}, -1, 2), "target -5 at position 0");
    assertMessage(() -> new Example(new int[] {-3, 4}, new int[] {I, I}, -1, 2), "token -3 at position 0");
    assertMessage(() -> new Example(new int[] {3}, new int[] {I}, -2, 1), "label is -2");
    assertMessage(() -> new Example(null, new int[] {I}, -1, 1), "null");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
    var e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
  }
}
