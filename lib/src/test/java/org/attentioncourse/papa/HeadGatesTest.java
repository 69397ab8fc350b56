package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.train.TrainingTestSupport;
import org.junit.jupiter.api.Test;

class HeadGatesTest {

  private static float[] logits(TransformerModel model, NDList in, NDManager m) {
    ParameterStore ps = new ParameterStore(m, false);
    return model.forward(ps, new NDList(in.get(0), in.get(1)), false).head().toFloatArray();
  }

  @Test
  void gatesFullyOpenOrOffGiveTheOriginalModelExactly() {
    int T = 6;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 21);
      ProbedModel probed = ProbedModel.of(model);
      ConstantMatrices C = ConstantMatrices.compute(probed, "tiny", PapaTestSupport.labelled(20, T, 1), 8);
      NDList in = ProbeExample.toNDList(PapaTestSupport.labelled(4, T, 2), m);
      float[] original = logits(model, in, m);
      HeadGates gates = HeadGates.create(probed, m);
      try (ConstantAttention.Installed g = gates.install(probed, C)) {
        assertFalse(java.util.Arrays.equals(original, logits(model, in, m)), "λ = 0 blends in the constants");
        for (double open : new double[] {Double.POSITIVE_INFINITY, 40}) {
          gates.setAll(open);
          assertArrayEquals(original, logits(model, in, m), 0f, "λ = " + open + ": σ(λ) = 1, the model is unchanged");
        }
        gates.setAll(0);
        gates.setEnabled(false);
        assertArrayEquals(original, logits(model, in, m), 0f, "gates switched off");
        gates.setEnabled(true);
        gates.setAll(Double.NEGATIVE_INFINITY);
        float[] closed = logits(model, in, m);
        try (ConstantAttention.Installed g2 = ConstantAttention.replace(probed, C, HeadOrder.random(probed, 0).heads())) {
          assertArrayEquals(logits(model, in, m), closed, 0f, "λ = −∞ is every head replaced");
        }
      }
      assertNull(model.attention(0).edit());
    }
  }

  /**
   * The gate's gradient against its literal derivative: for L = Σ R ⊙ (σ(λ) A + (1 − σ(λ)) C̃),
   * ∂L/∂λₕ = σ(λₕ)(1 − σ(λₕ)) Σ R ⊙ (A − C̃) over the head's entries. Float64 to 1e-10, float32 to 1e-4 relative.
   */
  @Test
  void gateGradientMatchesTheLiteralDerivative() {
    int H = 2;
    int T = 4;
    int B = 3;
    for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
      try (NDManager m = NDManager.newBaseManager()) {
        TransformerModel model = PapaTestSupport.perTokenModel(m, T, 5);
        ProbedModel probed = ProbedModel.of(model);
        ConstantMatrices C = ConstantAttentionTest.randomConstants(2, H, T, 3);
        HeadGates gates = HeadGates.create(probed, m, type);
        gates.set(new double[][] {{0.3, -1.2}, {2.0, 0.0}});
        Engine.getInstance().setRandomSeed(4);
        NDArray A = m.randomUniform(0f, 1f, new Shape(B, H, T, T)).softmax(-1).toType(type, false);
        NDArray R = m.randomNormal(new Shape(B, H, T, T)).toType(type, false);
        NDArray mask = m.create(new float[][] {{1, 1, 1, 1}, {1, 1, 0, 0}, {1, 1, 1, 0}});
        NDArray Ct = ConstantAttention.maskedNormalized(C, 1, mask, A);
        double[] grad;
        try (NDManager scope = m.newSubManager();
            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray a = A.duplicate();
          a.attach(scope);
          NDArray out = gates.gate(1, a, Ct);
          gc.backward(out.mul(R).sum());
          grad = gates.lambda().getArray().getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        }
        double[] a = A.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] c = Ct.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] r = R.toType(DataType.FLOAT64, false).toDoubleArray();
        double[][] lambda = gates.values();
        for (int h = 0; h < H; h++) {
          double s = 1 / (1 + Math.exp(-lambda[1][h]));
          double sum = 0;
          for (int b = 0; b < B; b++) {
            for (int k = 0; k < T * T; k++) {
              int idx = (b * H + h) * T * T + k;
              sum += r[idx] * (a[idx] - c[idx]);
            }
          }
          double want = s * (1 - s) * sum;
          double tol = type == DataType.FLOAT64 ? 1e-10 : 1e-4 * Math.max(1, Math.abs(want));
          assertEquals(want, grad[H + h], tol, type + ": ∂L/∂λ for layer 1 head " + h);
          assertEquals(0.0, grad[h], 0.0, type + ": layer 0 was not used");
        }
      }
    }
  }

  /** Training the gates leaves the model untouched, moves λ, and does not grow the managers it uses. */
  @Test
  void trainingGatesMovesLambdaOnlyAndDoesNotGrowMemory() {
    int T = 6;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 8);
      ProbedModel probed = ProbedModel.of(model);
      List<ProbeExample> train = PapaTestSupport.labelled(64, T, 1);
      ConstantMatrices C = ConstantMatrices.compute(probed, "tiny", train, 32);
      List<float[]> before = PapaTestSupport.snapshot(model);
      int live = TrainingTestSupport.countResources(m);
      GateRanking r = GateRanking.train(probed, C, Probe.pooled(8), train,
          ProbeConfig.defaults().steps(12).batchSize(16).learningRate(0.05));
      List<float[]> after = PapaTestSupport.snapshot(model);
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(before.get(i), after.get(i), 0f, "model parameter " + i + " changed");
      }
      assertEquals(live, TrainingTestSupport.countResources(m), "arrays left behind in the model's manager");
      assertEquals(12, r.losses().size());
      boolean moved = false;
      for (double[] row : r.lambda()) {
        for (double v : row) {
          assertTrue(Double.isFinite(v), "λ = " + v);
          moved |= v != 0;
        }
      }
      assertTrue(moved, "the gates did not move");
      List<HeadId> order = r.order().heads();
      for (int i = 1; i < order.size(); i++) {
        HeadId p = order.get(i - 1);
        HeadId q = order.get(i);
        assertTrue(r.lambda()[p.layer()][p.head()] <= r.lambda()[q.layer()][q.head()], "ascending λ: " + r.order());
      }
      for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : model.getParameters()) {
        assertTrue(p.getValue().requiresGradient(), p.getKey() + " is trainable again after probing");
      }
      assertNull(model.attention(0).edit());
    }
  }
  /**
   * The gates have their own learning rate: Adam's first step moves each parameter by about its rate (the update
   * is r · m̂ / (√v̂ + ε) ≈ r · sign(g) when ε ≪ |g|), so after one step every |λ| is within 2% of the gate rate.
   */
  @Test
  void gatesLearnAtTheirOwnRate() {
    int T = 6;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 9);
      ProbedModel probed = ProbedModel.of(model);
      List<ProbeExample> train = PapaTestSupport.labelled(32, T, 2);
      ConstantMatrices C = ConstantMatrices.compute(probed, "tiny", train, 32);
      for (double gateRate : new double[] {0.1, Double.NaN}) {
        ProbeConfig cfg = ProbeConfig.defaults().steps(1).batchSize(16).learningRate(1e-4);
        if (!Double.isNaN(gateRate)) {
          cfg.gateLearningRate(gateRate);
        }
        double expected = Double.isNaN(gateRate) ? 1e-4 : gateRate;
        assertEquals(expected, cfg.gateLearningRate(), 0.0);
        GateRanking r = GateRanking.train(probed, C, Probe.pooled(8), train, cfg);
        for (double[] row : r.lambda()) {
          for (double v : row) {
            assertEquals(expected, Math.abs(v), expected * 0.02, "one Adam step of λ at rate " + expected); // ε/|g| aside
          }
        }
      }
      assertTrue(ProbeConfig.defaults().gateLearningRate(0.05).toString().contains("gate lr=0.05"));
    }
  }
}
