package org.attentioncourse.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Character-level causal language modelling on a real text: at every position, predict the next character.
 *
 * <p><b>Layout.</b> A window of T+1 consecutive characters c_o .. c_{o+T} gives tokens {@code c_o .. c_{o+T-1}}
 * and targets {@code c_{o+1} .. c_{o+T}}: every position has a target, there is no padding and no SEP. A causal
 * model (position t sees tokens 0..t) thus predicts c_{o+t+1} from c_o .. c_{o+t}. Example with T=5 on "Call
 * me": tokens {@code C a l l ␣}, targets {@code a l l ␣ m}.
 *
 * <p><b>Regions.</b> The text is cut once into three disjoint stretches, in reading order: the first 90 % for
 * training, the next 5 % for validation, the last 5 % for testing ({@link Region}). Windows are drawn at
 * seeded random offsets inside one region and never cross into another, so no character a model is tested on
 * was a training input or target. Cutting by position rather than by shuffled windows is the usual practice
 * for language-model benchmarks (enwik8 uses 90 / 5 / 5 millions of bytes the same way): neighbouring windows
 * overlap and would otherwise leak.
 *
 * <p><b>Vocabulary.</b> Ids 0..2 are the shared reserved ids ({@link Vocab}; never produced here), id {@value
 * #UNK} is UNK, and the characters (Unicode code points) that occur at least {@code minCount} times in the
 * <em>training</em> region get ids from {@value #UNK}+1 in code-point order. Everything else, including
 * characters that occur only in validation or test, becomes UNK, so the vocabulary never peeks at held-out
 * text. Predicting UNK counts as predicting that character, which flatters bits per character slightly when
 * UNK is frequent; on Moby Dick with the default {@code minCount} of 1 it never occurs (81 characters, every
 * one of the validation and test characters also occurs in training: 85 ids in all).
 *
 * <p><b>Normalisation</b> (both off by default, so the model sees the text as written): {@code lowerCase} maps
 * every letter to lower case ({@link Locale#ROOT}); {@code collapseWhitespace} turns every run of spaces, tabs
 * and line breaks into one space.
 *
 * <pre>{@code
 * CharLanguageModel task = CharLanguageModel.builder(TextDatasets.mobyDickText()).length(128).build();
 * Splits data = task.splits(20_000, 500, 500, Splits.DEFAULT_SEED);
 * TransformerModel model = TransformerModel.causalLanguageModel(task.vocabSize(), task.length(), builder);
 * TrainResult r = Training.run(model, task, data, config); // r.test().bitsPerToken() is bits per character
 * }</pre>
 */
public final class CharLanguageModel implements Task {

  /** The id of every character outside the vocabulary. */
  public static final int UNK = Vocab.FIRST_SYMBOL;

  /** Default window length T. */
  public static final int DEFAULT_LENGTH = 128;

  /** Default share of the text used for training (the first part). */
  public static final double DEFAULT_TRAIN_FRACTION = 0.90;

  /** Default share of the text used for validation (right after training); the rest is test. */
  public static final double DEFAULT_VALIDATION_FRACTION = 0.05;

  /** Default minimum number of occurrences in the training region for a character to get its own id. */
  public static final int DEFAULT_MIN_COUNT = 1;

  /** The three disjoint stretches of the text. */
  public enum Region {
    TRAIN,
    VALIDATION,
    TEST
  }

  /** A half-open range {@code [start, end)} of character positions. */
  public record Span(int start, int end) {
    /** Number of characters. */
    public int size() {
      return end - start;
    }
  }

  private final int length;
  private final int minCount;
  private final boolean lowerCase;
  private final boolean collapseWhitespace;
  private final int[] ids; // the whole normalised text as ids
  private final Span[] spans; // indexed by Region.ordinal()
  private final int[] symbols; // code point of id UNK+1+i
  private final Map<Integer, Integer> idOf; // code point → id
  private final double unigramBits;

  private CharLanguageModel(Builder b) {
    this.length = b.length;
    this.minCount = b.minCount;
    this.lowerCase = b.lowerCase;
    this.collapseWhitespace = b.collapseWhitespace;
    int[] cps = normalise(b.text).codePoints().toArray();
    int n = cps.length;
    int trainEnd = (int) Math.floor(n * b.trainFraction);
    int validationEnd = (int) Math.floor(n * (b.trainFraction + b.validationFraction));
    spans = new Span[] {new Span(0, trainEnd), new Span(trainEnd, validationEnd), new Span(validationEnd, n)};
    for (Region r : Region.values()) {
      if (span(r).size() < length + 1) {
        throw new IllegalArgumentException(
            "chars: the " + r.name().toLowerCase(Locale.ROOT) + " region has " + span(r).size()
                + " characters but a window needs T+1 = " + (length + 1) + " (text of " + n
                + " characters, fractions " + b.trainFraction + " / " + b.validationFraction
                + "); use a longer text or a shorter T");
      }
    }
    // The vocabulary comes from the training region only: held-out text must not shape it.
    TreeMap<Integer, Integer> counts = new TreeMap<>();
    for (int i = 0; i < trainEnd; i++) {
      counts.merge(cps[i], 1, Integer::sum);
    }
    List<Integer> kept = new ArrayList<>();
    counts.forEach((cp, c) -> {
      if (c >= minCount) {
        kept.add(cp);
      }
    });
    symbols = kept.stream().mapToInt(Integer::intValue).toArray();
    idOf = new HashMap<>();
    for (int i = 0; i < symbols.length; i++) {
      idOf.put(symbols[i], UNK + 1 + i);
    }
    ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = idOf.getOrDefault(cps[i], UNK);
    }
    unigramBits = entropyBits(ids, trainEnd, vocabSize());
  }

  /** A builder over {@code text}; see the class comment for the defaults. */
  public static Builder builder(String text) {
    return new Builder(text);
  }

  /** The task with T = {@code length} and every other setting at its default. */
  public static CharLanguageModel of(String text, int length) {
    return builder(text).length(length).build();
  }

  /**
   * {@code nTrain}, {@code nValidation} and {@code nTest} windows drawn at random offsets from the training,
   * validation and test regions. Each region has its own generator split off {@code seed}, so asking for more
   * training windows does not change the validation or test windows. Windows may overlap within a region (they
   * are samples of the text, not a partition of it); regions never share a character.
   */
  public Splits splits(int nTrain, int nValidation, int nTest, long seed) {
    if (nTrain < 0 || nValidation < 0 || nTest < 0) {
      throw new IllegalArgumentException(
          "split sizes must be >= 0, got train " + nTrain + ", validation " + nValidation + ", test " + nTest);
    }
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom trainRng = root.split();
    SplittableRandom validationRng = root.split();
    SplittableRandom testRng = root.split();
    return new Splits(
        windows(Region.TRAIN, nTrain, trainRng),
        windows(Region.VALIDATION, nValidation, validationRng),
        windows(Region.TEST, nTest, testRng));
  }

  /** {@link #splits(int, int, int, long)} with {@link Splits#DEFAULT_SEED}. */
  public Splits splits(int nTrain, int nValidation, int nTest) {
    return splits(nTrain, nValidation, nTest, Splits.DEFAULT_SEED);
  }

  private List<Example> windows(Region region, int count, RandomGenerator rng) {
    List<Example> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(window(region, rng));
    }
    return out;
  }

  /** One window at a random offset of {@code region}: the window and its last target stay inside it. */
  public Example window(Region region, RandomGenerator rng) {
    Span s = span(region);
    // offsets o with o + T <= end - 1, so the last target c_{o+T} is still in the region
    return windowAt(rng.nextInt(s.start(), s.end() - length));
  }

  /** The window starting at character position {@code offset} (tokens offset..offset+T-1). */
  public Example windowAt(int offset) {
    if (offset < 0 || offset + length >= ids.length) {
      throw new IllegalArgumentException(
          "chars: a window at offset " + offset + " needs characters up to " + (offset + length)
              + " but the text has 0 .. " + (ids.length - 1));
    }
    int[] tokens = Arrays.copyOfRange(ids, offset, offset + length);
    int[] targets = Arrays.copyOfRange(ids, offset + 1, offset + length + 1);
    return new Example(tokens, targets, -1, length);
  }

  /** Draws a training window, as {@link Task#generate} requires; use {@link #splits} for held-out data. */
  @Override
  public Example generate(RandomGenerator rng) {
    return window(Region.TRAIN, rng);
  }

  /** The character positions of {@code region}. */
  public Span span(Region region) {
    return spans[region.ordinal()];
  }

  /** The (normalised) text of {@code region}. */
  public String regionText(Region region) {
    Span s = span(region);
    return decode(Arrays.copyOfRange(ids, s.start(), s.end()));
  }

  /** Number of characters in the normalised text. */
  public int textLength() {
    return ids.length;
  }

  /** The characters with their own ids, in id order (id {@value #UNK}+1 first). */
  public String symbols() {
    return new String(symbols, 0, symbols.length);
  }

  /** The id of the character {@code codePoint} (after normalisation), or {@link #UNK}. */
  public int id(int codePoint) {
    int cp = lowerCase ? Character.toLowerCase(codePoint) : codePoint;
    if (collapseWhitespace && isCollapsible(cp)) {
      cp = ' ';
    }
    return idOf.getOrDefault(cp, UNK);
  }

  /** {@code text} normalised as the task's text is and mapped to ids; unknown characters become UNK. */
  public int[] encode(String text) {
    return normalise(text).codePoints().map(cp -> idOf.getOrDefault(cp, UNK)).toArray();
  }

  /** Ids back to text: PAD is dropped, UNK and the other reserved ids become U+FFFD (�). */
  public String decode(int[] tokenIds) {
    StringBuilder s = new StringBuilder(tokenIds.length);
    for (int id : tokenIds) {
      Vocab.checkId(name(), id, vocabSize());
      if (id == Vocab.PAD) {
        continue;
      }
      s.appendCodePoint(id > UNK ? symbols[id - UNK - 1] : 0xFFFD);
    }
    return s.toString();
  }

  /**
   * Entropy of the character distribution of the training region, in bits: H = −Σ_c p(c) log₂ p(c). This is
   * about what a model that ignores context scores; a model that uses context should end up below it.
   */
  public double unigramBits() {
    return unigramBits;
  }

  /** Window length T. */
  @Override
  public int length() {
    return length;
  }

  @Override
  public String name() {
    return "chars";
  }

  @Override
  public Kind kind() {
    return Kind.SEQUENCE;
  }

  /** Reserved ids, UNK and one id per kept character. */
  @Override
  public int vocabSize() {
    return UNK + 1 + symbols.length;
  }

  @Override
  public int numClasses() {
    return vocabSize();
  }

  /** The next character depends on the characters before it, not on a fixed position. */
  @Override
  public boolean positionOnly() {
    return false;
  }

  /** The character, with space as ␣, newline as \n, tab as \t; "UNK" and the reserved names otherwise. */
  @Override
  public String tokenName(int id) {
    Vocab.checkId(name(), id, vocabSize());
    if (Vocab.isReserved(id)) {
      return Vocab.reservedName(id);
    }
    if (id == UNK) {
      return "UNK";
    }
    int cp = symbols[id - UNK - 1];
    return switch (cp) {
      case ' ' -> "␣";
      case '\n' -> "\\n";
      case '\t' -> "\\t";
      case '\r' -> "\\r";
      default -> new String(Character.toChars(cp));
    };
  }

  /** The window's characters as text (not one name per token, which is hard to read for prose). */
  @Override
  public String render(Example example) {
    return decode(example.tokens());
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "chars: next-character prediction on a text of %,d characters (train %,d / validation %,d / test %,d,"
            + " disjoint), %d symbols + UNK, T=%d, a target at every position; unigram entropy %.3f bits;"
            + " content-based",
        ids.length, span(Region.TRAIN).size(), span(Region.VALIDATION).size(), span(Region.TEST).size(),
        symbols.length, length, unigramBits);
  }

  @Override
  public String toString() {
    return "CharLanguageModel(length=" + length + ", minCount=" + minCount + ", lowerCase=" + lowerCase
        + ", collapseWhitespace=" + collapseWhitespace + ", vocabSize=" + vocabSize() + ", characters="
        + ids.length + ")";
  }

  private String normalise(String text) {
    String t = lowerCase ? text.toLowerCase(Locale.ROOT) : text;
    if (collapseWhitespace) {
      StringBuilder s = new StringBuilder(t.length());
      boolean inSpace = false;
      for (int i = 0; i < t.length(); i++) {
        char c = t.charAt(i);
        if (isCollapsible(c)) {
          if (!inSpace) {
            s.append(' ');
          }
          inSpace = true;
        } else {
          s.append(c);
          inSpace = false;
        }
      }
      t = s.toString();
    }
    return t;
  }

  private static boolean isCollapsible(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  private static double entropyBits(int[] ids, int end, int vocabSize) {
    long[] counts = new long[vocabSize];
    for (int i = 0; i < end; i++) {
      counts[ids[i]]++;
    }
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = (double) c / end;
        h -= p * Math.log(p);
      }
    }
    return h / Math.log(2);
  }

  /** Settings of a {@link CharLanguageModel}; every one has a default. */
  public static final class Builder {
    private final String text;
    private int length = DEFAULT_LENGTH;
    private int minCount = DEFAULT_MIN_COUNT;
    private boolean lowerCase;
    private boolean collapseWhitespace;
    private double trainFraction = DEFAULT_TRAIN_FRACTION;
    private double validationFraction = DEFAULT_VALIDATION_FRACTION;

    private Builder(String text) {
      if (text == null || text.isEmpty()) {
        throw new IllegalArgumentException("chars: the text must not be null or empty");
      }
      this.text = text;
    }

    /** Window length T (default {@value #DEFAULT_LENGTH}). */
    public Builder length(int t) {
      if (t < 1) {
        throw new IllegalArgumentException("chars: T must be >= 1, got " + t);
      }
      length = t;
      return this;
    }

    /** Characters seen fewer times in the training region become UNK (default {@value #DEFAULT_MIN_COUNT}). */
    public Builder minCount(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("chars: minCount must be >= 1, got " + n);
      }
      minCount = n;
      return this;
    }

    /** Lower-case the text first (default false). */
    public Builder lowerCase(boolean on) {
      lowerCase = on;
      return this;
    }

    /** Turn every run of whitespace into one space (default false). */
    public Builder collapseWhitespace(boolean on) {
      collapseWhitespace = on;
      return this;
    }

    /** Shares of the text for training and validation, from the start; the rest is test (default 0.9, 0.05). */
    public Builder fractions(double train, double validation) {
      if (!(train > 0) || !(validation > 0) || !(train + validation < 1)) {
        throw new IllegalArgumentException(
            "chars: fractions must be > 0 with train + validation < 1 (the rest is test), got train " + train
                + ", validation " + validation);
      }
      trainFraction = train;
      validationFraction = validation;
      return this;
    }

    public CharLanguageModel build() {
      return new CharLanguageModel(this);
    }
  }
}
