package org.attentioncourse.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.attentioncourse.encoder.MiniLm;
import org.attentioncourse.encoder.TokenBatch;
import org.attentioncourse.papa.ConstantMatrices;
import org.attentioncourse.papa.EncoderProbedModel;
import org.attentioncourse.papa.ProbeExample;

/**
 * Cost of the pretrained encoder at the size of the PAPA probe's constant-matrix pass: load time, and the time
 * and peak resident memory of encoding N sequences padded to T tokens, every layer's hidden states kept for the
 * batch and, with {@code --papa}, every layer's attention matrices summed position by position (Σ A·mᵢmⱼ) into
 * accumulators, as that pass does. With {@code --constants} the pass is the library's own: {@link
 * ConstantMatrices#compute} through {@link EncoderProbedModel} (tokenizing, the float64 accumulation on the Java
 * side and the checksums of the weights and the data included).
 *
 * <pre>
 *   java -Xmx768m -cp "lib/target/attention-course-lib.jar:lib/target/dependency/*" \
 *       org.attentioncourse.bench.MiniLmBenchmark --sentences 2000 --length 64 --batch 32 --threads 1 --papa
 * </pre>
 *
 * The texts are the opening sentences of Moby-Dick, joined and cut so that every sequence has T real tokens
 * (the work is the same for any text of that length).
 */
public final class MiniLmBenchmark {

  private MiniLmBenchmark() {}

  private static final String[] TEXT = {
    "Call me Ishmael.",
    "Some years ago, never mind how long precisely, having little or no money in my purse, and nothing particular to"
        + " interest me on shore, I thought I would sail about a little and see the watery part of the world.",
    "It is a way I have of driving off the spleen, and regulating the circulation.",
    "Whenever I find myself growing grim about the mouth; whenever it is a damp, drizzly November in my soul;"
        + " whenever I find myself involuntarily pausing before coffin warehouses, and bringing up the rear of every"
        + " funeral I meet; and especially whenever my hypos get such an upper hand of me, that it requires a strong"
        + " moral principle to prevent me from deliberately stepping into the street, and methodically knocking"
        + " people's hats off, then, I account it high time to get to sea as soon as I can.",
    "This is my substitute for pistol and ball.",
    "With a philosophical flourish Cato throws himself upon his sword; I quietly take to the ship.",
    "There is nothing surprising in this.",
    "If they but knew it, almost all men in their degree, some time or other, cherish very nearly the same"
        + " feelings towards the ocean with me."
  };

