package org.attentioncourse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTest {

  static final Task REVERSE = Reverse.defaults();

  static TransformerModel small(Task task) {
    return TransformerModel.forTask(task, TransformerModel.builder().dModel(32).heads(2).layers(1));
  }

  @Test
  void aSmallModelLearnsReverse() {
    Splits data = Splits.generate(REVERSE, 4000, 200, 500, Splits.DEFAULT_SEED);
    TransformerModel model = TransformerModel.forTask(REVERSE, TransformerModel.builder().dModel(64).heads(4).layers(2));
    try (TrainResult r =
        Training.run(model, REVERSE, data, TrainConfig.defaults().steps(400).batchSize(32).learningRate(3e-3)
            .evalEvery(100).progress(false))) {
      assertTrue(r.test().tokenAccuracy() >= 0.95, "token accuracy on reverse: " + r.test());
      // Linux (where the course runs) exposes /proc, so the host-memory rise is measured: a number, never NaN.
      assertTrue(r.peakMemoryMb() >= 0 && r.peakMemoryMb() < 4096, "peak memory rise " + r.peakMemoryMb() + " MB");
      assertTrue(r.lossAt(400) < r.lossAt(1) / 5, "loss must fall: " + r.lossAt(1) + " → " + r.lossAt(400));
      // the trained model can still be inspected: every head's rows sum to 1
      double[][][][] maps = org.attentioncourse.attention.AttentionMaps.of(model, data.test().get(0));
      assertEquals(2, maps.length);
      assertEquals(4, maps[0].length);
      for (double[] row : maps[1][3]) {
        assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-5);
      }
    }
  }

  @Test
  void twoRunsWithTheSameSeedGiveTheSameLosses() {
    Splits data = Splits.generate(REVERSE, 300, 50, 50, 7);
    List<Double> a = losses(small(REVERSE), data, quick(25));
    List<Double> b = losses(small(REVERSE), data, quick(25));
    assertEquals(a, b, "same seed, same device: identical loss at every step");
    List<Double> c = losses(small(REVERSE), data, quick(25).seed(8));
    assertTrue(!a.equals(c), "another seed gives another run");
  }

  static List<Double> losses(TransformerModel model, Splits data, TrainConfig config) {
    try (TrainResult r = Training.run(model, REVERSE, data, config)) {
      return r.losses();
    }
  }

  static TrainConfig quick(int steps) {
    return TrainConfig.defaults().steps(steps).batchSize(16).evalEvery(1000).progress(false);
  }

  @Test
  void arraysDoNotAccumulateAcrossSteps() {
    Splits data = Splits.generate(REVERSE, 200, 20, 20, 3);
    Map<Integer, Integer> live = new java.util.HashMap<>();
    losses(
        small(REVERSE), data,
        quick(60).listener((step, loss, trainer) -> {
          if (step == 15 || step == 60) {
            live.put(step, TrainingTestSupport.countResources(trainer.getManager()));
          }
        }));
    assertEquals(live.get(15), live.get(60), "live arrays after step 15 vs step 60: " + live);
  }

  @Test
  void anInterruptStopsTrainingWithinOneBatchAndSaves(@TempDir Path dir) {
    Splits data = Splits.generate(REVERSE, 200, 20, 20, 3);
    List<Integer> steps = new ArrayList<>();
    try {
      var e =
          assertThrows(
              CancellationException.class,
              () -> Training.run(small(REVERSE), REVERSE, data, quick(100).checkpoints(dir, 0)
                  .listener((step, loss, trainer) -> {
                    steps.add(step);
                    if (step == 5) {
                      Thread.currentThread().interrupt(); // what stopping the kernel does
                    }
                  })));
      assertTrue(e.getMessage().contains("after step 5"), e.getMessage());
      assertEquals(5, steps.size(), "no step after the interrupt");
      assertTrue(Files.exists(dir.resolve("last.params")), "parameters saved on the way out");
    } finally {
      Thread.interrupted(); // clear the flag for the next test
    }
  }

  @Test
  void aSpikeAtTheEndIsNotWhatTheRunReturns() {
    Splits data = Splits.generate(REVERSE, 1000, 100, 100, 3);
    TransformerModel model = small(REVERSE);
    // two steps before the end the weights are blown up by hand: the last validation check is far worse
    TrainResult r = Training.run(model, REVERSE, data, quick(60).evalEvery(20).listener((step, loss, trainer) -> {
      if (step == 58) {
        for (var p : trainer.getModel().getBlock().getParameters()) {
          p.getValue().getArray().muli(40);
        }
      }
    }));
    try (r) {
      List<TrainResult.Checkpoint> v = r.validation();
      assertEquals(List.of(20, 40, 60), v.stream().map(TrainResult.Checkpoint::step).toList());
      assertTrue(Training.better(v.get(1).evaluation(), v.get(2).evaluation()), "the spike made step 60 worse: " + v);
      assertEquals(40, r.keptStep(), "the best check is kept");
      // the returned model is the one of step 40: its validation score is the one measured then
      try (NDManager m = NDManager.newBaseManager()) {
        Evaluation again = Evaluation.of(model, REVERSE, data.validation(), m, 16);
        assertEquals(v.get(1).evaluation().bitsPerToken(), again.bitsPerToken(), 1e-4);
      }
    }
    // keepBest(false): the last step's parameters, spike and all
    TransformerModel other = small(REVERSE);
    try (TrainResult last = Training.run(other, REVERSE, data, quick(60).evalEvery(20).keepBest(false)
        .listener((step, loss, trainer) -> {
          if (step == 58) {
            for (var p : trainer.getModel().getBlock().getParameters()) {
              p.getValue().getArray().muli(40);
            }
          }
        }))) {
      assertEquals(60, last.keptStep());
    }
  }

  @Test
  void theScheduleWarmsUpThenDecays() {
    TrainConfig c = TrainConfig.defaults().steps(200).learningRate(1e-3);
    assertEquals(10, c.warmup(), "5 % of the steps");
    assertEquals(100, TrainConfig.defaults().steps(1_000_000).warmup(), "at most 100 steps by default");
    assertEquals(1, TrainConfig.defaults().steps(10).warmup());
    assertTrue(c.learningRateAt(1) < c.learningRateAt(5) && c.learningRateAt(5) < c.learningRateAt(10));
    assertEquals(1e-3, c.learningRateAt(10), 1e-9, "the full rate once warm");
    assertTrue(c.learningRateAt(100) < 1e-3 && c.learningRateAt(100) > 1e-4);
    assertEquals(1e-4, c.learningRateAt(200), 1e-9, "a tenth of the rate at the last step");
    TrainConfig flat = TrainConfig.defaults().steps(200).learningRate(1e-3).constantLearningRate();
    assertEquals(0, flat.warmup());
    assertEquals(1e-3, flat.learningRateAt(1), 1e-9);
    assertEquals(1e-3, flat.learningRateAt(200), 1e-9);
  }

  @Test
  void anInterruptedModelCanBeEvaluatedAndTrainedFurther() {
    Splits data = Splits.generate(REVERSE, 400, 20, 40, 3);
    TransformerModel model = small(REVERSE);
    List<Double> first = new ArrayList<>();
    var e =
        assertThrows(
            CancellationException.class,
            () -> Training.run(model, REVERSE, data, quick(200).listener((step, loss, trainer) -> {
              first.add(loss);
              if (step == 40) {
                Thread.currentThread().interrupt(); // what the kernel's Stop button does
              }
            })));
    assertTrue(e.getMessage().contains("after step 40 of 200"), e.getMessage());
    assertFalse(Thread.currentThread().isInterrupted(), "the flag is cleared, so the next cell runs normally");
    // the parameters are alive: the model evaluates, and a second run starts where the first stopped
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      Evaluation v = Evaluation.of(model, REVERSE, data.test(), m, 16);
      assertTrue(v.accuracy() >= 0 && v.accuracy() <= 1, v.toString());
    }
    List<Double> more = new ArrayList<>();
    try (TrainResult r = Training.run(model, REVERSE, data, quick(5).listener((s, l, t) -> more.add(l)))) {
      assertEquals(5, r.steps());
    }
    double fresh = first.get(0), stoppedAt = first.get(first.size() - 1);
    assertTrue(stoppedAt < fresh - 0.3, "the first run learned something: " + fresh + " -> " + stoppedAt);
    assertTrue(more.get(0) < fresh - 0.3,
        "trained further from step 40 (loss " + more.get(0) + "), not from scratch (" + fresh + ")");
  }

  @Test
  void checkpointsRestoreTheSameModel(@TempDir Path dir) throws Exception {
    Splits data = Splits.generate(REVERSE, 200, 20, 20, 3);
    TransformerModel trained = small(REVERSE);
    losses(trained, data, quick(10).checkpoints(dir, 5));
    assertTrue(Files.exists(dir.resolve("step-000005.params")));
    assertTrue(Files.exists(dir.resolve("step-000010.params")));
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel restored = small(REVERSE);
      restored.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, REVERSE.length()),
          new ai.djl.ndarray.types.Shape(1, REVERSE.length()));
      Checkpoints.load(restored, dir.resolve("last.params"), m);
      TransformerModel again = small(REVERSE);
      again.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, REVERSE.length()),
          new ai.djl.ndarray.types.Shape(1, REVERSE.length()));
      Checkpoints.load(again, dir.resolve("step-000010.params"), m);
      var batch = org.attentioncourse.data.Batch.of(data.test().subList(0, 4)).toNDList(m);
      var ps = new ai.djl.training.ParameterStore(m, false);
      NDArray a = restored.forward(ps, new NDList(batch.get(0), batch.get(1)), false).head();
      NDArray b = again.forward(ps, new NDList(batch.get(0), batch.get(1)), false).head();
      assertTrue(a.allClose(b, 0, 0, false), "the last checkpoint is step 10");
      var e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.load(restored, dir.resolve("nope.params"), m));
      assertTrue(e.getMessage().contains("nope.params"), e.getMessage());
    }
  }

  @Test
  void askingForAGpuOnACpuMachineFails() {
    Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
    Splits data = Splits.generate(REVERSE, 50, 10, 10, 3);
    var e = assertThrows(IllegalStateException.class,
        () -> Training.run(small(REVERSE), REVERSE, data, quick(1).device("gpu")));
    assertTrue(e.getMessage().contains("sees none"), e.getMessage());
  }
}
