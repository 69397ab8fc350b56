package org.attentioncourse.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.Table;

/**
 * The softmax-attention baseline from the command line: time and peak memory of one forward pass of {@link
 * Mechanism#softmax()} at T = 256 … 4096 (d = 64, one head, batch 1, CPU), the numbers every efficient mechanism
 * of the course is compared against.
 *
 * <p>Run from the repository root. The first command builds the jar and copies its dependencies to
 * lib/target/dependency; the second runs the benchmark with DJL offline, unpacking the bundled libtorch into
 * target/course/djl (the folder the tests use) and keeping DJL's start-up messages to warnings:
 *
 * <pre>
 *   mvn -B -q -ntp -DskipTests package
 *   java -Dai.djl.offline=true -DDJL_CACHE_DIR=target/course/djl -DENGINE_CACHE_DIR=target/course/djl \
 *        -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
 *        -cp "lib/target/attention-course-lib.jar:lib/target/dependency/*" \
 *        org.attentioncourse.bench.SoftmaxBaseline [options]
 * </pre>
 *
 * <p>Threads: by default libtorch uses one thread per core. If another process keeps a core busy, its threads
 * wait for each other at every operation and even tiny T take tens of milliseconds, which flattens the growth
 * the benchmark is meant to show; {@code --threads 1} (or {@code -Dai.djl.pytorch.num_threads=1}) avoids that.
 * The option only takes effect before DJL's engine has started, which is the case in this program.
 *
 * <p>It prints the table, writes it as CSV (default {@value #DEFAULT_OUT}, relative to the working directory) and
 * prints how much slower the largest T is than the smallest. For the options see {@link #USAGE}; bad arguments
 * print a message and exit with status 2.
 */
public final class SoftmaxBaseline {

  public static final String DEFAULT_OUT = "target/bench/softmax-baseline.csv";

  public static final String USAGE =
      String.join(
          "\n",
          "Usage: SoftmaxBaseline [options]",
          "  Times one forward pass of softmax attention on the CPU and measures its peak resident memory.",
          "",
          "  --lengths T1,T2,...  sequence lengths (default 256,512,1024,2048,4096)",
          "  --d N                width of queries, keys and values (default 64)",
          "  --batch N            batch size (default 1)",
          "  --heads N            number of heads (default 1)",
          "  --causal             causal attention (each query sees only earlier keys)",
          "  --repeats N          timed runs per length; the median and minimum are reported (default 5)",
          "  --warmup N           untimed runs per length before measuring (default 2)",
          "  --threads N          libtorch CPU threads (default: libtorch's choice, one per core); 1 gives",
          "                       steadier times on a machine that is busy with other work",
          "  --out PATH           CSV to write (default " + DEFAULT_OUT + ")",
          "  --mechanisms LIST    what to measure, comma-separated: softmax (default), random,",
          "                       factorized-random, dense (the Synthesizer's cores),",
          "                       aft-full, aft-simple, aft-local (s=32), aft-conv (s=11) (AFT's cores),",
          "                       cosformer, cosformer-causal, cosformer-causal-cumsum, cosformer-quadratic,",
          "                       relu-linear (cosFormer's forms and its ablation)",
          "  --max-intermediate-mb X  skip (and report as skipped) any length whose declared largest",
          "                       intermediate exceeds X MB, e.g. softmax's score matrix (default: no limit)",
          "  --help               print this and exit");

  private static final int[] DEFAULT_LENGTHS = {256, 512, 1024, 2048, 4096};

  /** The mechanisms {@code --mechanisms} can name, in the order they are listed. */
  private static final java.util.Map<String, java.util.function.Supplier<Mechanism>> MECHANISMS =
      new java.util.LinkedHashMap<>();

  static {
    MECHANISMS.put("softmax", Mechanism::softmax);
    MECHANISMS.put("random", org.attentioncourse.synthesizer.SynthesizerMechanisms::random);
    MECHANISMS.put("factorized-random", () -> org.attentioncourse.synthesizer.SynthesizerMechanisms.factorizedRandom(8));
    MECHANISMS.put("dense", org.attentioncourse.synthesizer.SynthesizerMechanisms::dense);
    MECHANISMS.put("aft-full", org.attentioncourse.aft.AftMechanisms::full);
    MECHANISMS.put("aft-simple", org.attentioncourse.aft.AftMechanisms::simple);
    MECHANISMS.put("aft-local", () -> org.attentioncourse.aft.AftMechanisms.local(32));
    MECHANISMS.put("aft-conv", () -> org.attentioncourse.aft.AftMechanisms.conv(11));
    MECHANISMS.put("cosformer", org.attentioncourse.cosformer.CosFormerMechanisms::cosFormer);
    MECHANISMS.put("cosformer-causal", org.attentioncourse.cosformer.CosFormerMechanisms::cosFormerCausal);
    MECHANISMS.put("cosformer-causal-cumsum", org.attentioncourse.cosformer.CosFormerMechanisms::cosFormerCausalFullPrefixSums);
    MECHANISMS.put("cosformer-quadratic", org.attentioncourse.cosformer.CosFormerMechanisms::quadratic);
    MECHANISMS.put("relu-linear", org.attentioncourse.cosformer.CosFormerMechanisms::reluLinear);
  }

