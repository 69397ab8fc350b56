package org.attentioncourse.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small, rule-based sentence splitter for English prose, and the word tokens the real-text tasks count and
 * swap. It is meant to be read and predicted, not to be the best splitter: a few hundred sentences of Moby
 * Dick or of the State of the Union addresses cut in the wrong place change nothing a probe measures.
 *
 * <p><b>Rules.</b>
 *
 * <ol>
 *   <li>A blank line (a paragraph break) always ends a sentence; inside a paragraph every run of whitespace,
 *       line breaks included, becomes one space.
 *   <li>A <em>word</em> is a run of non-space characters, punctuation attached: {@code "Ahab," said he.} has
 *       the words {@code "Ahab,}, {@code said} and {@code he.}.
 *   <li>A word ends a sentence when it ends with {@code .}, {@code !} or {@code ?} (possibly several, possibly
 *       followed by closing quotes or brackets {@code " ' ) ]}) <em>and</em> the next word starts, after any
 *       opening quotes or brackets, with an upper-case letter or a digit. So {@code "Stop!" he cried.} stays
 *       one sentence, and so does {@code ...and so on. and then} (a lower-case continuation).
 *   <li>A word ending in {@code .} does not end a sentence when it is a common abbreviation ({@code Mr. Mrs.
 *       Dr. St. Capt. Gen. Hon.}, see {@link #ABBREVIATIONS}, compared without case), an abbreviation that
 *       stands before a number ({@code No. 5}, {@code Dec. 1}; {@link #BEFORE_NUMBERS}) or an
 *       initial or a run of initials ({@code J.}, {@code U.S.}, {@code D.C.}) other than {@code I.} and {@code
 *       A.} (which end sentences far more often than they abbreviate names).
 *   <li>The last word of a paragraph ends its sentence whatever it looks like.
 * </ol>
 *
 * <pre>{@code
 * List<String> s = Sentences.split("Call me Ishmael. Some years ago, Mr. Bulkington sailed.");
 * // ["Call me Ishmael.", "Some years ago, Mr. Bulkington sailed."]
 * }</pre>
 */
public final class Sentences {

  /**
   * Words that end with a period without ending a sentence (written here without the period, in lower case):
   * titles, ranks and the usual abbreviations of English prose and of government reports.
   */
  public static final Set<String> ABBREVIATIONS = Set.of(
      "mr", "mrs", "ms", "messrs", "dr", "st", "mt", "ft", "capt", "col", "gen", "lieut", "lt", "sgt", "adm",
      "gov", "hon", "rev", "prof", "sen", "rep", "jr", "sr", "esq", "co", "corp", "inc", "ltd", "bros", "viz",
      "vs", "cf", "ibid", "approx", "dept", "e.g", "i.e");

  /**
   * Abbreviations that stand before a number ({@code No. 5}, {@code Dec. 1}, {@code p. 62}) and are taken as
   * abbreviations only there, because as words ({@code no.}, {@code mar.}) they end sentences too.
   */
  public static final Set<String> BEFORE_NUMBERS = Set.of(
      "no", "nos", "vol", "vols", "p", "pp", "art", "sec", "ch", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
      "sept", "sep", "oct", "nov", "dec");

  private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n[ \\t\\r\\f\\u00a0]*\\n\\s*");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private Sentences() {}

  /** The sentences of {@code text}, in order, each with single spaces between its words (see the rules above). */
  public static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    for (String paragraph : paragraphs(text)) {
      List<String> words = words(paragraph);
      StringBuilder sentence = new StringBuilder();
      for (int k = 0; k < words.size(); k++) {
        String w = words.get(k);
        if (sentence.length() > 0) {
          sentence.append(' ');
        }
        sentence.append(w);
        boolean last = k == words.size() - 1;
        if (last || endsSentence(w, words.get(k + 1))) {
          out.add(sentence.toString());
          sentence.setLength(0);
        }
      }
    }
    return out;
  }

  /** The paragraphs of {@code text}: the non-blank stretches between blank lines, trimmed. */
  public static List<String> paragraphs(String text) {
    List<String> out = new ArrayList<>();
    for (String p : PARAGRAPH_BREAK.split(text)) {
      if (!p.isBlank()) {
        out.add(p.strip());
      }
    }
    return out;
  }

  /** The whitespace-separated words of {@code text}, punctuation attached. */
  public static List<String> words(String text) {
    String t = text.strip();
    return t.isEmpty() ? List.of() : List.of(SPACE.split(t));
  }

  /** The number of {@link #words}. */
  public static int wordCount(String text) {
    return words(text).size();
  }

  /** Whether the word {@code w}, followed by the word {@code next}, ends a sentence (rules 3 and 4). */
  static boolean endsSentence(String w, String next) {
    int end = w.length();
    while (end > 0 && isCloser(w.charAt(end - 1))) {
      end--;
    }
    if (end == 0 || !startsSentence(next)) {
      return false;
    }
    char last = w.charAt(end - 1);
    if (last == '!' || last == '?' || (last == '.' && end >= 2 && w.charAt(end - 2) == '.')) {
      return true; // an exclamation, a question, an ellipsis
    }
    if (last != '.') {
      return false;
    }
    int start = 0;
    while (start < end - 1 && isOpener(w.charAt(start))) {
      start++;
    }
    String bare = w.substring(start, end - 1);
    String lower = bare.toLowerCase(Locale.ROOT);
    if (ABBREVIATIONS.contains(lower) || (BEFORE_NUMBERS.contains(lower) && isDigit(next.charAt(0)))) {
      return false;
    }
    return !isInitials(bare) || bare.equals("I") || bare.equals("A");
  }

  /** After any opening quotes or brackets, an upper-case letter or a digit. */
  private static boolean startsSentence(String w) {
    int i = 0;
    while (i < w.length() && isOpener(w.charAt(i))) {
      i++;
    }
    if (i == w.length()) {
      return false;
    }
    int c = w.codePointAt(i);
    return Character.isUpperCase(c) || isDigit((char) c);
  }

  /** A letter, or letters separated by single periods: {@code J}, {@code U.S}, {@code D.C}. */
  private static boolean isInitials(String s) {
    if (s.isEmpty() || s.length() % 2 == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (i % 2 == 0 ? !Character.isLetter(c) : c != '.') {
        return false;
      }
    }
    return true;
  }

  private static boolean isCloser(char c) {
    return c == '"' || c == '\'' || c == ')' || c == ']';
  }

  private static boolean isOpener(char c) {
    return c == '"' || c == '\'' || c == '(' || c == '[';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
