package org.attentioncourse.data;

import java.util.StringJoiner;
import java.util.random.RandomGenerator;

/**
 * A synthetic task: a seeded generator of {@link Example}s plus what a model needs to know about them.
 *
 * <p>Tasks are immutable and draw all randomness from the generator they are given, so a seed fixes the data.
 */
public interface Task {

  /** What the model predicts. */
  enum Kind {
    /** A token at some positions ({@link Example#targets()}); {@link Example#label()} is -1. */
    SEQUENCE,
    /** One class per example ({@link Example#label()}); every target is {@link Example#IGNORE}. */
    CLASSIFICATION
  }

  /** Short identifier, for example {@code "copy"}; used in file names and messages. */
  String name();

  /** Whether the task has per-position targets or one label. */
  Kind kind();

  /** T: the length of every {@link Example#tokens()} array, padding included. */
  int length();

  /** Number of token ids, reserved ones ({@link Vocab}) included; every id is below it. */
  int vocabSize();

  /** Number of classes for {@link Kind#CLASSIFICATION}; for {@link Kind#SEQUENCE} the vocabulary size. */
  int numClasses();

  /**
   * True when one fixed, input-independent mapping "answer position p reads input position j(p)" solves the
   * task, which is what an attention matrix that ignores the input (a Random Synthesizer) can learn.
   */
  boolean positionOnly();

  /** A fresh example; all randomness comes from {@code rng}. */
  Example generate(RandomGenerator rng);

  /** A short label for a token id, for charts: "PAD", "SEP", "_", "7", "k", "[MAX", .... */
  String tokenName(int id);

  /** One line saying what the task is and its sizes. */
  String describe();

  /** The real tokens of an example as text, for example {@code "3 1 4 SEP _ _ _"}. */
  default String render(Example example) {
    StringJoiner s = new StringJoiner(" ");
    for (int i = 0; i < example.length(); i++) {
      s.add(tokenName(example.tokens()[i]));
    }
    return s.toString();
  }
}
