package org.attentioncourse.cosformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.attentioncourse.train.TrainConfig;
import org.attentioncourse.train.TrainResult;
import org.attentioncourse.train.Training;
import org.attentioncourse.train.TrainingTestSupport;
import org.junit.jupiter.api.Test;

/** cosFormer inside the course's model: it learns a small task, and it does not leak arrays per step. */
class CosFormerTrainingTest {

  @Test
  void cosFormerLearnsReverseWithoutGrowingMemory() {
    Task task = Reverse.defaults();
    Splits data = Splits.generate(task, 4000, 200, 500, Splits.DEFAULT_SEED);
    TransformerModel model =
        TransformerModel.forTask(
            task, TransformerModel.builder().dModel(64).heads(4).layers(2).attention("cosFormer", CosFormers.cosFormer()));
    Map<Integer, Integer> live = new HashMap<>();
    try (TrainResult r =
        Training.run(model, task, data, TrainConfig.defaults().steps(400).batchSize(32).learningRate(3e-3)
            .evalEvery(400).progress(false)
            .listener((step, loss, trainer) -> {
              if (step == 50 || step == 400) {
                live.put(step, TrainingTestSupport.countResources(trainer.getManager()));
              }
            }))) {
      assertTrue(r.test().tokenAccuracy() >= 0.9, "reverse with cosFormer: " + r.test());
    }
    assertEquals(live.get(50), live.get(400), "live arrays after step 50 vs 400: " + live);
  }
}
