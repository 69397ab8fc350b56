package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {

  private static final List<Example> TEN = Splits.generate(Copy.of(3, 10), 10, 0, 0, 5).train();

  @Test
  void batchSizesAndTheLastPartialBatch() {
    List<Batch> batches = Batches.of(TEN, 4, false, 0);
    assertEquals(List.of(4, 4, 2), batches.stream().map(Batch::size).toList());
    for (Batch b : batches) {
      assertEquals(7, b.length());
    }
    assertEquals(1, Batches.of(TEN, 10, false, 0).size());
    assertEquals(1, Batches.of(TEN, 99, false, 0).size(), "a batch larger than the data is one batch");
    assertEquals(10, Batches.of(TEN, 1, false, 0).size());
  }

  @Test
  void withoutShuffleTheOrderIsKept() {
    List<Example> back = flatten(Batches.of(TEN, 3, false, 0));
    assertEquals(TEN, back);
  }

  @Test
  void shuffleIsADeterministicPermutation() {
    List<Example> a = flatten(Batches.of(TEN, 3, true, 1));
    List<Example> b = flatten(Batches.of(TEN, 3, true, 1));
    List<Example> c = flatten(Batches.of(TEN, 3, true, 2));
    assertEquals(a, b, "same seed, same order");
    assertNotEquals(a, c, "different seed, different order");
    assertNotEquals(TEN, a, "shuffled");
    assertEquals(sorted(TEN), sorted(a), "the same examples, each once");
  }

  @Test
  void batchFieldsComeFromTheExamples() {
    Batch b = Batches.of(TEN, 4, false, 0).get(1);
    for (int i = 0; i < b.size(); i++) {
      Example e = TEN.get(4 + i);
      assertArrayEquals(e.tokens(), b.tokens()[i]);
      assertArrayEquals(e.targets(), b.targets()[i]);
      assertEquals(-1, b.labels()[i]);
      assertEquals(e.length(), b.lengths()[i]);
    }
  }

  @Test
  void maskIsOneOnRealTokensAndZeroOnPadding() {
    List<Example> exprs = Splits.generate(ListOps.defaults(), 16, 0, 0, 3).train();
    Batch b = Batch.of(exprs);
    float[][] mask = b.mask();
    boolean sawPadding = false;
    for (int i = 0; i < b.size(); i++) {
      for (int j = 0; j < b.length(); j++) {
        assertEquals(j < exprs.get(i).length() ? 1f : 0f, mask[i][j], "row " + i + " position " + j);
        sawPadding |= mask[i][j] == 0f;
      }
    }
    assertTrue(sawPadding, "ListOps examples are padded");
  }

  @Test
  void toNDListGivesShapesAndTypesTheModelsExpect() {
    List<Example> exprs = Splits.generate(ListOps.defaults(), 5, 0, 0, 4).train();
    Batch b = Batch.of(exprs);
    try (NDManager m = NDManager.newBaseManager()) {
      NDList list = b.toNDList(m);
      assertEquals(4, list.size());
      NDArray tokens = list.get(0);
      NDArray mask = list.get(1);
      NDArray targets = list.get(2);
      NDArray labels = list.get(3);
      assertEquals(new Shape(5, 64), tokens.getShape());
      assertEquals(new Shape(5, 64), mask.getShape());
      assertEquals(new Shape(5, 64), targets.getShape());
      assertEquals(new Shape(5), labels.getShape());
      assertEquals(DataType.INT32, tokens.getDataType());
      assertEquals(DataType.FLOAT32, mask.getDataType());
      assertEquals(DataType.INT32, targets.getDataType());
      assertEquals(DataType.INT32, labels.getDataType());
      assertEquals("tokens", tokens.getName());
      assertArrayEquals(exprs.get(2).tokens(), tokens.get(2).toIntArray());
      assertArrayEquals(exprs.stream().mapToInt(Example::label).toArray(), labels.toIntArray());
      assertEquals(exprs.get(0).length(), (int) mask.get(0).sum().getFloat(), "mask row sums to the length");
      assertEquals(-1, targets.get(0).toIntArray()[0], "IGNORE survives as -1");
    }
  }

  @Test
  void badArgumentsFailClearly() {
    var size = assertThrows(IllegalArgumentException.class, () -> Batches.of(TEN, 0, false, 0));
    assertTrue(size.getMessage().contains("batchSize must be >= 1, got 0"), size.getMessage());
    var empty = assertThrows(IllegalArgumentException.class, () -> Batches.of(List.of(), 4, false, 0));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    List<Example> mixed = List.of(TEN.get(0), Copy.of(4, 10).generate(new java.util.SplittableRandom(1)));
    var rows = assertThrows(IllegalArgumentException.class, () -> Batch.of(mixed));
    assertTrue(rows.getMessage().contains("row 1 has 9 tokens"), rows.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Batch(new int[][] {{3}}, new int[][] {{-1}}, new int[] {-1, -1}, new int[] {1}));
  }

  private static List<Example> flatten(List<Batch> batches) {
    List<Example> out = new ArrayList<>();
    for (Batch b : batches) {
      for (int i = 0; i < b.size(); i++) {
        out.add(new Example(b.tokens()[i], b.targets()[i], b.labels()[i], b.lengths()[i]));
      }
    }
    return out;
  }

  private static List<Example> sorted(List<Example> examples) {
    return examples.stream().sorted(Comparator.comparing(e -> java.util.Arrays.toString(e.tokens()))).toList();
  }
}
