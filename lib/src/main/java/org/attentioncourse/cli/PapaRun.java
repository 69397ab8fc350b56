package org.attentioncourse.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.attentioncourse.encoder.MiniLm;
import org.attentioncourse.io.AtomicFiles;
import org.attentioncourse.papa.ConstantMatrices;
import org.attentioncourse.papa.EncoderProbedModel;
import org.attentioncourse.papa.GateRanking;
import org.attentioncourse.papa.GlueTsv;
import org.attentioncourse.papa.HeadOrder;
import org.attentioncourse.papa.Metric;
import org.attentioncourse.papa.PapaSweep;
import org.attentioncourse.papa.Probe;
import org.attentioncourse.papa.ProbeConfig;
import org.attentioncourse.papa.ProbeExample;
import org.attentioncourse.papa.Scorer;
import org.attentioncourse.train.Devices;
import tech.tablesaw.api.Table;

/**
 * PAPA on the pretrained encoder, from a GLUE config: what {@code train} and {@code dry-run} do when {@code [task]
 * type = glue}. The pipeline is notebook 06's: read train.tsv and dev.tsv, average the constant matrices over the
 * training examples, train the head gates with PAPA's probe, then sweep the config's static fractions, training a
 * fresh probe at every point and scoring it on dev.tsv (GLUE's test labels are not public).
 *
 * <p>The run folder holds {@code config.ini}, the constant matrices ({@value #CONSTANTS_FILE}), the trained gates
 * ({@value #GATES_FILE}: λ per head, the order is read back from them) and the sweep table ({@value #SWEEP_FILE}, one
 * row per point, appended as each point finishes). All are written atomically, so {@code --resume} after a stop or
 * a crash reuses whatever was finished and redoes only the part that was running.
 */
final class PapaRun {

  static final String CONFIG_FILE = "config.ini";
  static final String CONSTANTS_FILE = "train.constants";
  static final String GATES_FILE = "gates.csv";
  static final String SWEEP_FILE = "sweep.csv";
  static final String GATES_HEADER = "setup,layer,head,lambda";

  private PapaRun() {}

  /**
   * What a PAPA run needs besides the config.
   *
   * @param device the device request (auto, cpu, gpu, gpu:N)
   * @param stop when it turns true the run stops before the next training step or sweep point
   */
  record Settings(ExperimentConfig config, String runName, Path outDir, Path dataRoot, String device, boolean resume,
      PrintStream out, BooleanSupplier stop) {}

  /**
   * A GLUE task's labelled rows.
   *
   * @param train the rows used for training: all of train.tsv, or a seeded sample when the config caps them
   * @param trainInFile the number of rows in train.tsv
   */
  record Rows(List<GlueTsv.Row> train, int trainInFile, List<GlueTsv.Row> dev, Path trainFile, Path devFile) {}

  /**
   * The headline number of each task: Matthews correlation for CoLA (what GLUE reports for it), accuracy for SST-2,
   * and accuracy for MRPC. GLUE reports MRPC as F1 of the paraphrase class and accuracy; {@link Metric} has macro
   * F1, not that F1, so the sweep's score is accuracy (the CSV has macro F1 and Matthews beside it).
   */
  static Metric metric(String glueTask) {
    return glueTask.equals("cola") ? Metric.MATTHEWS : Metric.ACCURACY;
  }

  /** ceil(epochs × examples / batch): PAPA counts epochs, the trainer counts steps. */
  static int steps(int epochs, int examples, int batch) {
    long s = ((long) epochs * examples + batch - 1) / batch;
    if (s > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException(epochs + " epochs of " + examples + " examples at batch " + batch + " are "
          + s + " steps, more than one run can count; lower the epochs or cap train_examples");
    }
    return (int) Math.max(1, s);
  }

  /** Reads train.tsv and dev.tsv; fails with the missing file and the download command when one is absent. */
  static Rows read(ExperimentConfig c, Path root) {
    ExperimentConfig.Task t = c.task();
    String missing = TaskSetup.missingData(t, root);
    if (missing != null) {
      throw new IllegalStateException(missing);
    }
    Path trainFile = TaskSetup.glueFile(t, root, "train.tsv");
    Path devFile = TaskSetup.glueFile(t, root, "dev.tsv");
    List<GlueTsv.Row> all = read(t.string("glue_task"), trainFile);
    List<GlueTsv.Row> dev = read(t.string("glue_task"), devFile);
    for (GlueTsv.Row r : dev) {
      if (r.label() < 0) {
        throw new IllegalArgumentException(devFile + ": row " + r.id() + " has no label; dev.tsv must be labelled");
      }
    }
    return new Rows(sample(all, t.integer("train_examples"), c.training().seed()), all.size(), dev, trainFile, devFile);
  }