  public static void main(String[] args) throws IOException {
    int sentences = 2000;
    int length = 64;
    int batchSize = 32;
    Integer threads = null;
    boolean papa = false;
    boolean constants = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--sentences" -> sentences = Integer.parseInt(args[++i]);
        case "--length" -> length = Integer.parseInt(args[++i]);
        case "--batch" -> batchSize = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--papa" -> papa = true;
        case "--constants" -> constants = true;
        default -> throw new IllegalArgumentException(
            "unknown argument " + args[i] + "; use --sentences N --length T --batch B --threads K [--papa | --constants]");
      }
    }
    if (threads != null) { // before the engine starts: libtorch reads these once
      System.setProperty("ai.djl.pytorch.num_threads", threads.toString());
      System.setProperty("ai.djl.pytorch.num_interop_threads", threads.toString());
    }
    ResidentMemory rss = ResidentMemory.probe();
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.create(0f).close(); // start the engine, so the load time is the model's own
      long rssBefore = rss.reset(); // the engine alone
      long t0 = System.nanoTime();
      MiniLm model = MiniLm.load(manager);
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      long loadPeak = rss.peak();
      System.gc();
      long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      long rssLoaded = rss.reset();

      List<String> texts = texts(model, sentences, length);
      int L = model.layers();
      int H = model.heads();
      NDArray[] sums = new NDArray[L]; // Σ A·mᵢmⱼ per layer, (H, T, T)
      NDArray[] count = new NDArray[1]; // Σ mᵢmⱼ, (T, T)
      if (papa) {
        count[0] = manager.zeros(new Shape(length, length));
        for (int l = 0; l < L; l++) {
          sums[l] = manager.zeros(new Shape(H, length, length));
          final int layer = l;
          model.setEdit(
              l,
              (w, mask) -> { // w (B, H, T, T), mask (B, T)
                NDArray mm = mask.expandDims(2).mul(mask.expandDims(1)); // (B, T, T)
                sums[layer].addi(w.mul(mm.expandDims(1)).sum(new int[] {0}));
                if (layer == 0) {
                  count[0].addi(mm.sum(new int[] {0}));
                }
                return w;
              });
        }
      }
      long t1 = System.nanoTime();
      long cpu1 = processCpuNanos();
      long tokens = 0;
      if (constants) {
        EncoderProbedModel probed = EncoderProbedModel.of(model, length);
        List<ProbeExample> examples = new ArrayList<>(texts.size());
        for (String t : texts) {
          ProbeExample e = probed.example(t, 0);
          examples.add(e);
          for (int v : e.mask()) {
            tokens += v;
          }
        }
        ConstantMatrices c = ConstantMatrices.compute(probed, probed.name(), examples, batchSize);
        System.out.printf("constant matrices: %d layers × %d heads × %d × %d from %d sentences%n", c.layers(),
            c.heads(), c.length(), c.length(), c.examples());
      }
      for (int start = 0; !constants && start < texts.size(); start += batchSize) {
        List<String> chunk = texts.subList(start, Math.min(texts.size(), start + batchSize));
        try (NDManager batch = manager.newSubManager()) {
          TokenBatch tb = model.tokenize(chunk, length);
          NDList hidden = model.hiddenStates(batch, tb);
          hidden.get(L).get(0).toFloatArray(); // wait for the result
          for (float[] row : tb.mask()) {
            for (float v : row) {
              tokens += (long) v;
            }
          }
        }
      }
      double encodeSeconds = (System.nanoTime() - t1) / 1e9;
      double encodeCpu = (processCpuNanos() - cpu1) / 1e9;
      long encodePeak = rss.peak();
      long heapCommitted = Runtime.getRuntime().totalMemory();
      model.clearEdits();
      System.out.printf(
          "| threads | load s | RSS after load MB | heap after load MB | N | T | batch | PAPA sums | encode s |"
              + " process CPU s | sequences/s | real tokens | peak RSS MB | Java heap committed MB | load average |%n");
      System.out.printf(
          "| %s | %.2f | %.0f (+%.0f, peak %.0f) | %.0f | %d | %d | %d | %s | %.1f | %.1f | %.1f | %d | %.0f | %.0f | %s |%n",
          threads == null ? "default" : threads.toString(),
          loadSeconds,
          rssLoaded / 1e6,
          (rssLoaded - rssBefore) / 1e6,
          loadPeak / 1e6,
          heap / 1e6,
          texts.size(),
          length,
          batchSize,
          constants ? "ConstantMatrices.compute" : papa ? "yes" : "no",
          encodeSeconds,
          encodeCpu,
          texts.size() / encodeSeconds,
          tokens,
          Math.max(encodePeak, loadPeak) / 1e6,
          heapCommitted / 1e6,
          loadAverage());
    }
  }

  /**
   * CPU time of the whole process: on a shared machine the wall time depends on the neighbours, the CPU time much
   * less (with one libtorch thread it is close to the time the work would take alone).
   */
  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
  }

  private static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** N texts of about T − 2 word pieces each (so about T tokens with [CLS] and [SEP]), cut from the text above. */
  static List<String> texts(MiniLm model, int n, int length) {
    List<String> pieces = new ArrayList<>();
    for (String s : TEXT) {
      pieces.addAll(model.tokenizer().tokenize(s));
    }
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StringBuilder b = new StringBuilder();
      int start = (i * 13) % pieces.size();
      for (int k = 0; k < length - 2; k++) {
        String p = pieces.get((start + k) % pieces.size());
        if (p.startsWith("##")) {
          b.append(p, 2, p.length());
        } else {
          b.append(' ').append(p);
        }
      }
      out.add(b.toString().trim());
    }
    return out;
  }
}
