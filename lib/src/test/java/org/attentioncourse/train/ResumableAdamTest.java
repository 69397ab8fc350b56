package org.attentioncourse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Batch;
import org.attentioncourse.data.Batches;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.junit.jupiter.api.Test;

/**
 * {@link ResumableAdam} updates exactly like DJL's Adam, and its saved state makes a restored run continue bit for
 * bit, while restoring the parameters alone does not.
 */
class ResumableAdamTest {

  static final Task TASK = Reverse.of(4, 6);
  static final List<Batch> BATCHES = Batches.of(Splits.generate(TASK, 64, 1, 1, 5).train(), 8, true, 5);

  /** A small model, its trainer, and the optimiser; closed together. */
  static final class Run implements AutoCloseable {
    final TransformerModel block =
        TransformerModel.forTask(TASK, TransformerModel.builder().dModel(16).heads(2).layers(1));
    final Model model = Model.newInstance("t", Device.cpu());
    final Optimizer optimizer;
    final Trainer trainer;

    /** A run with DJL's Adam ({@code own} false) or a ResumableAdam over this run's block. */
    Run(boolean own, byte[] parameters, byte[] adamState) throws Exception {
      Engine.getInstance().setRandomSeed(11);
      optimizer = own ? ResumableAdam.of(block, 3e-3f, 1f) : djlAdam();
      model.setBlock(block);
      trainer = model.newTrainer(new DefaultTrainingConfig(new MaskedCrossEntropy())
          .optDevices(new Device[] {Device.cpu()})
          .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
          .optOptimizer(optimizer));
      Shape in = new Shape(1, TASK.length());
      block.initialize(model.getNDManager(), DataType.FLOAT32, in, in);
      if (parameters != null) {
        block.loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(parameters)));
      }
      if (adamState != null) {
        adam().restore(new DataInputStream(new ByteArrayInputStream(adamState)), model.getNDManager());
      }
      trainer.initialize(in, in);
    }

    ResumableAdam adam() {
      return (ResumableAdam) optimizer;
    }

    void steps(int from, int to) {
      for (int s = from; s < to; s++) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
          NDList in = BATCHES.get(s).toNDList(scope);
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList out = trainer.forward(new NDList(in.get(0), in.get(1)));
            gc.backward(trainer.getLoss().evaluate(new NDList(in.get(2)), out));
            trainer.step();
          }
        }
      }
    }

    byte[] parameters() throws Exception {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      block.saveParameters(new DataOutputStream(b));
      return b.toByteArray();
    }

    Map<String, float[]> weights() {
      Map<String, float[]> w = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : block.getParameters()) {
        w.put(p.getKey(), p.getValue().getArray().toFloatArray());
      }
      return w;
    }

    @Override
    public void close() {
      trainer.close();
      model.close();
    }
  }

  static Optimizer djlAdam() {
    return Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).optClipGrad(1f).build();
  }

  static void assertSameWeights(Map<String, float[]> a, Map<String, float[]> b, boolean same) {
    assertEquals(a.keySet(), b.keySet());
    boolean allEqual = a.keySet().stream().allMatch(k -> java.util.Arrays.equals(a.get(k), b.get(k)));
    assertEquals(same, allEqual, same ? "weights must be bitwise equal" : "weights must differ");
  }

  @Test
  void updatesExactlyLikeDjlsAdam() throws Exception {
    Map<String, float[]> reference;
    try (Run djl = new Run(false, null, null)) {
      djl.steps(0, 6);
      reference = djl.weights();
    }
    try (Run own = new Run(true, null, null)) {
      own.steps(0, 6);
      assertSameWeights(reference, own.weights(), true);
    }
  }

  @Test
  void restoredStateContinuesBitForBitAndParametersAloneDoNot() throws Exception {
    Map<String, float[]> straight;
    byte[] params;
    byte[] state;
    Map<String, Integer> counts;
    try (Run a = new Run(true, null, null)) {
      a.steps(0, 4);
      params = a.parameters();
      ByteArrayOutputStream s = new ByteArrayOutputStream();
      a.adam().write(new DataOutputStream(s));
      state = s.toByteArray();
      counts = a.adam().counts();
      a.steps(4, 8);
      straight = a.weights();
    }
    assertFalse(counts.isEmpty());
    assertTrue(counts.values().stream().allMatch(t -> t == 4), "every parameter has had 4 updates: " + counts);
    try (Run b = new Run(true, params, state)) {
      b.steps(4, 8);
      assertSameWeights(straight, b.weights(), true);
      assertTrue(b.adam().counts().values().stream().allMatch(t -> t == 8));
    }
    // the control: same parameters, fresh Adam (m = v = 0, t = 0) — what a parameters-only checkpoint gives
    try (Run c = new Run(true, params, null)) {
      c.steps(4, 8);
      assertSameWeights(straight, c.weights(), false);
    }
  }

  @Test
  void aStateFromAnotherModelIsRefused() throws Exception {
    byte[] state;
    try (Run a = new Run(true, null, null)) {
      a.steps(0, 1);
      ByteArrayOutputStream s = new ByteArrayOutputStream();
      a.adam().write(new DataOutputStream(s));
      state = s.toByteArray();
    }
    // a 2-layer model: its block names (03finalNorm_..., 04head_...) differ from the 1-layer model's
    TransformerModel other = TransformerModel.forTask(TASK, TransformerModel.builder().dModel(16).heads(2).layers(2));
    try (NDManager m = NDManager.newBaseManager()) {
      ResumableAdam adam = ResumableAdam.of(other, 1e-3f, 1f);
      var e = assertThrows(IllegalArgumentException.class,
          () -> adam.restore(new DataInputStream(new ByteArrayInputStream(state)), m));
      assertTrue(e.getMessage().contains("does not have") && e.getMessage().contains("another model"), e.getMessage());
    }
  }
}
