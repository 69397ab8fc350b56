package org.attentioncourse.showdown;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.attentioncourse.data.Example;
import org.attentioncourse.data.Task;

/** What a model scores without reading its input: the floor every mechanism of the showdown is measured from. */
public final class Baselines {

  private Baselines() {}

  /**
   * Accuracy of answering, at each answer position, the target most frequent there in {@code train} (for a
   * classification task: the most frequent class), scored on {@code test}. No input is read, so a mechanism that
   * scores no better has learned only what an answer looks like. Notebook 02 shows the same code.
   *
   * @throws IllegalArgumentException when {@code train} or {@code test} is empty
   */
  public static double blindBaseline(Task task, List<Example> train, List<Example> test) {
    if (train.isEmpty() || test.isEmpty()) {
      throw new IllegalArgumentException(
          "blind baseline of " + task.name() + " needs training and test examples, got " + train.size() + " and "
              + test.size());
    }
    // region blind-baseline
    Map<Integer, Map<Integer, Integer>> counts = new HashMap<>();     // position (-1: the class) → answer → count
    for (Example e : train) {
        if (task.kind() == Task.Kind.CLASSIFICATION) counts.computeIfAbsent(-1, k -> new HashMap<>()).merge(e.label(), 1, Integer::sum);
        else for (int p : e.targetPositions()) counts.computeIfAbsent(p, k -> new HashMap<>()).merge(e.targets()[p], 1, Integer::sum);
    }
    Map<Integer, Integer> guess = new HashMap<>();
    counts.forEach((p, c) -> guess.put(p, c.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey()));
    long right = 0, total = 0;
    for (Example e : test) {
        if (task.kind() == Task.Kind.CLASSIFICATION) {
            total++;
            if (guess.get(-1) == e.label()) right++;
        } else for (int p : e.targetPositions()) {
            total++;
            if (guess.getOrDefault(p, -2) == e.targets()[p]) right++;
        }
    }
    return (double) right / total;
    // endregion
  }
}
