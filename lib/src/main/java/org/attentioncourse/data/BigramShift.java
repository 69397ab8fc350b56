package org.attentioncourse.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.attentioncourse.data.TextClassification.Document;
import org.attentioncourse.data.TextClassification.Options;
import org.attentioncourse.data.TextClassification.Split;

/**
 * Bigram shift: is this real sentence as written, or have two adjacent words been swapped? A task where word
 * order is everything, since both versions have exactly the same words. (The probing task of the same name in
 * Conneau et al., "What you can cram into a single $&!#* vector", ACL 2018, built here from Moby Dick.)
 *
 * <p><b>Rules.</b>
 *
 * <ol>
 *   <li>The book is cut into chapters at its heading paragraphs ({@code CHAPTER 12. ...} and {@code
 *       Epilogue ...}); headings and anything before the first heading are left out. Each chapter is a
 *       document: a chapter's sentences all go to one split.
 *   <li>Chapters are split into sentences by {@link Sentences#split} and sentences of {@link Options#minWords}
 *       to {@link Options#maxWords} words are kept (6 to 30 by default).
 *   <li>A <em>swappable pair</em> is two adjacent words that are both plain lower-case words (letters, inner
 *       hyphens or apostrophes: {@code whale}, {@code sea-captain}, {@code ship's}; no punctuation attached) and
 *       differ. Swapping such a pair changes neither capitalisation nor punctuation, so the only clue left is
 *       the order. Only sentences with at least one swappable pair are used, so that the untouched sentences
 *       look like the altered ones in every other respect.
 *   <li>A sentence that occurs more than once in the book is used once (its first occurrence).
 *   <li>Chapters are assigned to splits by {@link Options#trainFraction}/{@link Options#validationFraction}
 *       of the sentences (whole chapters, seeded shuffle). Within each split the sentences are shuffled,
 *       capped at {@link Options#maxPerSplit} and cut to an even number; the first half get label 1: one
 *       swappable pair, drawn uniformly, is swapped; the second half keep label 0 and stay as written. Every
 *       source sentence thus appears once, altered or not, and every split is exactly balanced.
 * </ol>
 *
 * <p>{@link #wordShuffle} is a stronger word-order task built by the same rules: an altered sentence has all its
 * plain lower-case words shuffled. A sentence encoder trained for meaning (all-MiniLM-L6-v2) barely registers one
 * swapped pair in its pooled states, but does register a shuffled sentence.
 *
 * <pre>{@code
 * TextClassification task = BigramShift.mobyDick(); // fetches Moby Dick once if needed
 * String s = "Call me Ishmael, said the old sailor.";
 * BigramShift.swappablePairs(s); // [3, 4]: "said the" and "the old"
 * BigramShift.swap(s, 4);        // "Call me Ishmael, said old the sailor."
 * }</pre>
 */
public final class BigramShift {

  /** The task's name. */
  public static final String NAME = "bigram-shift";

  /** Label 0 = the sentence as written, 1 = two adjacent words swapped. */
  public static final List<String> LABEL_NAMES = List.of("original", "swapped");

  /** The stronger word-order task's name ({@link #wordShuffle}). */
  public static final String SHUFFLE_NAME = "word-shuffle";

  /** Label 0 = the sentence as written, 1 = its plain lower-case words shuffled. */
  public static final List<String> SHUFFLE_LABEL_NAMES = List.of("original", "shuffled");

  private static final Pattern PLAIN_WORD = Pattern.compile("\\p{Ll}+(?:['\\-]\\p{Ll}+)*");
  private static final Pattern CHAPTER_HEADING = Pattern.compile("CHAPTER (\\d+)\\..*", Pattern.DOTALL);
  private static final Pattern EPILOGUE_HEADING = Pattern.compile("Epilogue\\b.*", Pattern.DOTALL);

  private BigramShift() {}

