package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import org.attentioncourse.attention.AttentionFactory;
import org.attentioncourse.attention.AttentionMechanism;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.train.TrainingTestSupport;
import org.junit.jupiter.api.Test;

class ProbeTest {

  /** The step listener hears every step; the stop condition ends training before the next one. */
  @Test
  void trainingReportsEveryStepAndStopsWhenAsked() {
    int T = 5;
    try (NDManager m = NDManager.newBaseManager()) {
      ProbedModel probed = ProbedModel.of(PapaTestSupport.perTokenModel(m, T, 2));
      List<ProbeExample> data = PapaTestSupport.labelled(16, T, 3);
      List<double[]> heard = new java.util.ArrayList<>();
      ProbeConfig cfg = ProbeConfig.defaults().steps(4).batchSize(4)
          .onStep((step, steps, loss) -> heard.add(new double[] {step, steps, loss}));
      List<Double> losses;
      try (ProbeTrainer.TrainedProbe p = ProbeTrainer.train(probed, Probe.pooled(), data, cfg)) {
        losses = p.losses();
      }
      assertEquals(4, heard.size());
      for (int k = 0; k < 4; k++) {
        assertArrayEquals(new double[] {k + 1, 4, losses.get(k)}, heard.get(k), "step, steps and that step's loss");
      }
      heard.clear();
      ProbeConfig stopping = cfg.copy().stopWhen(() -> heard.size() == 2);
      var e = assertThrows(java.util.concurrent.CancellationException.class,
          () -> ProbeTrainer.train(probed, Probe.pooled(), data, stopping));
      assertEquals("probe training stopped after step 2 of 4", e.getMessage());
      assertEquals(2, heard.size());
    }
  }

  /** The pooled probe against its definition, computed by hand from the hidden states and its parameters. */
  @Test
  void pooledProbeMatchesItsDefinition() {
    int T = 5;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 2);
      ProbedModel probed = ProbedModel.of(model);
      Probe.Head head = Probe.pooled(6).create(probed, 3, false);
      head.initialize(m, 4, T);
      // make the position weights non-uniform so that the test sees which weight goes with which position
      Parameter w = head.block().getParameters().get("positionWeights");
      float[] wv = new float[3 * T];
      for (int k = 0; k < wv.length; k++) {
        wv[k] = 0.1f * (k % 7) - 0.2f;
      }
      w.getArray().set(wv);
      List<ProbeExample> data = PapaTestSupport.labelled(4, T, 9);
      NDList in = ProbeExample.toNDList(data, m);
      ParameterStore ps = new ParameterStore(m, false);
      float[] got = head.logits(ps, probed, in, false).toFloatArray();

