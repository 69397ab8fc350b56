package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attentioncourse.attention.AttentionMaps;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Example;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConstantMatricesTest {

  @TempDir Path dir;

  /**
   * Two examples, T = 3, one head. Example 1 is fully real; example 2 has length 2. Cells with both i, j < 2 average
   * the two examples, the others take example 1 alone; padded entries of example 2 (non-zero on purpose) never
   * count.
   */
  @Test
  void averagingCountsOnlyCellsWhereBothPositionsAreReal() {
    float[] w = {
      // example 1, head 0
      0.2f, 0.3f, 0.5f,
      0.6f, 0.4f, 0.0f,
      0.1f, 0.1f, 0.8f,
      // example 2, head 0: row 2 and column 2 are padding
      0.4f, 0.5f, 0.1f,
      0.2f, 0.8f, 0.0f,
      0.3f, 0.3f, 0.4f
    };
    float[] mask = {1, 1, 1, 1, 1, 0};
    ConstantMatrices.Accumulator acc = new ConstantMatrices.Accumulator(1, 1, 3);
    acc.count(mask, 2);
    acc.add(0, w, new long[] {2, 1, 3, 3}, mask);
    ConstantMatrices c = acc.build("hand", "made", 2);
    double[][] expected = {
      {(0.2 + 0.4) / 2, (0.3 + 0.5) / 2, 0.5},
      {(0.6 + 0.2) / 2, (0.4 + 0.8) / 2, 0.0},
      {0.1, 0.1, 0.8}
    };
    double[][] got = c.matrix(0, 0);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(expected[i], got[i], 1e-7, "row " + i);
    }
    assertEquals(2, c.count(0, 1));
    assertEquals(1, c.count(0, 2));
    assertEquals(1, c.count(2, 2));
  }

  @Test
  void aCellNoExampleCoversIsZero() {
    float[] w = {0.5f, 0.5f, 0.5f, 0.5f}; // one example, T = 2, one head, only position 0 real
    float[] mask = {1, 0};
    ConstantMatrices.Accumulator acc = new ConstantMatrices.Accumulator(1, 1, 2);
    acc.count(mask, 1);
    acc.add(0, w, new long[] {1, 1, 2, 2}, mask);
    double[][] c = acc.build("m", "d", 1).matrix(0, 0);
    assertArrayEquals(new double[] {0.5, 0}, c[0], 0);
    assertArrayEquals(new double[] {0, 0}, c[1], 0);
  }

  /** compute() against the literal definition: every example's recorded maps, averaged by hand in float64. */
  @Test
  void computeMatchesAveragingRecordedMapsByHand() {
    int T = 5;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 3);
      ProbedModel probed = ProbedModel.of(model);
      List<ProbeExample> data = new ArrayList<>();
      List<Example> examples = new ArrayList<>();
      int[][] rows = {{3, 4, 5, 0, 0}, {6, 7, 8, 9, 10}, {11, 3, 0, 0, 0}, {4, 4, 4, 4, 0}};
      for (int[] r : rows) {
        int len = 0;
        while (len < T && r[len] != 0) {
          len++;
        }
        int[] targets = new int[T];
        java.util.Arrays.fill(targets, Example.IGNORE);
        targets[0] = 3;
        Example e = new Example(r, targets, -1, len);
        examples.add(e);
        data.add(ProbeExample.of(e));
      }
      ConstantMatrices C = ConstantMatrices.compute(probed, "tiny", data, 3); // batches of 3 and 1
      for (int l = 0; l < 2; l++) {
        for (int h = 0; h < 2; h++) {
          double[][] sum = new double[T][T];
          double[][] n = new double[T][T];
          for (Example e : examples) {
            double[][] a = AttentionMaps.of(model, e)[l][h];
            for (int i = 0; i < e.length(); i++) {
              for (int j = 0; j < e.length(); j++) {
                sum[i][j] += a[i][j];
                n[i][j]++;
              }
            }
          }
          double[][] got = C.matrix(l, h);
          for (int i = 0; i < T; i++) {
            for (int j = 0; j < T; j++) {
              double want = n[i][j] == 0 ? 0 : sum[i][j] / n[i][j];
              assertEquals(want, got[i][j], 1e-6, "layer " + l + " head " + h + " (" + i + ", " + j + ")");
            }
          }
        }
      }
      assertEquals(model.attention(0).edit(), null, "the recording edits are removed afterwards");
    }
  }

  /** A stop condition ends the pass between batches; nothing is saved and the model keeps no edit. */
  @Test
  void aStoppedPassSavesNothing() {
    int T = 4;
    try (NDManager m = NDManager.newBaseManager()) {
      ProbedModel probed = ProbedModel.of(PapaTestSupport.perTokenModel(m, T, 5));
      List<ProbeExample> data = PapaTestSupport.labelled(6, T, 1);
      int[] asked = {0};
      Path file = dir.resolve("stopped.constants");
      var e = assertThrows(java.util.concurrent.CancellationException.class,
          () -> ConstantMatrices.loadOrCompute(file, probed, "tiny", data, 2, () -> ++asked[0] > 2));
      assertEquals("constant matrices stopped after 4 of 6 examples (nothing saved)", e.getMessage());
      assertTrue(Files.notExists(file));
      for (int l = 0; l < probed.layers(); l++) {
        assertEquals(null, probed.attention(l).edit(), "layer " + l + " kept the recording edit");
      }
    }
  }

  @Test
  void saveAndLoadRoundTripAndCheckIdentityAndData() throws Exception {
    int T = 4;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 5);
      ProbedModel probed = ProbedModel.of(model);
      List<ProbeExample> data = PapaTestSupport.labelled(6, T, 1);
      ConstantMatrices C = ConstantMatrices.compute(probed, "tiny", data, 4);
      Path file = C.save(dir.resolve("c.txt"));
      String identity = Checksums.modelIdentity("tiny", model);
      ConstantMatrices back = ConstantMatrices.load(file, identity, Checksums.ofExamples(data));
      for (int l = 0; l < 2; l++) {
        for (int h = 0; h < 2; h++) {
          assertArrayEquals(C.flat(l, h), back.flat(l, h), "float values survive the text form exactly");
        }
      }
      assertEquals(C.count(0, 1), back.count(0, 1));
      assertEquals(identity, back.modelIdentity());

      var wrongModel = assertThrows(IllegalArgumentException.class,
          () -> ConstantMatrices.load(file, Checksums.modelIdentity("other", model), null));
      assertTrue(wrongModel.getMessage().contains(file.toString()) && wrongModel.getMessage().contains("model"),
          wrongModel.getMessage());
      List<ProbeExample> otherData = PapaTestSupport.labelled(6, T, 2);
      var wrongData = assertThrows(IllegalArgumentException.class,
          () -> ConstantMatrices.load(file, identity, Checksums.ofExamples(otherData)));
      assertTrue(wrongData.getMessage().contains("checksum"), wrongData.getMessage());

      // loadOrCompute: loads the matching file, refuses it for other data
      assertArrayEquals(C.flat(1, 1),
          ConstantMatrices.loadOrCompute(file, probed, "tiny", data, 4).flat(1, 1));
      assertThrows(IllegalArgumentException.class,
          () -> ConstantMatrices.loadOrCompute(file, probed, "tiny", otherData, 4));
    }
  }

  @Test
  void checksumsFollowTheDataAndTheWeights() {
    List<ProbeExample> a = PapaTestSupport.labelled(3, 4, 1);
    List<ProbeExample> b = new ArrayList<>(a);
    ProbeExample e = b.get(1);
    int[] tokens = e.tokens().clone();
    tokens[0] = tokens[0] == 4 ? 5 : 4;
    b.set(1, ProbeExample.labelled(tokens, e.mask(), null, e.label()));
    assertEquals(Checksums.ofExamples(a), Checksums.ofExamples(new ArrayList<>(a)));
    assertNotEquals(Checksums.ofExamples(a), Checksums.ofExamples(b));
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel m1 = PapaTestSupport.perTokenModel(m, 4, 1);
      TransformerModel m2 = PapaTestSupport.perTokenModel(m, 4, 2);
      assertNotEquals(Checksums.modelIdentity("x", m1), Checksums.modelIdentity("x", m2));
      assertEquals(Checksums.modelIdentity("x", m1), Checksums.modelIdentity("x", m1));
    }
  }

  @Test
  void malformedFilesAreRejectedNamingFileAndLine() throws Exception {
    String good = String.join("\n",
        "papa-constants 1", "model tiny params:0011", "data abc", "examples 2", "shape 1 1 2", "counts", "2 1", "1 1",
        "matrix 0 0", "0.5 0.5", "0.25 0.75", "end", "");
    Path ok = dir.resolve("ok.txt");
    Files.writeString(ok, good);
    ConstantMatrices c = ConstantMatrices.load(ok);
    assertEquals(0.75, c.matrix(0, 0)[1][1], 1e-7);

    String[][] broken = {
      {"not-papa\n", ":1:", "not a constant-matrix file"},
      {good.replace("shape 1 1 2", "shape 1 1"), ":5:", "three numbers"},
      {good.replace("2 1\n", "2 x\n"), ":7:", "not an integer"},
      {good.replace("0.25 0.75", "0.25"), ":11:", "expected 2 values"},
      {good.replace("0.25 0.75", "0.25 1.75"), ":11:", "[0, 1]"},
      {good.replace("matrix 0 0", "matrix 0 1"), ":9:", "matrix 0 0"},
      {good.replace("end\n", ""), ":12:", "ends early"},
    };
    for (String[] b : broken) {
      Path f = dir.resolve("bad.txt");
      Files.writeString(f, b[0]);
      var e = assertThrows(IllegalArgumentException.class, () -> ConstantMatrices.load(f));
      assertTrue(e.getMessage().startsWith(f + b[1]) && e.getMessage().contains(b[2]),
          "expected '" + f + b[1] + " … " + b[2] + "' but got: " + e.getMessage());
    }
  }
}