  /** {@link #mobyDick(Options)} with {@link Options#defaults()}. */
  public static TextClassification mobyDick() {
    return mobyDick(Options.defaults());
  }

  /** Bigram shift on Moby Dick from {@link TextDatasets#mobyDickText()} (fetched once if missing). */
  public static TextClassification mobyDick(Options options) {
    return fromChapters(chapters(TextDatasets.mobyDickText()), "Moby Dick", options);
  }

  /**
   * The chapters of a book laid out as {@link TextDatasets#mobyDick} writes it: document name ({@code chapter
   * 12}, {@code epilogue}) → the chapter's text without its heading, in reading order.
   */
  public static Map<String, String> chapters(String book) {
    Map<String, String> out = new LinkedHashMap<>();
    String current = null;
    StringBuilder text = new StringBuilder();
    for (String paragraph : Sentences.paragraphs(book)) {
      Matcher m = CHAPTER_HEADING.matcher(paragraph);
      String heading = m.matches() ? "chapter " + m.group(1)
          : EPILOGUE_HEADING.matcher(paragraph).matches() ? "epilogue" : null;
      if (heading != null) {
        if (current != null) {
          out.put(current, text.toString());
        }
        if (out.containsKey(heading)) {
          throw new IllegalArgumentException("the book has two headings for " + heading);
        }
        current = heading;
        text.setLength(0);
      } else if (current != null) {
        text.append(paragraph).append("\n\n");
      }
    }
    if (current != null) {
      out.put(current, text.toString());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "the text has no chapter headings ('CHAPTER 1. ...' paragraphs); is it the book as TextDatasets writes it?");
    }
    return out;
  }

  /** The positions i (0-based, in {@link Sentences#words}) such that words i and i+1 form a swappable pair. */
  public static int[] swappablePairs(String sentence) {
    List<String> w = Sentences.words(sentence);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i + 1 < w.size(); i++) {
      if (PLAIN_WORD.matcher(w.get(i)).matches() && PLAIN_WORD.matcher(w.get(i + 1)).matches()
          && !w.get(i).equals(w.get(i + 1))) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** {@code sentence} with words i and i+1 exchanged, words joined by single spaces. */
  public static String swap(String sentence, int i) {
    List<String> w = new ArrayList<>(Sentences.words(sentence));
    if (i < 0 || i + 1 >= w.size()) {
      throw new IllegalArgumentException(
          "cannot swap words " + i + " and " + (i + 1) + " of a sentence of " + w.size() + " words: '" + sentence
              + "'");
    }
    String a = w.get(i);
    w.set(i, w.get(i + 1));
    w.set(i + 1, a);
    return String.join(" ", w);
  }

  /**
   * A stronger word-order task on Moby Dick ({@link #shuffleFromChapters}): the same sentences, split the same
   * way, but an altered sentence has <em>all</em> its plain lower-case words shuffled, not one pair swapped.
   */
  public static TextClassification wordShuffle(Options options) {
    return shuffleFromChapters(chapters(TextDatasets.mobyDickText()), "Moby Dick", options);
  }

  /**
   * {@code sentence} with its plain lower-case words (those {@link #swappablePairs} may swap) permuted among the
   * positions they hold, drawn from {@code rng} until the order differs; capitalised words and words with
   * punctuation stay where they are, so the words, their capitals and the punctuation are those of the original.
   *
   * @throws IllegalArgumentException if the sentence has fewer than two different plain words
   */
  public static String shufflePlainWords(String sentence, Random rng) {
    List<String> w = new ArrayList<>(Sentences.words(sentence));
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < w.size(); i++) {
      if (PLAIN_WORD.matcher(w.get(i)).matches()) {
        at.add(i);
      }
    }
    List<String> plain = new ArrayList<>();
    at.forEach(i -> plain.add(w.get(i)));
    if (plain.stream().distinct().count() < 2) {
      throw new IllegalArgumentException(
          "a sentence needs two different plain lower-case words to be shuffled: '" + sentence + "'");
    }
    List<String> order = new ArrayList<>(plain);
    while (order.equals(plain)) { // at most half of the orders equal the original: this ends fast
      Collections.shuffle(order, rng);
    }
    for (int k = 0; k < at.size(); k++) {
      w.set(at.get(k), order.get(k));
    }
    return String.join(" ", w);
  }

  /**
   * Bigram shift on the given chapters (document name → text), built by the rules above; {@code source} names
   * the book in the description.
   */
  public static TextClassification fromChapters(Map<String, String> chapters, String source, Options options) {
    return build(chapters, source, options, NAME, LABEL_NAMES,
        (s, rng) -> {
          int[] pairs = swappablePairs(s);
          return swap(s, pairs[rng.nextInt(pairs.length)]);
        },
        "one pair of adjacent, different, all-lower-case words without punctuation swapped (position drawn"
            + " uniformly)");
  }

  /**
   * Word shuffle on the given chapters: the rules of bigram shift (the same eligible sentences, documents and
   * balanced splits), but label 1 is {@link #shufflePlainWords}. Both versions have the same words, so again only
   * the order tells them apart; the clue is much stronger than one swapped pair.
   */
  public static TextClassification shuffleFromChapters(Map<String, String> chapters, String source, Options options) {
    return build(chapters, source, options, SHUFFLE_NAME, SHUFFLE_LABEL_NAMES, BigramShift::shufflePlainWords,
        "all plain lower-case words shuffled among their own positions (capitalised words and punctuation stay;"
            + " redrawn until the order differs)");
  }

  private static TextClassification build(
      Map<String, String> chapters, String source, Options options, String name, List<String> labels,
      java.util.function.BiFunction<String, Random, String> alter, String alteration) {
    Random rng = new Random(options.seed());
    Set<String> seen = new HashSet<>();
    Map<String, List<String>> kept = new LinkedHashMap<>();
    int found = 0;
    for (Map.Entry<String, String> ch : chapters.entrySet()) {
      List<String> list = new ArrayList<>();
      for (String s : Sentences.split(ch.getValue())) {
        found++;
        if (options.keeps(s) && swappablePairs(s).length > 0 && seen.add(s)) {
          list.add(s);
        }
      }
      kept.put(ch.getKey(), list);
    }
    List<Document> docs = new ArrayList<>();
    kept.forEach((doc, list) -> docs.add(new Document(doc, 0, list.size())));
    Map<String, Split> where =
        TextClassification.assignDocuments(docs, options.trainFraction(), options.validationFraction(), rng);

    List<List<LabelledText>> splits = new ArrayList<>();
    for (Split split : Split.values()) {
      List<LabelledText> pool = new ArrayList<>();
      kept.forEach((doc, list) -> {
        if (where.get(doc) == split) {
          for (String s : list) {
            pool.add(new LabelledText(s, 0, doc));
          }
        }
      });
      Collections.shuffle(pool, rng);
      int n = Math.min(pool.size(), options.maxPerSplit()) / 2 * 2;
      List<LabelledText> out = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        LabelledText t = pool.get(k);
        if (k < n / 2) {
          out.add(new LabelledText(alter.apply(t.text(), rng), 1, t.document()));
        } else {
          out.add(t);
        }
      }
      Collections.shuffle(out, rng);
      splits.add(out);
    }
    int used = kept.values().stream().mapToInt(List::size).sum();
    String description = String.format(
        Locale.ROOT,
        "Built from %s: %d documents (chapters), %,d sentences by the splitter, %,d with %d-%d words, at least one"
            + " swappable pair and not repeated. Label 1: %s; label 0: the sentence as written; each sentence used"
            + " once. Split by chapter; %s.",
        source, chapters.size(), found, used, options.minWords(), options.maxWords(), alteration, options);
    return new TextClassification(name, description, labels, splits.get(0), splits.get(1), splits.get(2));
  }
}
