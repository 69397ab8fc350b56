package org.attentioncourse.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A sentence-level classification task on real text: named classes and train, validation and test lists of
 * {@link LabelledText}, made of whole documents so that no document (a chapter, an address, a president) has
 * sentences in two splits. Independent of any tokenizer.
 *
 * <p>The builders ({@link BigramShift}, {@link StateOfTheUnion}) make every split balanced (the same number of
 * sentences per class) and deterministic for a given seed. This record checks what it can: labels in range,
 * no document in two splits.
 *
 * <pre>{@code
 * TextClassification task = BigramShift.mobyDick(TextClassification.Options.defaults().withMaxPerSplit(2000));
 * System.out.println(task.describe());
 * List<String> sentences = task.trainingTexts(); // for the encoder's constant-matrix pass
 * }</pre>
 *
 * @param name a short name, for example {@code bigram-shift}
 * @param description how the task was built, in a few sentences (the rules and the split)
 * @param labelNames the class names, indexed by label
 * @param train the training sentences
 * @param validation the validation sentences
 * @param test the test sentences
 */
public record TextClassification(
    String name,
    String description,
    List<String> labelNames,
    List<LabelledText> train,
    List<LabelledText> validation,
    List<LabelledText> test) {

  /** The three splits. */
  public enum Split {
    TRAIN,
    VALIDATION,
    TEST;

    /** The lower-case name used in tables. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * How a task is built: the seed, the share of documents (counted in sentences) for training and validation
   * (the rest is test), the sentence lengths kept (in {@link Sentences#words words}), and an optional cap on
   * the number of sentences per split (kept balanced; {@link Integer#MAX_VALUE} for none).
   *
   * <pre>{@code
   * Options o = Options.defaults().withSeed(7).withMaxPerSplit(1000).withWords(8, 25);
   * }</pre>
   */
  public record Options(
      long seed, double trainFraction, double validationFraction, int minWords, int maxWords, int maxPerSplit) {

    /** The course's default seed ({@link Splits#DEFAULT_SEED}). */
    public static final long DEFAULT_SEED = Splits.DEFAULT_SEED;

    /** Checks the fractions (each > 0, sum < 1), the word range and the cap. */
    public Options {
      if (!(trainFraction > 0) || !(validationFraction > 0) || !(trainFraction + validationFraction < 1)) {
        throw new IllegalArgumentException(
            "trainFraction " + trainFraction + " and validationFraction " + validationFraction
                + " must be > 0 and sum to less than 1 (the rest is test)");
      }
      if (minWords < 1 || maxWords < minWords) {
        throw new IllegalArgumentException(
            "sentence lengths must satisfy 1 <= minWords <= maxWords, got " + minWords + ".." + maxWords);
      }
      if (maxPerSplit < 2) {
        throw new IllegalArgumentException("maxPerSplit must be >= 2 (one per class), got " + maxPerSplit);
      }
    }

    /** Seed 42; 70 % / 15 % / 15 % of the sentences by document; sentences of 6 to 30 words; no cap. */
    public static Options defaults() {
      return new Options(DEFAULT_SEED, 0.70, 0.15, 6, 30, Integer.MAX_VALUE);
    }

    public Options withSeed(long s) {
      return new Options(s, trainFraction, validationFraction, minWords, maxWords, maxPerSplit);
    }

    public Options withFractions(double train, double validation) {
      return new Options(seed, train, validation, minWords, maxWords, maxPerSplit);
    }

    public Options withWords(int min, int max) {
      return new Options(seed, trainFraction, validationFraction, min, max, maxPerSplit);
    }

    public Options withMaxPerSplit(int max) {
      return new Options(seed, trainFraction, validationFraction, minWords, maxWords, max);
    }

    /** Whether a sentence has an allowed number of words. */
    public boolean keeps(String sentence) {
      int n = Sentences.wordCount(sentence);
      return n >= minWords && n <= maxWords;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "seed %d, documents %.0f/%.0f/%.0f %% train/validation/test, %d-%d words, %s", seed,
          100 * trainFraction, 100 * validationFraction, 100 * (1 - trainFraction - validationFraction), minWords,
          maxWords, maxPerSplit == Integer.MAX_VALUE ? "no cap" : "at most " + maxPerSplit + " per split");
    }
  }

  /** Copies the lists and checks labels and that no document has sentences in two splits. */
  public TextClassification {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a task needs a name");
    }
    description = description == null ? "" : description;
    labelNames = List.copyOf(labelNames);
    if (labelNames.size() < 2) {
      throw new IllegalArgumentException("a classification task needs at least two classes, got " + labelNames);
    }
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
    Map<String, Split> home = new HashMap<>();
    List<List<LabelledText>> all = List.of(train, validation, test);
    for (Split s : Split.values()) {
      for (LabelledText t : all.get(s.ordinal())) {
        if (t.label() >= labelNames.size()) {
          throw new IllegalArgumentException(
              "label " + t.label() + " of '" + t.text() + "' is not one of the " + labelNames.size() + " classes "
                  + labelNames);
        }
        Split before = home.putIfAbsent(t.document(), s);
        if (before != null && before != s) {
          throw new IllegalArgumentException(
              "document '" + t.document() + "' has sentences in both " + before.label() + " and " + s.label()
                  + "; splits must be made of whole documents");
        }
      }
    }
  }

  /** The sentences of one split. */
  public List<LabelledText> split(Split s) {
    return switch (s) {
      case TRAIN -> train;
      case VALIDATION -> validation;
      case TEST -> test;
    };
  }

  /** The number of classes. */
  public int numClasses() {
    return labelNames.size();
  }

  /** The texts of one split, in order. */
  public List<String> texts(Split s) {
    return split(s).stream().map(LabelledText::text).toList();
  }

  /**
   * The training sentences, in order: what the encoder's constant-matrix pass averages over (PAPA computes its
   * constant matrices on the downstream task's training set).
   */
  public List<String> trainingTexts() {
    return texts(Split.TRAIN);
  }

  /** The labels of one split, in order. */
  public int[] labels(Split s) {
    return split(s).stream().mapToInt(LabelledText::label).toArray();
  }

  /** How many sentences of each class one split holds. */
  public int[] classCounts(Split s) {
    int[] c = new int[numClasses()];
    for (LabelledText t : split(s)) {
      c[t.label()]++;
    }
    return c;
  }

  /** The documents one split draws from, in order of first appearance. */
  public Set<String> documents(Split s) {
    Set<String> d = new LinkedHashSet<>();
    for (LabelledText t : split(s)) {
      d.add(t.document());
    }
    return d;
  }

  /** {@link #limit(int, int, int)} with the same cap for every split. */
  public TextClassification limit(int maxPerSplit) {
    return limit(maxPerSplit, maxPerSplit, maxPerSplit);
  }

  /**
   * A smaller task: each split keeps, in its order, at most {@code max / numClasses} sentences of each class,
   * so a balanced split stays balanced. A split already within its cap is kept whole.
   */
  public TextClassification limit(int maxTrain, int maxValidation, int maxTest) {
    return new TextClassification(
        name, description, labelNames, cap(train, maxTrain), cap(validation, maxValidation), cap(test, maxTest));
  }

  private List<LabelledText> cap(List<LabelledText> split, int max) {
    if (max < numClasses()) {
      throw new IllegalArgumentException("a cap must be >= the number of classes (" + numClasses() + "), got " + max);
    }
    if (split.size() <= max) {
      return split;
    }
    int perClass = max / numClasses();
    int[] taken = new int[numClasses()];
    List<LabelledText> out = new ArrayList<>();
    for (LabelledText t : split) {
      if (taken[t.label()] < perClass) {
        taken[t.label()]++;
        out.add(t);
      }
    }
    return out;
  }

  /**
   * A table of the splits (sentences, sentences per class, documents, mean words per sentence), then the
   * description.
   */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(name).append(": ").append(numClasses()).append(" classes");
    for (int k = 0; k < numClasses(); k++) {
      s.append(k == 0 ? " (" : ", ").append(k).append(" = ").append(labelNames.get(k));
    }
    s.append(")\n");
    s.append(String.format(Locale.ROOT, "%-11s %9s", "split", "sentences"));
    for (String l : labelNames) {
      s.append(String.format(Locale.ROOT, " %14s", abbreviate(l, 14)));
    }
    s.append(String.format(Locale.ROOT, " %10s %11s%n", "documents", "mean words"));
    for (Split sp : Split.values()) {
      List<LabelledText> list = split(sp);
      s.append(String.format(Locale.ROOT, "%-11s %9d", sp.label(), list.size()));
      for (int c : classCounts(sp)) {
        s.append(String.format(Locale.ROOT, " %14d", c));
      }
      double words = list.stream().mapToInt(t -> Sentences.wordCount(t.text())).average().orElse(0);
      s.append(String.format(Locale.ROOT, " %10d %11.1f%n", documents(sp).size(), words));
    }
    if (!description.isBlank()) {
      s.append(description.strip()).append('\n');
    }
    return s.toString();
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "%s: %s, train %d, validation %d, test %d", name, labelNames, train.size(), validation.size(),
        test.size());
  }

  // ---------------------------------------------------------------------------------------------------------
  // Helpers shared by the builders.

  /** A document to place: its id, the stratum it is balanced within (its class, or 0), its sentence count. */
  record Document(String id, int stratum, int size) {}

  /**
   * Assigns whole documents to the splits. Within each stratum (in increasing order), the documents are sorted
   * by id, shuffled with {@code rng}, and laid end to end by sentence count; a document goes to the split in
   * whose share (train first, then validation, then test) the middle of its stretch falls. A stratum with at
   * least three non-empty documents then gets at least one in every split: an empty split takes the smallest
   * document of the split that has the most. Documents without sentences go to train.
   */
  static Map<String, Split> assignDocuments(
      List<Document> documents, double trainFraction, double validationFraction, Random rng) {
    Map<Integer, List<Document>> strata = new java.util.TreeMap<>();
    for (Document d : documents) {
      strata.computeIfAbsent(d.stratum(), k -> new ArrayList<>()).add(d);
    }
    Map<String, Split> out = new HashMap<>();
    for (List<Document> all : strata.values()) {
      List<Document> docs = new ArrayList<>();
      for (Document d : all) {
        if (d.size() == 0) {
          out.put(d.id(), Split.TRAIN); // nothing to place; keeps "every document has a split" true
        } else {
          docs.add(d);
        }
      }
      docs.sort(Comparator.comparing(Document::id));
      Collections.shuffle(docs, rng);
      long total = docs.stream().mapToLong(Document::size).sum();
      Map<Split, List<Document>> placed = new EnumMap<>(Split.class);
      for (Split s : Split.values()) {
        placed.put(s, new ArrayList<>());
      }
      long before = 0;
      for (Document d : docs) {
        double middle = (before + d.size() / 2.0) / Math.max(1, total);
        Split s = middle < trainFraction ? Split.TRAIN
            : middle < trainFraction + validationFraction ? Split.VALIDATION : Split.TEST;
        placed.get(s).add(d);
        before += d.size();
      }
      if (docs.size() >= Split.values().length) {
        for (Split empty : Split.values()) {
          if (placed.get(empty).isEmpty()) {
            List<Document> largest = placed.values().stream().max(Comparator.comparingInt(List::size)).orElseThrow();
            Document smallest = largest.stream().min(Comparator.comparingInt(Document::size)).orElseThrow();
            largest.remove(smallest);
            placed.get(empty).add(smallest);
          }
        }
      }
      placed.forEach((s, list) -> list.forEach(d -> out.put(d.id(), s)));
    }
    return out;
  }

  /**
   * A balanced, shuffled selection: each class's sentences are shuffled with {@code rng} and the first {@code
   * n} of each are kept, n being the smallest class count and at most {@code cap / numClasses}; the result is
   * shuffled again so the classes are interleaved.
   */
  static List<LabelledText> balance(List<LabelledText> items, int numClasses, int cap, Random rng) {
    List<List<LabelledText>> byClass = new ArrayList<>();
    for (int k = 0; k < numClasses; k++) {
      byClass.add(new ArrayList<>());
    }
    for (LabelledText t : items) {
      byClass.get(t.label()).add(t);
    }
    int n = cap / numClasses;
    for (List<LabelledText> c : byClass) {
      Collections.shuffle(c, rng);
      n = Math.min(n, c.size());
    }
    List<LabelledText> out = new ArrayList<>();
    for (List<LabelledText> c : byClass) {
      out.addAll(c.subList(0, n));
    }
    Collections.shuffle(out, rng);
    return out;
  }
}
