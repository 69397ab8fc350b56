package org.attentioncourse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, in-process: exit codes, messages, help texts. */
class MainTest {

  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  int run(String... args) {
    stdout.reset();
    stderr.reset();
    return new Main(new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8), new AtomicBoolean()).run(args);
  }

  String out() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return stderr.toString(StandardCharsets.UTF_8);
  }

  static Path tiny(Path dir) throws Exception {
    Path f = dir.resolve("tiny.ini");
    Files.writeString(f, ResumeTest.REVERSE.replace("steps = 20", "steps = 10"));
    return f;
  }

  @Test
  void helpForEveryCommand() {
    assertEquals(Main.OK, run("--help"));
    assertTrue(out().contains("Usage: java -jar lib/target/attention-course-lib.jar COMMAND"), out());
    for (String command : new String[] {"train", "dry-run", "download", "configs", "check"}) {
      assertEquals(Main.OK, run(command, "--help"), command);
      assertTrue(out().startsWith("Usage: " + command), command + ": " + out());
      assertEquals(Main.OK, run("help", command), command);
    }
    assertEquals(Main.USAGE_ERROR, run());
    assertEquals(Main.USAGE_ERROR, run("trian"));
    assertTrue(err().contains("unknown command 'trian' (did you mean 'train'?)"), err());
    assertEquals(Main.USAGE_ERROR, run("train", "--config", "demo-reverse", "--resum"));
    assertTrue(err().contains("unknown option --resum (did you mean '--resume'?)"), err());
    assertEquals(Main.USAGE_ERROR, run("train"));
    assertTrue(err().contains("--config is required"), err());
  }

  @Test
  void aBadConfigIsAUsageErrorNamingTheLine(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("bad.ini");
    Files.writeString(f, "[model]\nmechanism = softmax\nwidht = 64\n[task]\ntype = copy\n[training]\nsteps = 5\n");
    assertEquals(Main.USAGE_ERROR, run("check", "--config", f.toString()));
    assertTrue(err().startsWith("config error: " + f + ":3: [model] widht: unknown key"), err());
    assertTrue(err().contains("did you mean 'width'?"), err());
    assertEquals(Main.USAGE_ERROR, run("dry-run", "--config", "no-such-config"));
    assertTrue(err().contains("no built-in config named 'no-such-config'"), err());
  }

  @Test
  void checkAndConfigsShowTheBuiltInConfigs() {
    assertEquals(Main.OK, run("configs"));
    assertTrue(out().contains("aft-local-enwik8") && out().contains("papa-minilm-sst2"), out());
    assertEquals(Main.OK, run("configs", "aft-local-enwik8"));
    assertTrue(out().contains("mechanism = aft-local") && out().contains("window = 32"), out());
    assertEquals(Main.OK, run("check", "--config", "aft-local-enwik8"));
    assertTrue(out().contains("model.factor_dim = 256") && out().contains("training.batch = 128"), out());
  }

  @Test
  void allGpusOnAMachineWithoutAGpuFailsClearly(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
    assertEquals(Main.FAILED,
        run("train", "--config", tiny(tmp).toString(), "--device", "all-gpus", "--out", tmp.resolve("run").toString()));
    assertTrue(err().contains("device 'all-gpus' asks for every GPU of the machine, but the PyTorch engine sees no GPU"),
        err());
    assertTrue(err().contains("Use 'cpu' or 'auto'"), err());
    assertEquals(Main.USAGE_ERROR, run("train", "--config", tiny(tmp).toString(), "--device", "tpu"));
  }

  @Test
  void trainWritesTheRunFolderAndRefusesToStartOverIt(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    assertEquals(Main.OK, run("train", "--config", tiny(tmp).toString(), "--out", run.toString(), "--threads", "1"));
    assertTrue(out().contains("step 5/10 | loss") && out().contains("validation at step 10"), out());
    assertTrue(Files.exists(run.resolve("results.csv")) && Files.exists(run.resolve("final.params")));
    assertEquals(Files.readString(tiny(tmp)), Files.readString(run.resolve("config.ini")));
    assertEquals(Main.FAILED, run("train", "--config", tiny(tmp).toString(), "--out", run.toString()));
    assertTrue(err().contains("already holds checkpoints") && err().contains("--resume"), err());
    assertEquals(Main.OK, run("train", "--config", tiny(tmp).toString(), "--out", run.toString(), "--resume"));
    assertTrue(out().contains("Resuming from"), out());
  }

  @Test
  void aDryRunPrintsSizeMemoryAndTime(@TempDir Path tmp) throws Exception {
    assertEquals(Main.OK, run("dry-run", "--config", tiny(tmp).toString()));
    String o = out();
    for (String expected : new String[] {"parameters (vocabulary", "s/step at batch 1", "per step at batch 8",
        "× 10 steps", "16 B ×", "activations", "dry run took"}) {
      assertTrue(o.contains(expected), expected + " in:\n" + o);
    }
    assertTrue(Files.list(tmp).allMatch(p -> p.getFileName().toString().equals("tiny.ini")), "nothing written");
  }

  @Test
  void theActivationEstimateAddsWhatEachFurtherLayerStores() {
    double mb = 1 << 20;
    // 100 MB with one layer, of which 60 MB is stored per layer: 24 layers hold 100 + 23 × 60 MB
    assertEquals(1480 * mb, DryRun.activationsPerExample(100 * mb, 1, 24, 60 * mb), 1e-6);
    assertEquals(2 * 100 * mb + 22 * 45 * mb, DryRun.activationsPerExample(200 * mb, 2, 24, 45 * mb), 1e-6);
    // a missing or inconsistent deeper probe: the slice scaled by layers
    for (double stored : new double[] {Double.NaN, -1, 100 * mb, 150 * mb}) {
      assertEquals(2400 * mb, DryRun.activationsPerExample(100 * mb, 1, 24, stored), 1e-6, "stored " + stored);
    }
    assertEquals(100 * mb, DryRun.activationsPerExample(100 * mb, 4, 4, Double.NaN), 0.0, "the whole model");
  }

  @Test
  void aDryRunWithOneBatchTimesOnlyThatBatch(@TempDir Path tmp) throws Exception {
    assertEquals(Main.OK, run("dry-run", "--config", tiny(tmp).toString()));
    assertTrue(out().contains("s/step at batch 1, "), "by default a short step is also timed at batch 8:\n" + out());
    assertEquals(Main.OK, run("dry-run", "--config", tiny(tmp).toString(), "--one-batch"));
    assertTrue(out().contains("s/step at batch 1 (fastest of"), out());
    assertTrue(out().contains("activations") && out().contains("dry run took"), out());
  }

  @Test
  void executeRunsACommandInThisJvmAndPassesWholeLines() {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    java.util.List<Integer> writes = new java.util.ArrayList<>();
    PrintStream counting = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        bytes.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writes.add(len);
        bytes.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8);
    System.setOut(counting);
    int status;
    try {
      status = Main.execute("configs");
    } finally {
      System.setOut(saved);
    }
    assertEquals(Main.OK, status);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("demo-reverse"), text);
    long lines = text.chars().filter(c -> c == '\n').count();
    assertTrue(writes.size() <= lines, writes.size() + " writes for " + lines + " lines: lines were split");
  }

  @Test
  void papaConfigsWithoutTheirDataNameTheMissingFileAndTheDownload(@TempDir Path tmp) throws Exception {
    Path sst = tmp.resolve("data/glue/SST-2");
    String fetch = "fetch it with: download glue-sst2 --to " + tmp.resolve("data/glue");
    // dry run: the plan, the missing file, status 0, and no encoder needed
    assertEquals(Main.OK, run("dry-run", "--config", "papa-minilm-sst2", "--data-root", tmp.toString()));
    String o = out();
    assertTrue(o.contains("static fractions [0.0, 0.5, 0.875, 0.9375, 1.0] → [0, 36, 63, 68, 72] of 72 heads"), o);
    assertTrue(o.contains("gates 15 epochs at lr 2.0E-5; probe 10 epochs at lr 0.001"), o);
    assertTrue(o.contains("GLUE sst2 is not at " + sst.resolve("train.tsv") + "; " + fetch), o);
    assertFalse(o.contains("measured"), o);
    // train: status 1 with the same message, nothing written, no stack trace
    Path runDir = tmp.resolve("run");
    assertEquals(Main.FAILED,
        run("train", "--config", "papa-minilm-sst2", "--data-root", tmp.toString(), "--out", runDir.toString()));
    assertTrue(err().startsWith("train failed: GLUE sst2 is not at " + sst.resolve("train.tsv") + "; " + fetch), err());
    assertFalse(err().contains("Exception") || err().contains("\tat "), err());
    assertFalse(Files.exists(runDir), "nothing written");
    // dev.tsv is needed too; MRPC has no default source, so the message asks for --url
    GlueFixtures.sst2(tmp.resolve("data/glue"));
    Files.delete(sst.resolve("dev.tsv"));
    assertEquals(Main.FAILED, run("train", "--config", "papa-minilm-sst2", "--data-root", tmp.toString()));
    assertTrue(err().contains("GLUE sst2 is not at " + sst.resolve("dev.tsv")), err());
    assertEquals(Main.FAILED, run("train", "--config", "papa-minilm-mrpc", "--data-root", tmp.toString()));
    assertTrue(err().contains("download glue-mrpc --to " + tmp.resolve("data/glue") + " --url URL"), err());
    // a malformed file is named with its line
    Files.writeString(sst.resolve("dev.tsv"), "sentence\tlabel\nfine .\t1\nbroken .\t2\n");
    assertEquals(Main.FAILED, run("train", "--config", "papa-minilm-sst2", "--data-root", tmp.toString(),
        "--out", runDir.toString()));
    assertTrue(err().contains(sst.resolve("dev.tsv") + ":3: the label (column 2) must be 0 or 1, got '2'"), err());
    assertFalse(Files.exists(runDir), "nothing written");
  }

  @Test
  void downloadWithoutAChecksumIsAUsageError(@TempDir Path tmp) {
    assertEquals(Main.USAGE_ERROR, run("download", "enwik8", "--to", tmp.toString()));
    assertTrue(err().contains("--trust-first-download"), err());
    assertEquals(Main.USAGE_ERROR, run("download", "enwik9", "--to", tmp.toString()));
    assertTrue(err().contains("did you mean 'enwik8'?"), err());
    assertEquals(Main.USAGE_ERROR,
        run("download", "enwik8", "--to", tmp.toString(), "--sha256", "0".repeat(64), "--trust-first-download"));
  }
}
