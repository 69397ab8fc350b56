package org.attentioncourse.data;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Associative recall: m key-value pairs, then a query key; the answer is the value stored under that key.
 *
 * <p>Layout: {@code k1 v1 k2 v2 .. km vm SEP q BLANK}, T = 2m+3, no padding. Keys are distinct letters, values
 * are digits (repeats allowed), and q is one of the m keys, chosen uniformly. Only the final BLANK has a target.
 * Example with m=3: tokens {@code c 4 a 7 f 1 SEP a _}, target at the BLANK {@code 7}.
 *
 * <p>The value to read sits right after wherever the query key happens to be, so no fixed attention pattern
 * solves it ({@link #positionOnly()} is false): the model must match the query against the keys by content.
 *
 * <p>Ids: reserved 0..2, values from {@link Vocab#FIRST_SYMBOL}, then keys.
 */
public final class AssociativeRecall implements Task {

  /** Default number of key-value pairs. */
  public static final int DEFAULT_PAIRS = 4;

  /** Default number of possible keys (letters a..p). */
  public static final int DEFAULT_KEY_ALPHABET = 16;

  /** Default number of possible values (digits 0..9). */
  public static final int DEFAULT_VALUE_ALPHABET = 10;

  /** Keys are shown as letters, so at most 26 of them. */
  public static final int MAX_KEY_ALPHABET = 26;

  /** Values are shown as digits, so at most 10 of them. */
  public static final int MAX_VALUE_ALPHABET = 10;

  private final int pairs;
  private final int keyAlphabet;
  private final int valueAlphabet;

  private AssociativeRecall(int pairs, int keyAlphabet, int valueAlphabet) {
    if (pairs < 1) {
      throw new IllegalArgumentException("recall: pairs must be >= 1, got " + pairs);
    }
    if (keyAlphabet < pairs || keyAlphabet > MAX_KEY_ALPHABET) {
      throw new IllegalArgumentException(
          "recall: key alphabet is " + keyAlphabet + " but must be in " + pairs + " .. " + MAX_KEY_ALPHABET
              + " (at least one distinct key per pair, at most the letters a..z)");
    }
    if (valueAlphabet < 1 || valueAlphabet > MAX_VALUE_ALPHABET) {
      throw new IllegalArgumentException(
          "recall: value alphabet is " + valueAlphabet + " but must be in 1 .. " + MAX_VALUE_ALPHABET
              + " (values are the digits 0..9)");
    }
    this.pairs = pairs;
    this.keyAlphabet = keyAlphabet;
    this.valueAlphabet = valueAlphabet;
  }

  /**
   * Recall over {@code pairs} pairs, keys drawn from {@code keyAlphabet} letters and values from {@code
   * valueAlphabet} digits.
   */
  public static AssociativeRecall of(int pairs, int keyAlphabet, int valueAlphabet) {
    return new AssociativeRecall(pairs, keyAlphabet, valueAlphabet);
  }

  /** m = {@value #DEFAULT_PAIRS}, 16 keys, 10 values. */
  public static AssociativeRecall defaults() {
    return new AssociativeRecall(DEFAULT_PAIRS, DEFAULT_KEY_ALPHABET, DEFAULT_VALUE_ALPHABET);
  }

  /** Number of key-value pairs (m). */
  public int pairs() {
    return pairs;
  }

  /** Number of possible keys. */
  public int keyAlphabet() {
    return keyAlphabet;
  }

  /** Number of possible values. */
  public int valueAlphabet() {
    return valueAlphabet;
  }

  /** The id of value {@code v} (0-based). */
  public int valueId(int v) {
    return Vocab.FIRST_SYMBOL + v;
  }

  /** The id of key {@code k} (0-based; key 0 is shown as "a"). */
  public int keyId(int k) {
    return Vocab.FIRST_SYMBOL + valueAlphabet + k;
  }

  @Override
  public String name() {
    return "recall";
  }

  @Override
  public Kind kind() {
    return Kind.SEQUENCE;
  }

  @Override
  public int length() {
    return 2 * pairs + 3;
  }

  @Override
  public int vocabSize() {
    return Vocab.FIRST_SYMBOL + valueAlphabet + keyAlphabet;
  }

  @Override
  public int numClasses() {
    return vocabSize();
  }

  @Override
  public boolean positionOnly() {
    return false;
  }

  @Override
  public Example generate(RandomGenerator rng) {
    // A partial Fisher-Yates shuffle gives m distinct keys with every subset and order equally likely.
    int[] keys = new int[keyAlphabet];
    for (int i = 0; i < keyAlphabet; i++) {
      keys[i] = i;
    }
    for (int i = 0; i < pairs; i++) {
      int j = rng.nextInt(i, keyAlphabet);
      int tmp = keys[i];
      keys[i] = keys[j];
      keys[j] = tmp;
    }
    int[] tokens = new int[length()];
    int[] targets = new int[length()];
    Arrays.fill(targets, Example.IGNORE);
    int[] values = new int[pairs];
    for (int i = 0; i < pairs; i++) {
      values[i] = rng.nextInt(valueAlphabet);
      tokens[2 * i] = keyId(keys[i]);
      tokens[2 * i + 1] = valueId(values[i]);
    }
    int query = rng.nextInt(pairs);
    tokens[2 * pairs] = Vocab.SEP;
    tokens[2 * pairs + 1] = keyId(keys[query]);
    tokens[2 * pairs + 2] = Vocab.BLANK;
    targets[2 * pairs + 2] = valueId(values[query]);
    return new Example(tokens, targets, -1, tokens.length);
  }

  @Override
  public String tokenName(int id) {
    Vocab.checkId(name(), id, vocabSize());
    if (Vocab.isReserved(id)) {
      return Vocab.reservedName(id);
    }
    int v = id - Vocab.FIRST_SYMBOL;
    return v < valueAlphabet ? Integer.toString(v) : Vocab.letter(v - valueAlphabet);
  }

  @Override
  public String describe() {
    return "recall: " + pairs + " key-value pairs (keys from " + keyAlphabet + " letters, values from "
        + valueAlphabet + " digits), then SEP, a query key and a blank for its value; T=" + length()
        + "; content-based";
  }

  @Override
  public String toString() {
    return "AssociativeRecall(pairs=" + pairs + ", keyAlphabet=" + keyAlphabet + ", valueAlphabet="
        + valueAlphabet + ")";
  }
}
