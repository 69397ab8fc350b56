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
   * Bigram shift on the given chapters (document name → text), built by the rules above; {@code source} names
   * the book in the description.
   */
  public static TextClassification fromChapters(Map<String, String> chapters, String source, Options options) {
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
    kept.forEach((name, list) -> docs.add(new Document(name, 0, list.size())));
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
          int[] pairs = swappablePairs(t.text());
          out.add(new LabelledText(swap(t.text(), pairs[rng.nextInt(pairs.length)]), 1, t.document()));
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
            + " swappable pair and not repeated. Label 1: one pair of adjacent, different, all-lower-case words"
            + " without punctuation swapped (position drawn uniformly); label 0: the sentence as written; each"
            + " sentence used once. Split by chapter; %s.",
        source, chapters.size(), found, used, options.minWords(), options.maxWords(), options);
    return new TextClassification(NAME, description, LABEL_NAMES, splits.get(0), splits.get(1), splits.get(2));
  }
}