      NDList states = model.hiddenStates(ps, in.get(0), in.get(1), false);
      int D = 16;
      double[][] dense = matrix(head, "dense_weight", 6, 3 * D);
      double[] denseBias = vector(head, "dense_bias");
      double[][] cls = matrix(head, "classifier_weight", 3, 6);
      double[] clsBias = vector(head, "classifier_bias");
      for (int b = 0; b < 4; b++) {
        double[] features = new double[3 * D];
        for (int l = 0; l < 3; l++) {
          float[] h = states.get(l).get(b).toFloatArray(); // (T, D)
          for (int t = 0; t < T; t++) {
            double weight = wv[l * T + t] * data.get(b).mask()[t];
            for (int d = 0; d < D; d++) {
              features[l * D + d] += weight * h[t * D + d];
            }
          }
        }
        double[] hidden = new double[6];
        for (int u = 0; u < 6; u++) {
          double s = denseBias[u];
          for (int k = 0; k < 3 * D; k++) {
            s += dense[u][k] * features[k];
          }
          hidden[u] = Math.tanh(s);
        }
        for (int c = 0; c < 3; c++) {
          double s = clsBias[c];
          for (int u = 0; u < 6; u++) {
            s += cls[c][u] * hidden[u];
          }
          assertEquals(s, got[b * 3 + c], 1e-5, "example " + b + " class " + c);
        }
      }
    }
  }

  private static double[][] matrix(Probe.Head head, String suffix, int rows, int cols) {
    float[] f = param(head, suffix).toFloatArray();
    assertEquals(rows * cols, f.length, suffix);
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[i][j] = f[i * cols + j];
      }
    }
    return out;
  }

  private static double[] vector(Probe.Head head, String suffix) {
    float[] f = param(head, suffix).toFloatArray();
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = f[i];
    }
    return out;
  }

  private static NDArray param(Probe.Head head, String suffix) {
    for (Pair<String, Parameter> p : head.block().getParameters()) {
      if (p.getKey().endsWith(suffix)) {
        return p.getValue().getArray().toType(DataType.FLOAT32, false);
      }
    }
    throw new AssertionError("no parameter " + suffix + " in " + head.block().getParameters().keys());
  }

  /** Training a probe never changes the model, frees its arrays, and learns an easy task. */
  @Test
  void probingLeavesTheModelFrozenAndLearnsAnEasyTask() {
    int T = 6;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 4);
      ProbedModel probed = ProbedModel.of(model);
      List<ProbeExample> train = PapaTestSupport.labelled(200, T, 1);
      List<ProbeExample> test = PapaTestSupport.labelled(100, T, 2);
      List<float[]> before = PapaTestSupport.snapshot(model);
      int live = TrainingTestSupport.countResources(m);
      Metrics score;
      try (ProbeTrainer.TrainedProbe p = ProbeTrainer.train(probed, Probe.pooled(), train,
          ProbeConfig.defaults().steps(150).batchSize(32).learningRate(3e-3))) {
        score = p.evaluate(test);
        assertTrue(p.losses().get(p.losses().size() - 1) < p.losses().get(0), "loss went down: " + p.losses());
      }
      List<float[]> after = PapaTestSupport.snapshot(model);
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(before.get(i), after.get(i), 0f, "model parameter " + i + " changed");
      }
      assertEquals(live, TrainingTestSupport.countResources(m), "arrays left behind in the model's manager");
      // "does token 3 occur": a random-weight model's features still carry it
      int positives = 0;
      for (ProbeExample e : test) {
        positives += e.label();
      }
      double majority = Math.max(positives, test.size() - positives) / (double) test.size();
      assertTrue(score.accuracy() > majority + 0.05, "probe " + score + " vs majority " + majority);
    }
  }

  @Test
  void theOutputLayerProbeAndTheModelOutputScorePerToken() {
    int T = 6;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 4);
      ProbedModel probed = ProbedModel.of(model);
      // per-token copy targets: position t must give its own token
      List<ProbeExample> train = copyTargets(PapaTestSupport.labelled(200, T, 1));
      List<ProbeExample> test = copyTargets(PapaTestSupport.labelled(50, T, 2));
      Metrics own = Scorer.modelOutput(test).score(probed);
      Metrics fresh = Scorer.probe(Probe.outputLayer(), train, test,
          ProbeConfig.defaults().steps(150).learningRate(1e-2)).score(probed);
      int targets = 0;
      for (ProbeExample e : test) {
        for (int y : e.targets()) {
          targets += y >= 0 ? 1 : 0;
        }
      }
      assertEquals(targets, own.n());
      assertEquals(targets, fresh.n());
      assertTrue(fresh.accuracy() > own.accuracy() + 0.3,
          "a trained output layer reads the token back; the random model's own head cannot: " + fresh + " vs " + own);
      var e = assertThrows(IllegalArgumentException.class,
          () -> ProbeTrainer.train(probed, Probe.pooled(), train, ProbeConfig.defaults().steps(1)));
      assertTrue(e.getMessage().contains("per-token"), e.getMessage());
    }
  }

  @Test
  void mechanismsWithoutAMatrixAreRefusedClearly() {
    AttentionFactory noMatrix = (d, h, t) -> new org.attentioncourse.attention.MultiHeadAttention(d, h) {
      @Override
      public boolean hasAttentionMatrix() {
        return false;
      }

      @Override
      public String toString() {
        return "LinearThing";
      }
    };
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = TransformerModel.builder().vocabSize(12).maxLength(4).dModel(8).heads(2).layers(1)
          .attention("linear", noMatrix).perToken(12).build();
      model.initialize(m, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 4), new ai.djl.ndarray.types.Shape(1, 4));
      ProbedModel probed = ProbedModel.of(model);
      var e = assertThrows(UnsupportedOperationException.class,
          () -> ConstantMatrices.compute(probed, "x", PapaTestSupport.labelled(2, 4, 1), 2));
      assertTrue(e.getMessage().contains("LinearThing") && e.getMessage().contains("AFT"), e.getMessage());
      AttentionMechanism a = model.attention(0);
      assertTrue(!a.hasAttentionMatrix());
    }
  }

  private static List<ProbeExample> copyTargets(List<ProbeExample> in) {
    return in.stream().map(e -> {
      int[] y = new int[e.size()];
      for (int t = 0; t < y.length; t++) {
        y[t] = e.mask()[t] == 1 ? e.tokens()[t] : -1;
      }
      return new ProbeExample(e.tokens(), e.mask(), null, -1, y);
    }).toList();
  }
}
