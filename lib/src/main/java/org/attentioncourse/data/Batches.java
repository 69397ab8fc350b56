package org.attentioncourse.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Cuts a list of examples into {@link Batch}es.
 *
 * <pre>{@code
 * for (Batch b : Batches.of(data.train(), 32, true, Splits.DEFAULT_SEED + epoch)) { ... }
 * }</pre>
 *
 * <p>Passing a different seed per epoch gives a new order every epoch that is still the same on every rerun.
 */
public final class Batches {

  private Batches() {}

  /**
   * Batches of {@code batchSize} examples; the last one holds the remainder and may be smaller. With {@code
   * shuffle} the order is a Fisher-Yates permutation from a {@link SplittableRandom} seeded by {@code seed};
   * without it the seed is unused and the order is kept. The input list is not changed.
   */
  public static List<Batch> of(List<Example> examples, int batchSize, boolean shuffle, long seed) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (examples == null || examples.isEmpty()) {
      throw new IllegalArgumentException("cannot batch an empty list of examples");
    }
    List<Example> order = new ArrayList<>(examples);
    if (shuffle) {
      SplittableRandom rng = new SplittableRandom(seed);
      for (int i = order.size() - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        order.set(j, order.set(i, order.get(j)));
      }
    }
    List<Batch> batches = new ArrayList<>();
    for (int start = 0; start < order.size(); start += batchSize) {
      batches.add(Batch.of(order.subList(start, Math.min(start + batchSize, order.size()))));
    }
    return batches;
  }
}
