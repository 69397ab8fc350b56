package org.attentioncourse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import java.util.ArrayList;
import java.util.List;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Batch;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.attentioncourse.train.MaskedCrossEntropy;
import org.junit.jupiter.api.Test;

/**
 * The batch split of multi-device training, checked on one CPU: cutting every batch into slices (here two
 * "devices" that are both the CPU) and weighting each slice's loss by its share must give the loss and the
 * gradient of the whole batch, up to float32 rounding. With GPUs the slices differ only in where they run. The
 * gradients are compared, not Adam's updates: Adam's first steps move every coordinate by about ±lr whatever the
 * gradient's size, so a gradient of 1e-9 rounded to the other sign changes the update by 2·lr.
 */
class BatchSplitTest {

  static final Task TASK = Reverse.of(4, 6);

  /** Records the gradient it is given and leaves the weights alone. */
  static final class GradientRecorder extends ai.djl.training.optimizer.Optimizer {
    final java.util.Map<String, String> names = new java.util.HashMap<>(); // parameter id → name
    final java.util.Map<String, float[]> gradients = new java.util.TreeMap<>(); // "name@update" → gradient
    final java.util.Map<String, Integer> updates = new java.util.HashMap<>();

    GradientRecorder() {
      super(new OptimizerBuilder<>() {
        @Override
        protected OptimizerBuilder self() {
          return this;
        }
      });
    }

    @Override
    public void update(String parameterId, ai.djl.ndarray.NDArray weight, ai.djl.ndarray.NDArray grad) {
      String name = names.get(parameterId);
      int n = updates.merge(name, 1, Integer::sum);
      gradients.put(name + "@" + n, grad.toFloatArray());
    }
  }

  static java.util.Map<String, float[]> gradients(Device[] sliceDevices, List<Double> losses) {
    Engine.getInstance().setRandomSeed(3);
    TransformerModel block = TransformerModel.forTask(TASK, TransformerModel.builder().dModel(16).heads(2).layers(1));
    List<Batch> batches = org.attentioncourse.data.Batches.of(Splits.generate(TASK, 60, 1, 1, 9).train(), 15, true, 9);
    GradientRecorder recorder = new GradientRecorder();
    block.getParameters().forEach(p -> recorder.names.put(p.getValue().getId(), p.getKey()));
    try (Model model = Model.newInstance("split", Device.cpu())) {
      model.setBlock(block);
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new MaskedCrossEntropy())
          .optDevices(new Device[] {Device.cpu()})
          .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
          .optOptimizer(recorder))) {
        trainer.initialize(new Shape(1, TASK.length()), new Shape(1, TASK.length()));
        for (int s = 0; s < batches.size(); s++) {
          losses.add(ResumableRun.step(trainer, batches.get(s), true, sliceDevices, s + 1));
        }
        return recorder.gradients;
      }
    }
  }

  @Test
  void slicesWeightedByTheirShareGiveTheWholeBatchsLossAndGradient() {
    List<Double> whole = new ArrayList<>();
    List<Double> sliced = new ArrayList<>();
    java.util.Map<String, float[]> a = gradients(new Device[] {Device.cpu()}, whole);
    // 15 examples over 2 slices: 7 and 8, so unequal shares are covered
    java.util.Map<String, float[]> b = gradients(new Device[] {Device.cpu(), Device.cpu()}, sliced);
    assertEquals(whole.size(), sliced.size());
    for (int i = 0; i < whole.size(); i++) {
      assertEquals(whole.get(i), sliced.get(i), 1e-6, "loss of step " + (i + 1));
    }
    assertEquals(a.keySet(), b.keySet());
    assertTrue(a.size() > 10, "every parameter, every step: " + a.keySet());
    // one scale for all: a gradient that is zero in exact arithmetic (the key bias under softmax) is pure rounding
    double scale = 0;
    for (float[] g : a.values()) {
      for (float x : g) {
        scale = Math.max(scale, Math.abs(x));
      }
    }
    for (String p : a.keySet()) {
      double worst = 0;
      for (int j = 0; j < a.get(p).length; j++) {
        worst = Math.max(worst, Math.abs(a.get(p)[j] - b.get(p)[j]));
      }
      assertTrue(worst <= 1e-5 * scale, "gradient " + p + ": difference " + worst + ", largest gradient " + scale);
    }
  }
}
