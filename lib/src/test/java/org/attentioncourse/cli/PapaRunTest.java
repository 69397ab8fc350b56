package org.attentioncourse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.attentioncourse.papa.GlueTsv;
import org.attentioncourse.papa.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of a PAPA run that need no encoder: steps from epochs, the row sample, metrics, gates files. */
class PapaRunTest {

  @Test
  void epochsBecomeStepsRoundedUp() {
    assertEquals(31_570, PapaRun.steps(15, 67_349, 32), "SST-2: 15 × 67 349 / 32 = 31 569.8");
    assertEquals(4, PapaRun.steps(1, 32, 8));
    assertEquals(5, PapaRun.steps(1, 33, 8));
    assertEquals(1, PapaRun.steps(1, 1, 32));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PapaRun.steps(10_000, 100_000_000, 1))
        .getMessage().contains("cap train_examples"));
  }

  @Test
  void aCapDrawsASeededSampleInFileOrder() {
    List<GlueTsv.Row> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(new GlueTsv.Row(Integer.toString(i), "sentence " + i, null, i % 2));
    }
    assertSame(rows, PapaRun.sample(rows, ExperimentConfig.ALL_EXAMPLES, 42));
    assertSame(rows, PapaRun.sample(rows, 100, 42));
    List<GlueTsv.Row> a = PapaRun.sample(rows, 10, 42);
    assertEquals(10, a.size());
    assertEquals(a, PapaRun.sample(rows, 10, 42), "the same seed draws the same rows");
    assertNotEquals(a, PapaRun.sample(rows, 10, 43));
    assertNotEquals(rows.subList(0, 10), a, "a sample, not the head of the file");
    for (int i = 1; i < a.size(); i++) {
      assertTrue(Integer.parseInt(a.get(i - 1).id()) < Integer.parseInt(a.get(i).id()), "file order");
    }
  }

  @Test
  void eachTaskIsReadWithItsOwnFormat(@TempDir Path tmp) throws Exception {
    Path cola = tmp.resolve("data/glue/CoLA");
    Files.createDirectories(cola);
    // CoLA: no header; source, label, the original mark, sentence
    Files.writeString(cola.resolve("train.tsv"), "gj04\t1\t\tThe sailors rode the breeze clear of the rocks.\n"
        + "gj04\t0\t*\tThe more we study verbs, the crazier they get the.\nbc01\t1\t\tHarry coughed himself into a fit.\n");
    Files.writeString(cola.resolve("dev.tsv"), "bc01\t0\t*\tHim left the room.\n");
    PapaRun.Rows c = PapaRun.read(ExperimentConfig.parse("c.ini", Main.builtIn("papa-minilm-cola")), tmp);
    assertEquals(List.of(1, 0, 1), c.train().stream().map(GlueTsv.Row::label).toList());
    assertEquals("Him left the room.", c.dev().get(0).text());
    GlueFixtures.mrpc(tmp.resolve("data/glue"));
    PapaRun.Rows m = PapaRun.read(ExperimentConfig.parse("m.ini", Main.builtIn("papa-minilm-mrpc")), tmp);
    assertEquals(12, m.train().size());
    assertEquals(6, m.dev().size());
    assertTrue(m.train().stream().allMatch(r -> r.textB() != null), "sentence pairs");
    GlueFixtures.sst2(tmp.resolve("data/glue"));
    PapaRun.Rows s = PapaRun.read(ExperimentConfig.parse("s.ini", Main.builtIn("papa-minilm-sst2")
        .replace("\n[papa]\n", "\ntrain_examples = 10\n[papa]\n")), tmp);
    assertEquals(List.of(10, 40, 16), List.of(s.train().size(), s.trainInFile(), s.dev().size()));
  }

  @Test
  void eachTaskIsScoredByItsGlueMetric() {
    assertEquals(Metric.MATTHEWS, PapaRun.metric("cola"));
    assertEquals(Metric.ACCURACY, PapaRun.metric("sst2"));
    assertEquals(Metric.ACCURACY, PapaRun.metric("mrpc"));
  }

  @Test
  void theResumeFingerprintIgnoresFractionsButNotEpochs() {
    String sst = Main.builtIn("papa-minilm-sst2");
    String base = PapaRun.fingerprint(ExperimentConfig.parse("a.ini", sst));
    assertEquals(base, PapaRun.fingerprint(ExperimentConfig.parse("b.ini",
        sst.replace("static_fractions = 0, 0.5, 0.875, 0.9375, 1", "static_fractions = 0, 0.25, 1"))));
    assertNotEquals(base, PapaRun.fingerprint(ExperimentConfig.parse("c.ini",
        sst.replace("gate_epochs = 15", "gate_epochs = 3"))));
    assertNotEquals(base, PapaRun.fingerprint(ExperimentConfig.parse("d.ini", sst.replace("batch = 32", "batch = 16"))));
  }

  @Test
  void aGatesFileIsReadBackOrRefusedNamingTheLine(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("gates.csv");
    StringBuilder s = new StringBuilder(PapaRun.GATES_HEADER).append('\n');
    for (int l = 0; l < 2; l++) {
      for (int h = 0; h < 3; h++) {
        s.append("abc,").append(l).append(',').append(h).append(',').append(0.1 * (l * 3 + h) - 0.2).append('\n');
      }
    }
    Files.writeString(f, s);
    double[][] lambda = PapaRun.readGates(f, "abc", 2, 3);
    assertEquals(-0.2, lambda[0][0], 1e-12);
    assertEquals(0.3, lambda[1][2], 1e-12);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PapaRun.readGates(f, "xyz", 2, 3)).getMessage()
        .startsWith(f + ":2: these gates were trained for another setup"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PapaRun.readGates(f, "abc", 2, 4)).getMessage()
        .contains("6 heads listed, expected 8"));
    Files.writeString(f, s.toString().replace("abc,1,2,", "abc,1,2,x"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PapaRun.readGates(f, "abc", 2, 3)).getMessage()
        .startsWith(f + ":7: a number field is malformed"));
  }
}
