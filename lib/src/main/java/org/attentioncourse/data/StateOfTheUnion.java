package org.attentioncourse.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import org.attentioncourse.data.TextClassification.Document;
import org.attentioncourse.data.TextClassification.Options;
import org.attentioncourse.data.TextClassification.Split;

/**
 * The State of the Union addresses (1790–2021) and two mostly lexical sentence tasks built from them: which
 * party's president said this ({@link #party}), and was it said before or after a given year ({@link #era}).
 *
 * <p><b>Sentences.</b> Each address is cleaned ({@link #clean}: audience reactions such as {@code [Laughter]}
 * and {@code (Applause.)} and editorial marks such as {@code [sic]} removed, other brackets unwrapped), split
 * by {@link Sentences#split}, and sentences of {@link Options#minWords} to {@link Options#maxWords} words are
 * kept if at least 80 % of their words contain a letter (that drops the rows of budget tables that some
 * addresses include). A sentence said more than once (in any address) is used once, its first occurrence.
 *
 * <p><b>Split by president, not by address.</b> A president's addresses share a voice and set phrases ("my
 * fellow Americans", a pet program's name), and the party label is the same in all of them. With addresses
 * split at random, a probe could score well by recognising the speaker it saw in training rather than
 * anything about the party or the era; with presidents split, every test sentence comes from a president the
 * probe never saw. The price is a coarse split (about 15 presidents per party, so 2–3 per party in validation
 * and in test), which makes the scores noisier. Presidents are assigned within each class (for {@link #era}:
 * the class of most of their sentences) so that every split has both classes, and every split is then balanced
 * by dropping random sentences of the larger class. A sentence's {@link LabelledText#document} is its
 * president.
 *
 * <pre>{@code
 * List<StateOfTheUnion.Address> addresses = StateOfTheUnion.load(); // data/sotu.tsv, fetched once
 * TextClassification party = StateOfTheUnion.party(addresses, Options.defaults().withMaxPerSplit(4000));
 * TextClassification era = StateOfTheUnion.era(addresses, 1945, Options.defaults());
 * }</pre>
 */
public final class StateOfTheUnion {

  /** Party label 0. */
  public static final String DEMOCRATIC = "Democratic";

  /** Party label 1. */
  public static final String REPUBLICAN = "Republican";

  /** The share of a sentence's words that must contain a letter. */
  public static final double MIN_WORD_SHARE = 0.8;

