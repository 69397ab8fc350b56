package org.attentioncourse.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Train, validation and test examples of one task, drawn from one seed and pairwise distinct.
 *
 * <p>Distinct means no two examples, in the same split or in different ones, have the same tokens. That keeps
 * test accuracy honest (nothing tested was seen in training) even for small tasks where repeats are common.
 *
 * <pre>{@code
 * Splits data = Splits.generate(Copy.defaults(), 5_000, 500, 500, Splits.DEFAULT_SEED);
 * }</pre>
 */
public record Splits(List<Example> train, List<Example> validation, List<Example> test) {

  /** The seed the course uses unless a notebook says otherwise. */
  public static final long DEFAULT_SEED = 42L;

  /** Copies the lists, so a Splits never changes after it is made. */
  public Splits {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
  }

  /** {@link #generate(Task, int, int, int, long)} with {@link #DEFAULT_SEED}. */
  public static Splits generate(Task task, int nTrain, int nValidation, int nTest) {
    return generate(task, nTrain, nValidation, nTest, DEFAULT_SEED);
  }

  /**
   * Draws {@code nTrain + nValidation + nTest} distinct examples from {@code task} with a {@link
   * SplittableRandom} seeded by {@code seed}, filling train, then validation, then test. The same arguments
   * always give the same splits.
   *
   * <p>Repeats are drawn again. When the task cannot produce enough distinct examples (a tiny alphabet, say)
   * this stops after a generous number of attempts and throws {@link IllegalArgumentException} naming the task
   * and the counts, instead of looping for ever.
   */
  public static Splits generate(Task task, int nTrain, int nValidation, int nTest, long seed) {
    if (task == null) {
      throw new IllegalArgumentException("task must not be null");
    }
    if (nTrain < 0 || nValidation < 0 || nTest < 0) {
      throw new IllegalArgumentException(
          "split sizes must be >= 0, got train " + nTrain + ", validation " + nValidation + ", test " + nTest);
    }
    long wanted = (long) nTrain + nValidation + nTest;
    // Enough for coupon-collector tails (drawing nearly all of a small space) without hanging on impossible asks.
    long maxAttempts = 10_000 + 100 * wanted;
    SplittableRandom rng = new SplittableRandom(seed);
    Set<TokenKey> seen = new HashSet<>();
    List<Example> all = new ArrayList<>();
    long attempts = 0;
    while (all.size() < wanted) {
      if (attempts++ >= maxAttempts) {
        throw new IllegalArgumentException(
            "task " + task.name() + " (" + task + ") gave only " + all.size() + " distinct examples in "
                + maxAttempts + " attempts, but " + wanted + " were requested (train " + nTrain
                + ", validation " + nValidation + ", test " + nTest + "); ask for fewer or make the task larger");
      }
      Example e = task.generate(rng);
      if (e.tokens().length != task.length()) {
        throw new IllegalStateException(
            "task " + task.name() + " made an example of length " + e.tokens().length + " but says T="
                + task.length());
      }
      if (seen.add(new TokenKey(e.tokens()))) {
        all.add(e);
      }
    }
    return new Splits(
        all.subList(0, nTrain),
        all.subList(nTrain, nTrain + nValidation),
        all.subList(nTrain + nValidation, all.size()));
  }

  /** Sizes as text, for example {@code "train 5000, validation 500, test 500"}. */
  public String sizes() {
    return "train " + train.size() + ", validation " + validation.size() + ", test " + test.size();
  }

  /** Token contents with value equality, for the duplicate check. */
  private record TokenKey(int[] tokens) {
    @Override
    public boolean equals(Object o) {
      return o instanceof TokenKey k && Arrays.equals(tokens, k.tokens);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(tokens);
    }
  }
}
