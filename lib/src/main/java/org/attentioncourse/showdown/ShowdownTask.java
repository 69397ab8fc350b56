package org.attentioncourse.showdown;

import java.util.Objects;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.CharLanguageModel;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.attentioncourse.train.Evaluation;

/**
 * One task of the showdown: the data every mechanism trains on, how a run is scored, and the floor it is scored
 * against.
 *
 * <ul>
 *   <li>A course task ({@link #of}): scored by test accuracy (token accuracy for sequence tasks), higher is
 *       better; the floor is {@link Baselines#blindBaseline}, the accuracy of never reading the input.
 *   <li>A character-level language model ({@link #languageModel}): scored by bits per character on the test
 *       windows, lower is better; the floor is the unigram entropy of the training text, what a model that
 *       ignores the context gets at best.
 * </ul>
 *
 * The splits are fixed here, once, so every mechanism and every seed sees the same examples: the seeds of the
 * showdown vary the initial weights and the batch order, not the data.
 *
 * @param name short name, used as the table's task column (unique within a showdown)
 * @param kind what the task tests, for the reader: "position-only", "content", "hierarchical", "real text"
 * @param task the task
 * @param data its train, validation and test examples
 * @param languageModel true for a causal next-token model (every mechanism runs causally), false for
 *     {@link TransformerModel#forTask}
 * @param floor the blind baseline (accuracy) or the unigram entropy (bits per character)
 */
public record ShowdownTask(String name, String kind, Task task, Splits data, boolean languageModel, double floor) {

  /** The score of a classification or sequence task. */
  public static final String ACCURACY = "accuracy";

  /** The score of a character-level language model. */
  public static final String BITS_PER_CHARACTER = "bits per character";

  public ShowdownTask {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(data, "data");
    if (name == null || name.isBlank() || name.contains(",") || name.contains("\"")) {
      throw new IllegalArgumentException("a showdown task needs a name without commas or quotes, got '" + name + "'");
    }
    if (data.train().isEmpty() || data.test().isEmpty()) {
      throw new IllegalArgumentException(
          "task '" + name + "' needs training and test examples, got " + data.train().size() + " and "
              + data.test().size());
    }
    if (!Double.isFinite(floor)) {
      throw new IllegalArgumentException("task '" + name + "': the floor must be finite, got " + floor);
    }
  }

  /** A course task scored by test accuracy, with the blind baseline of its splits as the floor. */
  public static ShowdownTask of(String kind, Task task, Splits data) {
    return new ShowdownTask(task.name(), kind, task, data, false, Baselines.blindBaseline(task, data.train(), data.test()));
  }

  /** Character-level language modelling, scored in bits per character, with the unigram entropy as the floor. */
  public static ShowdownTask languageModel(String kind, CharLanguageModel task, Splits data) {
    return new ShowdownTask(task.name(), kind, task, data, true, task.unigramBits());
  }

  /** The same task under another name (the task's own name is generic: "chars" for every text). */
  public ShowdownTask named(String newName) {
    return new ShowdownTask(newName, kind, task, data, languageModel, floor);
  }

  /** {@link #ACCURACY} or {@link #BITS_PER_CHARACTER}. */
  public String metric() {
    return languageModel ? BITS_PER_CHARACTER : ACCURACY;
  }

  /** True for accuracy, false for bits per character. */
  public boolean higherIsBetter() {
    return !languageModel;
  }

  /** The score of one trained model's test evaluation. */
  public double score(Evaluation test) {
    return languageModel ? test.bitsPerToken() : test.accuracy();
  }

  /** The model for this task from a builder that holds the size and the mechanism. */
  public TransformerModel model(TransformerModel.Builder b) {
    return languageModel
        ? TransformerModel.causalLanguageModel(task.vocabSize(), task.length(), b)
        : TransformerModel.forTask(task, b);
  }
}