  private SoftmaxBaseline() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * The whole program with its streams passed in, for tests. Returns the exit status: 0, or 2 for bad arguments.
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("SoftmaxBaseline: " + e.getMessage());
      err.println("Run with --help for the options.");
      return 2;
    }
    if (o.help) {
      out.println(USAGE);
      return 0;
    }
    AttentionBenchmark bench;
    try {
      AttentionBenchmark.Builder b =
          AttentionBenchmark.builder().lengths(o.lengths).d(o.d).batch(o.batch).heads(o.heads).causal(o.causal);
      if (o.repeats != null) {
        b.repeats(o.repeats);
      }
      if (o.warmup != null) {
        b.warmup(o.warmup);
      }
      if (o.maxIntermediateMb != null) {
        b.maxIntermediateMb(o.maxIntermediateMb);
      }
      bench = b.log(line -> err.println("  " + line)).build();
    } catch (IllegalArgumentException e) {
      err.println("SoftmaxBaseline: " + e.getMessage());
      err.println("Run with --help for the options.");
      return 2;
    }
    if (o.threads != null) {
      // Read by DJL's PyTorch engine when it starts, which is at the first array below: set them before that.
      System.setProperty("ai.djl.pytorch.num_threads", o.threads.toString());
      System.setProperty("ai.djl.pytorch.num_interop_threads", o.threads.toString());
    }
    err.println("Running " + bench + (o.threads == null ? "" : " with " + o.threads + " libtorch thread(s)"));
    java.util.List<Mechanism> mechanisms = new java.util.ArrayList<>();
    for (String name : o.mechanisms) {
      mechanisms.add(MECHANISMS.get(name).get());
    }
    Table table = bench.run(mechanisms);
    table.setName(o.mechanisms.size() == 1 ? "softmax attention baseline" : "attention mechanisms");
    out.println(table.printAll());
    Path written = AttentionBenchmark.writeCsv(table, o.out);
    out.println("wrote " + written);
    int[] t = bench.lengths();
    int lo = Arrays.stream(t).min().orElseThrow();
    int hi = Arrays.stream(t).max().orElseThrow();
    if (lo != hi) {
      double n = (double) hi / lo;
      for (Mechanism mech : mechanisms) {
        double r = AttentionBenchmark.ratio(table, mech.name(), lo, hi);
        if (Double.isNaN(r)) {
          out.println(
              String.format(
                  Locale.ROOT, "%s: time ratio T=%d / T=%d: not measured (a length was skipped)", mech.name(), hi, lo));
          continue;
        }
        out.println(
            String.format(
                Locale.ROOT,
                "%s: time ratio T=%d / T=%d: %.1f (linear growth would give %.0f, quadratic %.0f)",
                mech.name(),
                hi,
                lo,
                r,
                n,
                n * n));
      }
    }
    return 0;
  }

  /** Parsed command line. */
  static final class Options {
    int[] lengths = DEFAULT_LENGTHS.clone();
    java.util.List<String> mechanisms = java.util.List.of("softmax");
    int d = 64;
    int batch = 1;
    int heads = 1;
    boolean causal;
    Integer repeats;
    Integer warmup;
    Integer threads;
    Double maxIntermediateMb;
    Path out = Path.of(DEFAULT_OUT);
    boolean help;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) { // --d=64 as well as --d 64
          value = a.substring(eq + 1);
          a = a.substring(0, eq);
        }
        switch (a) {
          case "--help", "-h" -> o.help = true;
          case "--causal" -> {
            if (value != null) {
              throw new IllegalArgumentException("--causal takes no value, got '" + value + "'");
            }
            o.causal = true;
          }
          case "--mechanisms" -> {
            if (value == null) {
              if (i + 1 >= args.length) {
                throw new IllegalArgumentException("--mechanisms needs a value");
              }
              value = args[++i];
            }
            java.util.List<String> names = new java.util.ArrayList<>();
            for (String part : value.split(",")) {
              String name = part.trim();
              if (!MECHANISMS.containsKey(name)) {
                throw new IllegalArgumentException(
                    "unknown mechanism '" + name + "'; known: " + String.join(", ", MECHANISMS.keySet()));
              }
              names.add(name);
            }
            o.mechanisms = names;
          }
          case "--lengths", "--d", "--batch", "--heads", "--repeats", "--warmup", "--threads", "--out",
              "--max-intermediate-mb" -> {
            if (value == null) {
              if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
              }
              value = args[++i];
            }
            switch (a) {
              case "--lengths" -> o.lengths = lengths(value);
              case "--d" -> o.d = integer(a, value);
              case "--batch" -> o.batch = integer(a, value);
              case "--heads" -> o.heads = integer(a, value);
              case "--repeats" -> o.repeats = integer(a, value);
              case "--warmup" -> o.warmup = integer(a, value);
              case "--max-intermediate-mb" -> {
                try {
                  o.maxIntermediateMb = Double.parseDouble(value.trim());
                } catch (NumberFormatException e) {
                  throw new IllegalArgumentException(a + " expects a number of MB, got '" + value + "'");
                }
              }
              case "--threads" -> {
                o.threads = integer(a, value);
                if (o.threads < 1) {
                  throw new IllegalArgumentException("--threads must be at least 1, got " + o.threads);
                }
              }
              default -> {
                if (value.isBlank()) {
                  throw new IllegalArgumentException("--out needs a path, got an empty one");
                }
                o.out = Path.of(value);
              }
            }
          }
          default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
        }
      }
      return o;
    }

    private static int[] lengths(String value) {
      List<Integer> out = new ArrayList<>();
      for (String part : value.split(",", -1)) {
        String p = part.trim();
        if (p.isEmpty()) {
          throw new IllegalArgumentException("--lengths has an empty entry in '" + value + "'");
        }
        out.add(integer("--lengths", p));
      }
      return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int integer(String option, String value) {
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " expects a whole number, got '" + value + "'");
      }
    }
  }
}
