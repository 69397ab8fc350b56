package org.attentioncourse.aft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.attentioncourse.attention.AttentionFactory;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.attentioncourse.train.TrainConfig;
import org.attentioncourse.train.TrainResult;
import org.attentioncourse.train.Training;
import org.attentioncourse.train.TrainingTestSupport;
import org.junit.jupiter.api.Test;

/**
 * AFT inside the course's model: it learns a small task, and no arrays pile up from step to step. Arrays are
 * counted under the model's own manager, which holds the parameters: an array derived from a parameter and not
 * moved to the batch would pile up there, out of sight of the trainer's manager.
 */
class AftTrainingTest {

  private static final Task TASK = Reverse.defaults();

  private static TrainResult train(
      AttentionFactory f, boolean causal, int dModel, Splits data, int steps, int[] countAt, Map<Integer, Integer> live) {
    Task task = TASK;
    TransformerModel model =
        TransformerModel.forTask(
            task, TransformerModel.builder().dModel(dModel).heads(4).layers(2).causal(causal).attention("AFT", f));
    return Training.run(model, task, data, TrainConfig.defaults().steps(steps).batchSize(32).learningRate(3e-3)
        .evalEvery(steps).progress(false)
        .listener((step, loss, trainer) -> {
          for (int at : countAt) {
            if (step == at) {
              live.put(step, TrainingTestSupport.countResources(trainer.getModel().getNDManager()));
            }
          }
        }));
  }

  /** 300 steps, about 10 s on one thread: AFT-full learns Reverse (its bias w can hold the permutation). */
  @Test
  void aftFullLearnsReverse() {
    Map<Integer, Integer> live = new HashMap<>();
    Splits data = Splits.generate(TASK, 4000, 200, 500, Splits.DEFAULT_SEED);
    try (TrainResult r = train(Afts.full(), false, 64, data, 300, new int[] {50, 300}, live)) {
      assertTrue(r.test().tokenAccuracy() >= 0.95, "reverse with AFT-full: " + r.test());
    }
    assertEquals(live.get(50), live.get(300), "live arrays after step 50 vs 300: " + live);
  }

  @Test
  void noVariantLeavesArraysBehindCausalOrNot() {
    AttentionFactory[] factories = {
      Afts.full(), Afts.fullFactorized(4), Afts.simple(), Afts.local(3), Afts.localFactorized(3, 4), Afts.conv(3)
    };
    Splits data = Splits.generate(TASK, 256, 16, 16, Splits.DEFAULT_SEED);
    for (boolean causal : new boolean[] {false, true}) {
      for (AttentionFactory f : factories) {
        Map<Integer, Integer> live = new HashMap<>();
        try (TrainResult r = train(f, causal, 16, data, 8, new int[] {3, 8}, live)) {
          String name = f.create(16, 4, 17).toString();
          assertTrue(Double.isFinite(r.test().tokenAccuracy()), name);
          assertEquals(live.get(3), live.get(8), name + (causal ? " causal" : "") + ": live arrays after step 3 vs 8: " + live);
        }
      }
    }
  }
}
