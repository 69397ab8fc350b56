package org.attentioncourse.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A simplified ListOps (Nangia and Bowman, 2018): classify a nested prefix expression over digits by its value.
 *
 * <p>Operators: {@code [MAX}, {@code [MIN}, {@code [MED} (median; the lower middle one for an even count) and
 * {@code [SM} (sum mod 10), each closed by {@code ]}. For example {@code [MAX 2 9 [MIN 4 7 ] 0 ]} has value 9 and
 * depth 2; {@code [SM 8 [MED 1 5 3 9 ] 7 ]} = (8 + 3 + 7) mod 10 = 8.
 *
 * <p>Layout: the expression's tokens, then PAD up to T = {@link #length()}; {@link Example#length()} counts the
 * real tokens. Kind {@link Kind#CLASSIFICATION} with 10 classes: the label is the value, every target is {@link
 * Example#IGNORE}. The answer depends on the whole tree of brackets, so it is neither position-only nor a
 * single content lookup: it is the course's hierarchical task.
 *
 * <p>Generation: the top is always an operator; each operator gets a uniform number of arguments in {@code
 * minArgs .. maxArgs}, and each argument is a nested expression with probability {@code nestProbability} while
 * the depth allows it, else a uniform digit. Expressions longer than T are thrown away and drawn again, so long
 * expressions are somewhat rarer than the raw process would make them.
 *
 * <pre>{@code
 * ListOps task = ListOps.builder().maxDepth(3).length(64).build();
 * }</pre>
 */
public final class ListOps implements Task {

  /** The operators; each knows its token text and how to combine its arguments. */
  public enum Op {
    MAX("[MAX"),
    MIN("[MIN"),
    MED("[MED"),
    SM("[SM");

    private final String text;

    Op(String text) {
      this.text = text;
    }

    /** The token as written, for example {@code "[MAX"}. */
    public String text() {
      return text;
    }

    /** The operator's value on {@code args} (digits 0..9, at least one). */
    public int apply(int[] args) {
      if (args.length == 0) {
        throw new IllegalArgumentException(text + " needs at least one argument");
      }
      int[] sorted = args.clone();
      Arrays.sort(sorted);
      return switch (this) {
        case MAX -> sorted[sorted.length - 1];
        case MIN -> sorted[0];
        case MED -> sorted[(sorted.length - 1) / 2];
        case SM -> Arrays.stream(args).sum() % 10;
      };
    }
  }

  /** Number of classes: the values 0..9. */
  public static final int NUM_CLASSES = 10;

  /** Id of the first operator token; digits 0..9 are ids {@link Vocab#FIRST_SYMBOL} .. 12. */
  public static final int FIRST_OP = Vocab.FIRST_SYMBOL + 10;

  /** Id of the closing bracket {@code ]}. */
  public static final int CLOSE = FIRST_OP + Op.values().length;

  /** Reserved ids, 10 digits, 4 operators and {@code ]}. */
  public static final int VOCAB_SIZE = CLOSE + 1;

  /** Gives up drawing an example after this many expressions in a row did not fit; see {@link #generate}. */
  static final int MAX_ATTEMPTS = 10_000;

  private final int maxDepth;
  private final int minArgs;
  private final int maxArgs;
  private final int length;
  private final double nestProbability;

  private ListOps(Builder b) {
    if (b.maxDepth < 1) {
      throw new IllegalArgumentException("listops: maxDepth must be >= 1, got " + b.maxDepth);
    }
    if (b.minArgs < 1 || b.maxArgs < b.minArgs) {
      throw new IllegalArgumentException(
          "listops: arguments per operator must satisfy 1 <= minArgs <= maxArgs, got minArgs " + b.minArgs
              + ", maxArgs " + b.maxArgs);
    }
    if (!(b.nestProbability >= 0 && b.nestProbability <= 1)) {
      throw new IllegalArgumentException(
          "listops: nestProbability must be in [0, 1], got " + b.nestProbability);
    }
    if (b.length < b.minArgs + 2) {
      throw new IllegalArgumentException(
          "listops: length (T) is " + b.length + " but the shortest expression, an operator with minArgs "
              + b.minArgs + " digits, needs " + (b.minArgs + 2));
    }
    this.maxDepth = b.maxDepth;
    this.minArgs = b.minArgs;
    this.maxArgs = b.maxArgs;
    this.length = b.length;
    this.nestProbability = b.nestProbability;
  }

  /** A builder holding the defaults: depth 3, 2..5 arguments, T = 64, nest probability 0.3. */
  public static Builder builder() {
    return new Builder();
  }

  /** The default task; see {@link #builder()}. */
  public static ListOps defaults() {
    return builder().build();
  }

  /** Id of digit {@code d}. */
  public static int digitId(int d) {
    if (d < 0 || d > 9) {
      throw new IllegalArgumentException("digit must be in 0 .. 9, got " + d);
    }
    return Vocab.FIRST_SYMBOL + d;
  }

  /** Id of operator {@code op}. */
  public static int opId(Op op) {
    return FIRST_OP + op.ordinal();
  }

  /** Deepest nesting allowed; the top operator is depth 1. */
  public int maxDepth() {
    return maxDepth;
  }

  /** Fewest arguments per operator. */
  public int minArgs() {
    return minArgs;
  }

  /** Most arguments per operator. */
  public int maxArgs() {
    return maxArgs;
  }

  /** Chance that an argument is itself an expression, where the depth allows. */
  public double nestProbability() {
    return nestProbability;
  }

  @Override
  public String name() {
    return "listops";
  }

  @Override
  public Kind kind() {
    return Kind.CLASSIFICATION;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int vocabSize() {
    return VOCAB_SIZE;
  }

  @Override
  public int numClasses() {
    return NUM_CLASSES;
  }

  @Override
  public boolean positionOnly() {
    return false;
  }

  /**
   * Draws expressions until one fits in T tokens. Fails with {@link IllegalStateException} after {@value
   * #MAX_ATTEMPTS} misses, which only happens when T is far too short for the depth and argument counts.
   */
  @Override
  public Example generate(RandomGenerator rng) {
    List<Integer> out = new ArrayList<>();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      out.clear();
      if (expression(rng, 1, out)) {
        int[] tokens = new int[length];
        for (int i = 0; i < out.size(); i++) {
          tokens[i] = out.get(i);
        }
        int[] targets = new int[length];
        Arrays.fill(targets, Example.IGNORE);
        return new Example(tokens, targets, evaluate(tokens, out.size()), out.size());
      }
    }
    throw new IllegalStateException(
        "listops: no expression fitted in T=" + length + " tokens in " + MAX_ATTEMPTS + " attempts (maxDepth "
            + maxDepth + ", args " + minArgs + ".." + maxArgs + ", nestProbability " + nestProbability
            + "); raise length or lower the others");
  }

  /** Appends one operator expression; returns false as soon as it outgrows T, so huge trees are never built. */
  private boolean expression(RandomGenerator rng, int depth, List<Integer> out) {
    out.add(opId(Op.values()[rng.nextInt(Op.values().length)]));
    int args = rng.nextInt(minArgs, maxArgs + 1);
    for (int a = 0; a < args; a++) {
      if (depth < maxDepth && rng.nextDouble() < nestProbability) {
        if (!expression(rng, depth + 1, out)) {
          return false;
        }
      } else {
        out.add(digitId(rng.nextInt(10)));
      }
      if (out.size() > length) {
        return false;
      }
    }
    out.add(CLOSE);
    return out.size() <= length;
  }

  /**
   * The value of the expression in {@code tokens[0 .. length)}: a digit, or an operator, its arguments and
   * {@code ]}. Fails with a message naming the position on anything malformed.
   */
  public static int evaluate(int[] tokens, int length) {
    if (length < 1 || length > tokens.length) {
      throw new IllegalArgumentException(
          "length is " + length + " but must be in 1 .. " + tokens.length + " (the array's length)");
    }
    Parser p = new Parser(tokens, length);
    int value = p.expression();
    if (p.pos != length) {
      throw new IllegalArgumentException(
          "expression ends at position " + p.pos + " but " + (length - p.pos) + " more tokens follow");
    }
    return value;
  }

  /** The value of a written expression such as {@code "[MAX 2 9 [MIN 4 7 ] 0 ]"}. */
  public static int evaluate(String expression) {
    int[] tokens = encode(expression);
    return evaluate(tokens, tokens.length);
  }

  /** Token ids of a written expression; tokens are separated by spaces. */
  public static int[] encode(String expression) {
    String[] words = expression.trim().split("\\s+");
    int[] ids = new int[words.length];
    for (int i = 0; i < words.length; i++) {
      ids[i] = idOf(words[i]);
    }
    return ids;
  }

  private static int idOf(String word) {
    if (word.length() == 1 && Character.isDigit(word.charAt(0))) {
      return digitId(word.charAt(0) - '0');
    }
    if (word.equals("]")) {
      return CLOSE;
    }
    for (Op op : Op.values()) {
      if (op.text.equals(word.toUpperCase(Locale.ROOT))) {
        return opId(op);
      }
    }
    throw new IllegalArgumentException(
        "'" + word + "' is not a ListOps token (digits 0-9, [MAX, [MIN, [MED, [SM, ])");
  }

  /** A recursive-descent reader: one method call per expression, mirroring the grammar. */
  private static final class Parser {
    private final int[] tokens;
    private final int end;
    private int pos;

    Parser(int[] tokens, int end) {
      this.tokens = tokens;
      this.end = end;
    }

    int expression() {
      if (pos >= end) {
        throw new IllegalArgumentException("expression expected at position " + pos + " but the input ended");
      }
      int id = tokens[pos];
      if (id >= Vocab.FIRST_SYMBOL && id < FIRST_OP) {
        pos++;
        return id - Vocab.FIRST_SYMBOL;
      }
      if (id < FIRST_OP || id >= CLOSE) {
        throw new IllegalArgumentException(
            "expected a digit or an operator at position " + pos + " but found token id " + id);
      }
      Op op = Op.values()[id - FIRST_OP];
      int start = pos++;
      List<Integer> args = new ArrayList<>();
      while (pos < end && tokens[pos] != CLOSE) {
        args.add(expression());
      }
      if (pos >= end) {
        throw new IllegalArgumentException(op.text + " opened at position " + start + " is never closed by ]");
      }
      pos++;
      if (args.isEmpty()) {
        throw new IllegalArgumentException(op.text + " at position " + start + " has no arguments");
      }
      return op.apply(args.stream().mapToInt(Integer::intValue).toArray());
    }
  }

  @Override
  public String tokenName(int id) {
    Vocab.checkId(name(), id, VOCAB_SIZE);
    if (Vocab.isReserved(id)) {
      return Vocab.reservedName(id);
    }
    if (id < FIRST_OP) {
      return Integer.toString(id - Vocab.FIRST_SYMBOL);
    }
    return id == CLOSE ? "]" : Op.values()[id - FIRST_OP].text;
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "listops: nested MAX/MIN/MED/SM expressions over digits, depth <= %d, %d-%d arguments, "
            + "nest probability %.2f, padded to T=%d; label = value (10 classes); hierarchical",
        maxDepth,
        minArgs,
        maxArgs,
        nestProbability,
        length);
  }

  @Override
  public String toString() {
    return "ListOps(maxDepth=" + maxDepth + ", args=" + minArgs + ".." + maxArgs + ", length=" + length
        + ", nestProbability=" + nestProbability + ")";
  }

  /** Settings for {@link ListOps}; every setter returns the builder, {@link #build()} validates. */
  public static final class Builder {
    private int maxDepth = 3;
    private int minArgs = 2;
    private int maxArgs = 5;
    private int length = 64;
    private double nestProbability = 0.3;

    private Builder() {}

    /** Deepest nesting; 1 means a single flat operator. Default 3. */
    public Builder maxDepth(int maxDepth) {
      this.maxDepth = maxDepth;
      return this;
    }

    /** Fewest arguments per operator. Default 2. */
    public Builder minArgs(int minArgs) {
      this.minArgs = minArgs;
      return this;
    }

    /** Most arguments per operator. Default 5. */
    public Builder maxArgs(int maxArgs) {
      this.maxArgs = maxArgs;
      return this;
    }

    /** T, the padded length; longer expressions are redrawn. Default 64. */
    public Builder length(int length) {
      this.length = length;
      return this;
    }

    /** Chance that an argument is a nested expression where the depth allows. Default 0.3. */
    public Builder nestProbability(double nestProbability) {
      this.nestProbability = nestProbability;
      return this;
    }

    /** The task; fails with a message naming any bad setting. */
    public ListOps build() {
      return new ListOps(this);
    }
  }
}
