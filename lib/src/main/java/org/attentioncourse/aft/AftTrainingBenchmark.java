package org.attentioncourse.aft;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.attentioncourse.bench.ResidentMemory;

/**
 * What training costs AFT's weighted average at full size: one forward and backward pass of {@link AftOps} on
 * (B, T, C) keys and values, for each way the causal sums can be formed — by blocks (the library's choice when
 * safe) and by the T-long scan with the band offset by offset (the exact fallback) — printing a table of the
 * median time and the peak resident memory above the inputs.
 *
 * <pre>
 *   java -cp "lib/target/attention-course-lib.jar:lib/target/dependency/*" \
 *       org.attentioncourse.aft.AftTrainingBenchmark --lengths 1024,4096 --channels 256 --window 32
 * </pre>
 *
 * The defaults are the AFT paper's enwik8 layer (T = 1024, d = 256, AFT-local with s = 32), one sequence.
 */
public final class AftTrainingBenchmark {

  private AftTrainingBenchmark() {}

  public static void main(String[] args) throws IOException {
    int[] lengths = {1024};
    int channels = 256;
    int window = 32;
    int batch = 1;
    int repeats = 3;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help")) {
        System.out.println("Usage: AftTrainingBenchmark [--lengths T1,T2,...] [--channels C] [--window s] [--batch B]"
            + " [--repeats N]\n  Forward + backward of AFT-simple and AFT-local (causal, and local non-causal),"
            + " blocked and offset-by-offset forms: median ms and peak MB above the inputs.");
        return;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--lengths" -> lengths = Arrays.stream(v.split(",")).mapToInt(s -> positive(a, s)).toArray();
        case "--channels" -> channels = positive(a, v);
        case "--window" -> window = positive(a, v);
        case "--batch" -> batch = positive(a, v);
        case "--repeats" -> repeats = positive(a, v);
        default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
      }
    }
    ResidentMemory memory = ResidentMemory.probe();
    if (memory.unavailableReason() != null) {
      throw new IllegalStateException("peak memory cannot be measured here: " + memory.unavailableReason());
    }
    String[][] cases = {
      {"simple", "causal", "blocks"}, {"simple", "causal", "scan"},
      {"local", "causal", "blocks"}, {"local", "causal", "offsets"}, {"local", "non-causal", "blocks"}
    };
    System.out.printf(Locale.ROOT, "%-8s %-11s %-8s %7s %5s %4s %5s %10s %10s%n", "variant", "mode", "form", "T", "C", "s",
        "B", "median ms", "peak MB");
    for (int T : lengths) {
      for (String[] c : cases) {
        List<Double> times = new ArrayList<>();
        double peak = 0;
        for (int r = 0; r < repeats + 1; r++) { // the first run warms up and is not counted
          double[] tm = run(c, T, channels, window, batch, memory);
          if (r > 0) {
            times.add(tm[0]);
            peak = Math.max(peak, tm[1]);
          }
        }
        times.sort(null);
        System.out.printf(Locale.ROOT, "%-8s %-11s %-8s %7d %5d %4s %5d %10.1f %10.1f%n", c[0], c[1], c[2], T, channels,
            c[0].equals("simple") ? "-" : String.valueOf(window), batch, times.get(times.size() / 2), peak);
      }
    }
  }

  /** One forward and backward pass: {milliseconds, peak MB above the inputs}. */
  private static double[] run(String[] c, int T, int C, int s, int B, ResidentMemory memory) throws IOException {
    try (NDManager m = NDManager.newBaseManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Engine.getInstance().setRandomSeed(42);
      NDArray K = m.randomNormal(new Shape(B, T, C));
      NDArray V = m.randomNormal(new Shape(B, T, C));
      NDArray w = m.randomNormal(new Shape(T, 2 * s - 1, 1));
      for (NDArray x : new NDArray[] {K, V, w}) {
        x.setRequiresGradient(true);
      }
      boolean causal = c[1].equals("causal");
      AftOps.CausalBand form = c[2].equals("blocks") ? AftOps.CausalBand.BLOCKS : AftOps.CausalBand.OFFSETS;
      long before = memory.reset();
      long t0 = System.nanoTime();
      NDArray y = c[0].equals("simple")
          ? AftOps.simple(K, V, null, causal, form)
          : AftOps.banded(w, -(s - 1), K, V, null, causal, form);
      gc.backward(y.sum());
      double ms = (System.nanoTime() - t0) / 1e6;
      return new double[] {ms, (memory.peak() - before) / 1048576.0};
    }
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " needs a positive whole number, got '" + value + "'");
  }
}
