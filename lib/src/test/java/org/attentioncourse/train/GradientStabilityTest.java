package org.attentioncourse.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Batch;
import org.attentioncourse.data.Batches;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.junit.jupiter.api.Test;

/**
 * The same batch through the same weights, 20 times, must give the same finite gradients every time.
 *
 * <p>Regression test for a use-after-free: arithmetic with a Java number ({@code array.div(8.0)}) makes DJL
 * create a scalar array over a Java buffer and close it at once, while autograd keeps the scalar for the
 * backward pass; after a garbage collection the backward pass read freed memory (sporadic NaN gradients in
 * about 4 of 10 training runs). Between forward and backward this test collects garbage and writes NaN bit
 * patterns into fresh native blocks, so the bug shows every time: with the scale passed as a number it failed
 * 3 runs out of 3; with the fix it passes.
 */
class GradientStabilityTest {

  /**
   * Lets the garbage collector free unreachable direct buffers, then fills freshly allocated small native blocks
   * with NaN bit patterns, so that a backward pass reading freed memory reads NaN instead of a stale copy of the
   * right value.
   */
  private static void scribbleOverFreedBuffers() {
    System.gc();
    try {
      Thread.sleep(20); // the cleaner thread releases the memory of collected direct buffers
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    java.util.List<java.nio.ByteBuffer> keep = new java.util.ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(8);
      b.putLong(0, -1L); // all bits set: NaN as a float or a double
      keep.add(b);
    }
    SCRIBBLES.add(keep);
  }

  private static final java.util.List<Object> SCRIBBLES = new java.util.ArrayList<>();

  @Test
  void repeatedBackwardPassesAgree() {
    Task task = Reverse.defaults();
    Splits data = Splits.generate(task, 64, 8, 8, 42);
    Batch batch = Batches.of(data.train(), 32, false, 1).get(0);
    TransformerModel block =
        TransformerModel.forTask(task, TransformerModel.builder().dModel(64).heads(4).layers(2));
    Engine.getInstance().setRandomSeed(42);
    DefaultTrainingConfig tc =
        new DefaultTrainingConfig(new MaskedCrossEntropy())
            .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
            .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0f)).build());
    try (Model model = Model.newInstance("stability")) {
      model.setBlock(block);
      try (Trainer trainer = model.newTrainer(tc)) {
        trainer.initialize(new Shape(32, task.length()), new Shape(32, task.length()));
        float[] first = null;
        for (int r = 0; r < 20; r++) {
          try (NDManager scope = trainer.getManager().newSubManager()) {
            NDList in = batch.toNDList(scope);
            try (GradientCollector gc = trainer.newGradientCollector()) {
              NDList out = trainer.forward(new NDList(in.get(0), in.get(1)));
              scribbleOverFreedBuffers();
              gc.backward(trainer.getLoss().evaluate(new NDList(in.get(2)), out));
              NDArray g = block.getParameters().get("embedding").getArray().getGradient();
              float[] now = g.toFloatArray();
              for (float v : now) {
                assertTrue(Float.isFinite(v), "repetition " + r + ": a gradient is " + v);
              }
              if (first == null) {
                first = now;
              } else {
                for (int i = 0; i < now.length; i++) {
                  assertTrue(
                      Math.abs(now[i] - first[i]) <= 1e-5f * (1 + Math.abs(first[i])),
                      "repetition " + r + ": gradient " + i + " is " + now[i] + ", first time " + first[i]);
                }
              }
              trainer.step(); // learning rate 0: the weights stay as they are; this zeroes the gradients
            }
          }
        }
      }
    }
  }
}