  private static final Pattern AUDIENCE_OR_EDITORIAL = Pattern.compile(
      "\\[(?:laughter|applause|sic|missing text|p\\.\\s*\\d+|\\d+)\\]|\\((?:applause|laughter)\\.?\\)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern BRACKETS = Pattern.compile("[\\[\\]]");

  private StateOfTheUnion() {}

  /**
   * One address.
   *
   * @param year the year it was given
   * @param president the president's name as the package writes it ("Abraham Lincoln")
   * @param party the party as the package writes it ("Republican", "Democratic", "Whig", "none", ...)
   * @param text the whole address, one line
   */
  public record Address(int year, String president, String party, String text) {}

  /** The addresses from {@link TextDatasets#sotu()} (fetched once if missing). */
  public static List<Address> load() {
    return read(TextDatasets.sotu());
  }

  /** The addresses from {@code dataDir}'s {@value TextDatasets#SOTU_FILE} (fetched once if missing). */
  public static List<Address> load(Path dataDir) {
    return read(TextDatasets.sotu(dataDir));
  }

  /** The addresses in a table laid out as {@link TextDatasets#sotu} writes it. */
  public static List<Address> read(Path tsv) {
    try {
      return parse(Files.readString(tsv, StandardCharsets.UTF_8), tsv.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + tsv, e);
    }
  }

  /**
   * The addresses in the text of such a table; {@code where} names it in error messages, which give the line
   * number.
   */
  public static List<Address> parse(String tsv, String where) {
    String[] lines = tsv.split("\n", -1);
    if (!lines[0].equals(TextDatasets.SOTU_HEADER)) {
      throw new IllegalArgumentException(
          where + ": line 1 should be the header '" + TextDatasets.SOTU_HEADER.replace("\t", "<TAB>") + "'");
    }
    List<Address> out = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty() && i == lines.length - 1) {
        break; // the final newline
      }
      String[] f = lines[i].split("\t", -1);
      if (f.length != 4) {
        throw new IllegalArgumentException(
            where + ": line " + (i + 1) + " has " + f.length + " tab-separated fields instead of 4");
      }
      int year;
      try {
        year = Integer.parseInt(f[0]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + ": line " + (i + 1) + " has the year '" + f[0] + "'");
      }
      out.add(new Address(year, f[1], f[2], f[3]));
    }
    return out;
  }

  /**
   * An address's text without audience reactions ({@code [Laughter]}, {@code [Applause]}, {@code (Applause.)})
   * and editorial marks ({@code [sic]}, {@code [missing text]}, page marks {@code [p.5]}, footnote marks
   * {@code [1]}); other square brackets (an editor's inserted word, {@code [the]}) are dropped and their
   * content kept. Reactions are removed because they were only transcribed in recent decades and would give
   * the era away without any of the president's words.
   */
  public static String clean(String text) {
    return BRACKETS.matcher(AUDIENCE_OR_EDITORIAL.matcher(text).replaceAll(" ")).replaceAll("");
  }

  /**
   * Democratic (label 0) or Republican (label 1)? Addresses of other parties (Federalist, Whig, ...) are left
   * out. Note that party and era are entangled: every party-labelled address before 1861 is a Democrat's, so
   * part of what a probe learns may be the era. To compare like with like, pass only the later addresses:
   * {@code party(addresses.stream().filter(a -> a.year() >= 1861).toList(), options)}.
   */
  public static TextClassification party(List<Address> addresses, Options options) {
    return build(
        "sotu-party", List.of(DEMOCRATIC, REPUBLICAN), addresses,
        a -> a.party().equals(DEMOCRATIC) ? 0 : a.party().equals(REPUBLICAN) ? 1 : -1,
        "Democratic vs Republican presidents (other parties left out)", options);
  }

  /**
   * Given before {@code laterFrom} (label 0) or in or after it (label 1)? Every address counts, whatever the
   * party.
   */
  public static TextClassification era(List<Address> addresses, int laterFrom, Options options) {
    String early = "before " + laterFrom;
    String late = laterFrom + " or later";
    return build(
        "sotu-era", List.of(early, late), addresses, a -> a.year() < laterFrom ? 0 : 1,
        "addresses given " + early + " vs " + late, options);
  }

  /** The sentences of one address that a task may use (cleaned, split, length and letter filters). */
  public static List<String> sentences(Address address, Options options) {
    List<String> out = new ArrayList<>();
    for (String s : Sentences.split(clean(address.text()))) {
      if (options.keeps(s) && mostlyWords(s)) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean mostlyWords(String sentence) {
    List<String> w = Sentences.words(sentence);
    long withLetters = w.stream().filter(x -> x.chars().anyMatch(Character::isLetter)).count();
    return withLetters >= MIN_WORD_SHARE * w.size();
  }

  private static TextClassification build(
      String name, List<String> labelNames, List<Address> addresses, ToIntFunction<Address> labelOf,
      String what, Options options) {
    Random rng = new Random(options.seed());
    Set<String> seen = new HashSet<>();
    Map<String, List<LabelledText>> byPresident = new LinkedHashMap<>();
    int used = 0;
    for (Address a : addresses) {
      int label = labelOf.applyAsInt(a);
      if (label < 0) {
        continue;
      }
      used++;
      List<LabelledText> list = byPresident.computeIfAbsent(a.president(), k -> new ArrayList<>());
      for (String s : sentences(a, options)) {
        if (seen.add(s)) {
          list.add(new LabelledText(s, label, a.president()));
        }
      }
    }
    List<Document> docs = new ArrayList<>();
    byPresident.forEach((president, list) -> {
      int[] counts = new int[labelNames.size()];
      list.forEach(t -> counts[t.label()]++);
      int majority = 0;
      for (int k = 1; k < counts.length; k++) {
        majority = counts[k] > counts[majority] ? k : majority;
      }
      docs.add(new Document(president, majority, list.size()));
    });
    Map<String, Split> where =
        TextClassification.assignDocuments(docs, options.trainFraction(), options.validationFraction(), rng);
    Map<Split, List<LabelledText>> pools = new HashMap<>();
    for (Split s : Split.values()) {
      pools.put(s, new ArrayList<>());
    }
    byPresident.forEach((president, list) -> pools.get(where.get(president)).addAll(list));
    List<List<LabelledText>> splits = new ArrayList<>();
    int[] presidents = new int[Split.values().length];
    for (Split s : Split.values()) {
      splits.add(TextClassification.balance(pools.get(s), labelNames.size(), options.maxPerSplit(), rng));
      presidents[s.ordinal()] = (int) where.values().stream().filter(x -> x == s).count();
    }
    int sentences = byPresident.values().stream().mapToInt(List::size).sum();
    String description = String.format(
        Locale.ROOT,
        "State of the Union addresses, %s: %d addresses by %d presidents, %,d distinct sentences of %d-%d words"
            + " (audience reactions removed, mostly words). Split by president (%d / %d / %d presidents in"
            + " train / validation / test), each split balanced by dropping sentences of the larger class; %s.",
        what, used, byPresident.size(), sentences, options.minWords(), options.maxWords(), presidents[0],
        presidents[1], presidents[2], options);
    return new TextClassification(name, description, labelNames, splits.get(0), splits.get(1), splits.get(2));
  }
}
