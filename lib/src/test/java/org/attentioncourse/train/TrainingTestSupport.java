package org.attentioncourse.train;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import org.attentioncourse.attention.AttentionFactory;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;

/** Test helpers shared across packages. */
public final class TrainingTestSupport {

  private TrainingTestSupport() {}

  /** Live resources (arrays and sub-managers) under {@code m}, counted recursively. */
  public static int countResources(NDManager m) {
    try {
      Field f = BaseNDManager.class.getDeclaredField("resources");
      f.setAccessible(true);
      int n = 0;
      for (Object r : ((Map<?, ?>) f.get(m)).values()) {
        n++;
        if (r instanceof NDManager child) {
          n += countResources(child);
        }
      }
      return n;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot inspect the NDManager", e);
    }
  }

  /** What {@link #trainOnReverse} measured: test token accuracy and live arrays after step 50 and the last. */
  public record ReverseRun(double tokenAccuracy, String test, int liveAtStep50, int liveAtEnd) {}

  /**
   * Trains the course's model (D 64, 4 heads, 2 layers) with {@code attention} on Reverse for {@value #STEPS} steps
   * of 32 (the default warm-up and cosine decay), counting the trainer's live arrays after step 50 and the last
   * (equal when nothing leaks per step).
   */
  static final int STEPS = 500;

  public static ReverseRun trainOnReverse(String name, AttentionFactory attention) {
    Task task = Reverse.defaults();
    Splits data = Splits.generate(task, 4000, 200, 500, Splits.DEFAULT_SEED);
    TransformerModel model = TransformerModel.forTask(
        task, TransformerModel.builder().dModel(64).heads(4).layers(2).attention(name, attention));
    Map<Integer, Integer> live = new HashMap<>();
    TrainConfig config = TrainConfig.defaults().steps(STEPS).batchSize(32).learningRate(3e-3).evalEvery(400)
        .progress(false)
        .listener((step, loss, trainer) -> {
          if (step == 50 || step == STEPS) {
            live.put(step, countResources(trainer.getManager()));
          }
        });
    try (TrainResult r = Training.run(model, task, data, config)) {
      return new ReverseRun(r.test().tokenAccuracy(), r.test().toString(), live.get(50), live.get(STEPS));
    }
  }
}
