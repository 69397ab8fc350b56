package org.attentioncourse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskedCrossEntropyTest {

  @Test
  void ignoresPositionsWithoutATarget() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[][] z2 = {{2, 0, 0}, {0, 1, 0}, {5, 5, 5}};
      int[][] y = {{0, 1, -1}};
      var z = m.create(z2).expandDims(0); // (1, 3, 3)
      double expected =
          -(Math.log(Math.exp(2) / (Math.exp(2) + 2)) + Math.log(Math.exp(1) / (Math.exp(1) + 2))) / 2;
      double got = new MaskedCrossEntropy().evaluate(new NDList(m.create(y)), new NDList(z)).getFloat();
      assertEquals(expected, got, 1e-6);
      var e = assertThrows(IllegalArgumentException.class,
          () -> new MaskedCrossEntropy().evaluate(new NDList(m.create(new int[] {0, 1})), new NDList(z)));
      assertTrue(e.getMessage().contains("(1, 3, 3)") && e.getMessage().contains("(2)"), e.getMessage());
    }
  }

  @Test
  void macroF1FromTribuosConfusionMatrix() {
    // truth/prediction pairs: class 0 perfect (F1 1), class 1: tp 1, fn 1, fp 0 → F1 2/3; class 2: fp 1 → F1 0
    List<int[]> pairs = List.of(new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1}, new int[] {1, 2});
    assertEquals((1 + 2.0 / 3 + 0) / 3, Evaluation.macroF1(pairs, 3), 1e-12);
  }
}
