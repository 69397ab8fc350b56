package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attentioncourse.attention.AttentionEdit;
import org.attentioncourse.attention.TransformerModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class PapaSweepTest {

  @TempDir Path dir;

  /** A scorer that reports 1 − 0.1 × (layers with an edit installed), and records that number. */
  private static Metrics fake(ProbedModel model, List<Integer> calls) {
    int installed = 0;
    for (int l = 0; l < model.layers(); l++) {
      AttentionEdit e = model.attention(l).edit();
      installed += e == null ? 0 : 1;
    }
    calls.add(installed);
    return new Metrics(10, 1 - 0.1 * installed, 0.5, 0.2);
  }

  @Test
  void defaultPointsAreNoneHalfSevenEighthsFifteenSixteenthsAndAll() {
    try (NDManager m = NDManager.newBaseManager()) {
      ProbedModel probed = ProbedModel.of(bigger(m));
      ConstantMatrices C = ConstantAttentionTest.randomConstants(4, 4, 4, 1);
      PapaSweep s = PapaSweep.builder().model(probed).constants(C).order(HeadOrder.random(probed, 1))
          .scorer("fake", model -> null).build();
      assertArrayEquals(new int[] {0, 8, 14, 15, 16}, s.counts()); // 16 heads
      PapaSweep t = PapaSweep.builder().model(probed).constants(C).order(HeadOrder.random(probed, 1))
          .scorer("fake", model -> null).counts(3, 1).build();
      assertArrayEquals(new int[] {0, 1, 3}, t.counts(), "explicit counts, baseline added");
    }
  }

  private static TransformerModel bigger(NDManager m) {
    TransformerModel model =
        TransformerModel.builder().vocabSize(12).maxLength(4).dModel(8).heads(4).layers(4).perToken(12).build();
    model.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 4),
        new ai.djl.ndarray.types.Shape(1, 4));
    return model;
  }

  /** Interrupted after one point, a rerun scores only the remaining points and returns the whole table. */
  @Test
  void aStoppedSweepResumesFromItsCsv() throws Exception {
    int T = 5;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 1);
      ProbedModel probed = ProbedModel.of(model);
      ConstantMatrices C = ConstantMatrices.compute(probed, "tiny", PapaTestSupport.labelled(10, T, 1), 8);
      HeadOrder order = HeadOrder.parse("hand", "L1H0 L0H1 L1H1 L0H0");
      Path csv = dir.resolve("sweep.csv");
      List<Integer> calls = new ArrayList<>();
      PapaSweep first = PapaSweep.builder().model(probed).constants(C).order(order).verbose(false)
          .scorer("fake", model1 -> {
            if (calls.size() == 1) {
              throw new IllegalStateException("stopped");
            }
            return fake(model1, calls);
          })
          .csv(csv).build();
      assertThrows(IllegalStateException.class, first::run);
      assertEquals(2, Files.readAllLines(csv).size(), "header and the baseline row");
      assertEquals(null, model.attention(0).edit(), "the failed point's edits were removed");

      List<Integer> resumed = new ArrayList<>();
      PapaSweep second = PapaSweep.builder().model(probed).constants(C).order(order).verbose(false)
          .scorer("fake", model2 -> fake(model2, resumed)).csv(csv).build();
      Table t = second.run();
      // points 0 (done), 2, 4, 4 (15/16 of 4 rounds to 4), 4 → {0, 2, 4}; 2 heads = L1H0 and L0H1: both layers edited
      assertEquals(List.of(2, 2), resumed, "only the missing points were scored, with edits installed");
      assertEquals(3, t.rowCount());
      assertEquals(1.0, t.doubleColumn("score").get(0), 1e-12, "the baseline comes from the file");
      assertEquals(0.8, t.doubleColumn("score").get(1), 1e-12);
      assertEquals(0.2, t.doubleColumn("relative drop").get(1), 1e-12);
      assertEquals(0, t.intColumn("input-dependent heads").get(2));
      assertEquals(4, Files.readAllLines(csv).size());

      List<Integer> none = new ArrayList<>();
      PapaSweep.builder().model(probed).constants(C).order(order).verbose(false)
          .scorer("fake", model3 -> fake(model3, none)).csv(csv).build().run();
      assertTrue(none.isEmpty(), "a finished sweep scores nothing again");

      List<Integer> other = new ArrayList<>();
      PapaSweep.builder().model(probed).constants(C).order(HeadOrder.random(probed, 5)).verbose(false)
          .scorer("fake", model4 -> fake(model4, other)).csv(csv).build().run();
      assertEquals(3, other.size(), "another order is another setup in the same file");
      assertEquals(7, Files.readAllLines(csv).size());
    }
  }

  /** The stop condition ends the sweep between points (the finished one is kept); the lines go where told. */
  @Test
  void aStopConditionEndsTheSweepBeforeTheNextPoint() throws Exception {
    int T = 5;
    try (NDManager m = NDManager.newBaseManager()) {
      ProbedModel probed = ProbedModel.of(PapaTestSupport.perTokenModel(m, T, 1));
      ConstantMatrices C = ConstantMatrices.compute(probed, "tiny", PapaTestSupport.labelled(10, T, 1), 8);
      HeadOrder order = HeadOrder.parse("hand", "L1H0 L0H1 L1H1 L0H0");
      Path csv = dir.resolve("stopped.csv");
      List<Integer> calls = new ArrayList<>();
      java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
      PapaSweep s = PapaSweep.builder().model(probed).constants(C).order(order).scorer("fake", x -> fake(x, calls))
          .csv(csv).out(new java.io.PrintStream(lines, true, java.nio.charset.StandardCharsets.UTF_8))
          .stopWhen(() -> calls.size() == 1).build();
      var e = assertThrows(java.util.concurrent.CancellationException.class, s::run);
      assertTrue(e.getMessage().startsWith("PAPA sweep stopped before point 2 of 3"), e.getMessage());
      assertEquals(1, calls.size());
      assertEquals(2, Files.readAllLines(csv).size(), "header and the baseline row");
      String text = lines.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(text.contains("3 to score") && text.contains("point 1/3: 0 of 4 heads constant"), text);
    }
    assertArrayEquals(new int[] {0, 36, 63, 68, 72}, PapaSweep.points(PapaSweep.DEFAULT_FRACTIONS, new int[0], 72));
  }

  @Test
  void aMalformedCsvIsRejectedNamingFileAndLine() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, PapaSweep.HEADER + "\nabc,gates,fake,ACCURACY,1\n");
    var e = assertThrows(IllegalArgumentException.class, () -> PapaSweep.readDone(csv, "abc"));
    assertTrue(e.getMessage().startsWith(csv + ":2:"), e.getMessage());
    Files.writeString(csv, "something else\n");
    var e2 = assertThrows(IllegalArgumentException.class, () -> PapaSweep.readDone(csv, "abc"));
    assertTrue(e2.getMessage().startsWith(csv + ":1:"), e2.getMessage());
  }
}
