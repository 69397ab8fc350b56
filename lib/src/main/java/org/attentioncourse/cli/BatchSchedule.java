package org.attentioncourse.cli;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.attentioncourse.data.Batch;
import org.attentioncourse.data.Batches;
import org.attentioncourse.data.Example;

/**
 * Which batch a training step uses, as a pure function of the step number. That is what makes the data order
 * resumable: a run restarted at step s asks for batch s + 1 and gets exactly the batch the uninterrupted run
 * would have used, with no iterator or random-generator state to save.
 */
@FunctionalInterface
public interface BatchSchedule {

  /** The batch of step {@code step} (1-based). */
  Batch batch(int step);

  /**
   * Epochs over a fixed training set: epoch e is the set shuffled with seed {@code seed + e} and cut into
   * batches of {@code batchSize} (the last one smaller), exactly the order {@code Training.run} uses, so a course
   * task trained here sees its examples in the same order as in the notebooks.
   */
  static BatchSchedule epochs(List<Example> train, int batchSize, long seed) {
    if (train.isEmpty()) {
      throw new IllegalArgumentException("cannot schedule batches over an empty training set");
    }
    int perEpoch = (train.size() + batchSize - 1) / batchSize;
    return new BatchSchedule() {
      private int cachedEpoch = -1;
      private List<Batch> cached;

      @Override
      public synchronized Batch batch(int step) {
        if (step < 1) {
          throw new IllegalArgumentException("steps are numbered from 1, got " + step);
        }
        int epoch = (step - 1) / perEpoch;
        if (epoch != cachedEpoch) {
          cached = Batches.of(train, batchSize, true, seed + epoch);
          cachedEpoch = epoch;
        }
        return cached.get((step - 1) % perEpoch);
      }
    };
  }

  /**
   * Fresh random windows of a corpus at every step: step s draws its {@code batchSize} windows with a generator
   * seeded from (seed, s). A corpus of 90 million positions is never "used up", so there are no epochs.
   */
  static BatchSchedule windows(Function<RandomGenerator, Example> window, int batchSize, long seed) {
    return step -> {
      if (step < 1) {
        throw new IllegalArgumentException("steps are numbered from 1, got " + step);
      }
      // SplittableRandom scrambles its seed, so neighbouring steps get unrelated streams
      SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
      Example[] rows = new Example[batchSize];
      for (int i = 0; i < batchSize; i++) {
        rows[i] = window.apply(rng);
      }
      return Batch.of(List.of(rows));
    };
  }
}