  private static List<GlueTsv.Row> read(String task, Path file) {
    return switch (task) {
      case "sst2" -> GlueTsv.sst2(file);
      case "cola" -> GlueTsv.cola(file);
      case "mrpc" -> GlueTsv.mrpc(file);
      default -> throw new IllegalArgumentException("no GLUE reader for task '" + task + "'");
    };
  }

  /** {@code n} rows drawn without replacement (seeded), in file order; all rows when n is 0 or not smaller. */
  static List<GlueTsv.Row> sample(List<GlueTsv.Row> rows, int n, long seed) {
    if (n == ExperimentConfig.ALL_EXAMPLES || n >= rows.size()) {
      return rows;
    }
    // a sample, not the first n: CoLA's train.tsv is grouped by source, so its head is not representative
    int[] idx = new int[rows.size()];
    Arrays.setAll(idx, i -> i);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = idx.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int x = idx[i];
      idx[i] = idx[j];
      idx[j] = x;
    }
    int[] chosen = Arrays.copyOf(idx, n);
    Arrays.sort(chosen);
    List<GlueTsv.Row> out = new ArrayList<>(n);
    for (int i : chosen) {
      out.add(rows.get(i));
    }
    return out;
  }

  /** The settings a resumed run must share with the one it continues (fractions may change: new points are added). */
  static String fingerprint(ExperimentConfig c) {
    Map<String, String> f = new TreeMap<>(c.fingerprint());
    c.effective().forEach((k, v) -> {
      if (k.startsWith("papa.") && !k.equals("papa.static_fractions")) {
        f.put(k, v);
      }
    });
    StringBuilder s = new StringBuilder();
    f.forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
    return s.toString();
  }

  // ---------------------------------------------------------------- train

  /** Runs the sweep; true when every point is done, false when stopped (what is finished is on disk). */
  static boolean train(Settings s) {
    ExperimentConfig c = s.config();
    ExperimentConfig.Papa papa = c.papa();
    ExperimentConfig.Training tr = c.training();
    PrintStream out = s.out();
    Path outDir = s.outDir();
    Rows rows = read(c, s.dataRoot()); // before anything is loaded or written: missing data fails at once
    Device device = device(s.device());
    prepareFolder(c, s);
    out.printf(Locale.ROOT, "GLUE %s: %s from %s; %,d dev rows from %s (the probe is scored on dev: GLUE's test"
        + " labels are not public)%n", c.task().string("glue_task"), trainCount(rows, c), rows.trainFile(),
        rows.dev().size(), rows.devFile());
    int T = c.model().maxLength();
    int batch = tr.batch();
    int n = rows.train().size();
    int gateSteps = steps(papa.gateEpochs(), n, batch);
    int probeSteps = steps(papa.probeEpochs(), n, batch);
    out.printf(Locale.ROOT, "Steps: gates ceil(%d epochs × %,d examples / batch %d) = %,d; probe ceil(%d × %,d / %d) ="
        + " %,d at every point%n", papa.gateEpochs(), n, batch, gateSteps, papa.probeEpochs(), n, batch, probeSteps);

    try (NDManager manager = NDManager.newBaseManager(device)) {
      EncoderProbedModel probed = load(manager, T, out);
      List<ProbeExample> train = probed.glue(rows.train());
      List<ProbeExample> dev = probed.glue(rows.dev());

      Path constantsFile = outDir.resolve(CONSTANTS_FILE);
      boolean had = Files.exists(constantsFile);
      long t0 = System.nanoTime();
      ConstantMatrices C = ConstantMatrices.loadOrCompute(constantsFile, probed, probed.name(), train, batch,
          s.stop());
      out.printf(Locale.ROOT, "Constant matrices %s %s (%d layers × %d heads, T = %d, averaged over %,d examples;"
          + " %.1f s)%n", had ? "read back from" : "computed and saved to", constantsFile, C.layers(), C.heads(),
          C.length(), C.examples(), (System.nanoTime() - t0) / 1e9);

      StepLog log = new StepLog(out, tr.logEvery());
      ProbeConfig gateConfig = ProbeConfig.defaults().steps(gateSteps).batchSize(batch).learningRate(papa.gateLr())
          .gateLearningRate(papa.gateLr()).seed(tr.seed()).stopWhen(s.stop()).onStep(log.as("gates"));
      HeadOrder order = gates(probed, C, train, gateConfig, outDir.resolve(GATES_FILE), out);

      ProbeConfig probeConfig = ProbeConfig.defaults().steps(probeSteps).batchSize(batch).learningRate(papa.probeLr())
          .seed(tr.seed()).stopWhen(s.stop()).onStep(log.as("probe"));
      String scorer = String.format(Locale.ROOT, "pooled probe (%d steps; lr %s; batch %d; seed %d)", probeSteps,
          papa.probeLr(), batch, tr.seed());
      Path csv = outDir.resolve(SWEEP_FILE);
      Metric metric = metric(c.task().string("glue_task"));
      long t1 = System.nanoTime();
      Table table = PapaSweep.builder().model(probed).constants(C).order(order)
          .scorer(scorer, Scorer.probe(Probe.pooled(), train, dev, probeConfig)).metric(metric)
          .fractions(fractions(papa)).csv(csv).out(out).stopWhen(s.stop()).build().run();
      out.println(table);
      out.printf(Locale.ROOT, "Done: %d points (%s); this session %s. Results: %s%n", table.rowCount(),
          metric.label(), ResumableRun.duration((System.nanoTime() - t1) / 1e9), csv);
      return true;
    } catch (CancellationException e) {
      out.println("Stopped: " + e.getMessage() + ". What was finished (constant matrices, gates, points) is kept in "
          + outDir + "; a gate or probe run cut short starts again. Continue with the same command and --resume.");
      return false;
    }
  }

  static String trainCount(Rows rows, ExperimentConfig c) {
    int cap = c.task().integer("train_examples");
    return rows.train().size() == rows.trainInFile()
        ? String.format(Locale.ROOT, "all %,d training rows%s", rows.trainInFile(),
            cap == ExperimentConfig.ALL_EXAMPLES ? "" : " (train_examples = " + cap + " is not fewer)")
        : String.format(Locale.ROOT, "%,d of %,d training rows (train_examples = %d; a sample drawn with seed %d)",
            rows.train().size(), rows.trainInFile(), cap, c.training().seed());
  }

  static double[] fractions(ExperimentConfig.Papa p) {
    return p.staticFractions().stream().mapToDouble(Double::doubleValue).toArray();
  }

  static Device device(String request) {
    if (request.equals(Devices.ALL_GPUS)) {
      throw new IllegalArgumentException("a PAPA sweep runs on one device; use --device auto, cpu, gpu or gpu:N"
          + " (all-gpus splits the batches of course models only)");
    }
    return Devices.choose(request);
  }

  /** Refuses to start over a finished part; on --resume, refuses another config; writes config.ini. */
  private static void prepareFolder(ExperimentConfig c, Settings s) {
    Path dir = s.outDir();
    Path saved = dir.resolve(CONFIG_FILE);
    if (!s.resume()) {
      for (String f : List.of(SWEEP_FILE, GATES_FILE, CONSTANTS_FILE)) {
        if (Files.exists(dir.resolve(f))) {
          throw new IllegalStateException(dir + " already holds a PAPA run (" + f + "). Add --resume to continue it,"
              + " or choose another --out folder");
        }
      }
    } else if (Files.exists(saved)) {
      ExperimentConfig before = ExperimentConfig.of(ConfigFile.read(saved));
      String then = fingerprint(before);
      String now = fingerprint(c);
      if (!then.equals(now)) {
        throw new IllegalArgumentException("cannot resume the PAPA run in " + dir + ": the config differs from "
            + saved + " in " + ResumableRun.differences(then, now) + ". Resume with the original settings"
            + " (static_fractions, the data folder and the device may change), or start a new run in another --out"
            + " folder");
      }
      s.out().println("Resuming the PAPA run in " + dir);
    } else {
      s.out().println("Nothing to resume in " + dir + ": starting a new PAPA run");
    }
    if (!s.resume() || !Files.exists(saved)) {
      AtomicFiles.writeString(saved, c.file().text());
    }
  }

  private static EncoderProbedModel load(NDManager manager, int T, PrintStream out) {
    long t0 = System.nanoTime();
    MiniLm encoder = MiniLm.load(manager);
    EncoderProbedModel probed = EncoderProbedModel.of(encoder, T);
    out.printf(Locale.ROOT, "Encoder %s loaded in %.1f s on %s: %d layers × %d heads = %d heads, width %d%n",
        probed.name(), (System.nanoTime() - t0) / 1e9, probed.device(), probed.layers(), probed.heads(0),
        probed.totalHeads(), probed.width());
    return probed;
  }

  /** The gates' order: read back from {@code file} when it was trained for this setup, else trained and saved. */
  private static HeadOrder gates(EncoderProbedModel probed, ConstantMatrices C, List<ProbeExample> train,
      ProbeConfig cfg, Path file, PrintStream out) {
    String setup = hash(C.modelIdentity() + "\n" + C.dataChecksum() + "\n" + cfg);
    if (Files.exists(file)) {
      double[][] lambda = readGates(file, setup, probed.layers(), probed.heads(0));
      HeadOrder order = HeadOrder.byValues(lambda);
      out.println("Gates read back from " + file + "; first heads to replace: " + order.first(Math.min(8, order.size())));
      return order;
    }
    out.printf(Locale.ROOT, "Training the gates: %,d steps at lr %s (probe and λ), batch %d%n", cfg.steps(),
        cfg.learningRate(), cfg.batchSize());
    long t0 = System.nanoTime();
    GateRanking r = GateRanking.train(probed, C, Probe.pooled(), train, cfg);
    StringBuilder s = new StringBuilder(GATES_HEADER).append('\n');
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (int l = 0; l < r.lambda().length; l++) {
      for (int h = 0; h < r.lambda()[l].length; h++) {
        double v = r.lambda()[l][h];
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        s.append(setup).append(',').append(l).append(',').append(h).append(',').append(v).append('\n');
      }
    }
    AtomicFiles.writeString(file, s.toString());
    List<Double> losses = r.losses();
    out.printf(Locale.ROOT, "Gates trained in %s: loss %.4f at the first step, %.4f at the last; λ from %.4f to %.4f;"
        + " saved to %s%n  first heads to replace: %s%n", ResumableRun.duration((System.nanoTime() - t0) / 1e9),
        losses.get(0), losses.get(losses.size() - 1), lo, hi, file, r.order().first(Math.min(8, r.order().size())));
    return r.order();
  }

  /** λ[layer][head] from a gates file of this setup; errors name the file and the line. */
  static double[][] readGates(Path file, String setup, int layers, int heads) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(GATES_HEADER)) {
      throw new IllegalArgumentException(file + ":1: not a gates file: expected the header '" + GATES_HEADER + "'");
    }
    double[][] lambda = new double[layers][heads];
    boolean[][] seen = new boolean[layers][heads];
    int count = 0;
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String where = file + ":" + (i + 1) + ": ";
      String[] v = lines.get(i).split(",", -1);
      if (v.length != 4) {
        throw new IllegalArgumentException(where + "expected 4 comma-separated fields but found " + v.length);
      }
      if (!v[0].equals(setup)) {
        throw new IllegalArgumentException(where + "these gates were trained for another setup (" + v[0] + ", now "
            + setup + ": other constant matrices, data or gate settings); delete " + file
            + " to train them again, or start a new run in another --out folder");
      }
      try {
        int l = Integer.parseInt(v[1]);
        int h = Integer.parseInt(v[2]);
        if (l < 0 || l >= layers || h < 0 || h >= heads || seen[l][h]) {
          throw new IllegalArgumentException(where + "head L" + l + "H" + h + " is outside " + layers + " layers × "
              + heads + " heads or listed twice");
        }
        lambda[l][h] = Double.parseDouble(v[3]);
        seen[l][h] = true;
        count++;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + "a number field is malformed: " + e.getMessage(), e);
      }
    }
    if (count != layers * heads) {
      throw new IllegalArgumentException(file + ": " + count + " heads listed, expected " + layers * heads
          + " (the file is incomplete); delete it to train the gates again");
    }
    return lambda;
  }

  /** The first 12 hex digits of the SHA-256 of {@code s}: a short fingerprint for file names and CSV cells. */
  private static String hash(String s) {
    return org.attentioncourse.io.Checksums.sha256(s.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
  }

  /** Progress lines of gate and probe training, every {@code every} steps and at the last. */
  static final class StepLog {
    private final PrintStream out;
    private final int every;
    private long startNanos;
    private double sum;
    private int inSum;

    StepLog(PrintStream out, int every) {
      this.out = out;
      this.every = every;
    }

    ProbeConfig.StepListener as(String label) {
      return (step, steps, loss) -> {
        if (step == 1) { // a new run: every sweep point trains a fresh probe
          startNanos = System.nanoTime();
          sum = 0;
          inSum = 0;
        }
        sum += loss;
        inSum++;
        if (step % every == 0 || step == steps) {
          double perStep = step == 1 ? Double.NaN : (System.nanoTime() - startNanos) / 1e9 / (step - 1);
          out.printf(Locale.ROOT, "  %s step %,d/%,d | loss %.4f (mean of last %d) | %s | %s left%n", label, step,
              steps, sum / inSum, inSum, Double.isNaN(perStep) ? "first step" : String.format(Locale.ROOT,
                  "%.3f s/step", perStep), Double.isNaN(perStep) ? "?" : ResumableRun.duration(perStep * (steps - step)));
          sum = 0;
          inSum = 0;
        }
      };
    }
  }
}
