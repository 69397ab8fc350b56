package org.attentioncourse.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PAPA configs from the command line, end to end on the real encoder and small GLUE folders: a sweep stopped
 * after its first point, resumed, and resumed again with nothing left to do; the dry run on sentence pairs.
 * Every test loads all-MiniLM-L6-v2 once per command (a few seconds each), so the runs are tiny: T = 16, 32
 * training sentences, fractions {0, 1}.
 */
class PapaCliTest {

  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  /** Runs a command; {@code stop} is set as soon as the output contains {@code stopAt} (null: never). */
  int run(String stopAt, String... args) {
    stdout.reset();
    stderr.reset();
    AtomicBoolean stop = new AtomicBoolean();
    OutputStream watching = new OutputStream() {
      @Override
      public void write(int b) {
        stdout.write(b);
        check();
      }

      @Override
      public void write(byte[] b, int off, int len) {
        stdout.write(b, off, len);
        check();
      }

      private void check() {
        if (stopAt != null && out().contains(stopAt)) {
          stop.set(true);
        }
      }
    };
    return new Main(new PrintStream(watching, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8), stop).run(args);
  }

  String out() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return stderr.toString(StandardCharsets.UTF_8);
  }

  /** The built-in config at a tiny size; every replacement must hit, or the test would run the full config. */
  static String tiny(String builtIn) {
    String s = Main.builtIn(builtIn);
    s = replace(s, "^max_length = 64", "max_length = 16");
    s = replace(s, "^static_fractions = .*$", "static_fractions = 0, 1");
    s = replace(s, "^gate_epochs = 15", "gate_epochs = 1");
    s = replace(s, "^probe_epochs = 10", "probe_epochs = 2");
    s = replace(s, "^# train_examples = 2000 .*$", "train_examples = 32");
    s = replace(s, "^batch = 32", "batch = 8\nlog_every = 2");
    s = replace(s, "^device = auto", "device = cpu");
    return s;
  }

  private static String replace(String text, String regex, String with) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), "the built-in config has no line matching " + regex);
    return m.replaceAll(Matcher.quoteReplacement(with));
  }

  static List<String> rows(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    return lines.subList(1, lines.size());
  }

  @Test
  void aPapaSweepStopsAfterAPointAndResumesWithoutRedoingAnything(@TempDir Path tmp) throws Exception {
    GlueFixtures.sst2(tmp.resolve("data/glue"));
    Path config = tmp.resolve("tiny-sst2.ini");
    Files.writeString(config, tiny("papa-minilm-sst2"));
    Path runDir = tmp.resolve("run");
    String[] train = {"train", "--config", config.toString(), "--out", runDir.toString(), "--data-root",
        tmp.toString(), "--threads", "1"};
    Path csv = runDir.resolve("sweep.csv");

    // 1. stopped (as by Ctrl-C) once the first point is done
    assertEquals(Main.STOPPED, run("point 1/2", train), err());
    String o = out();
    assertTrue(o.contains("32 of 40 training rows (train_examples = 32"), o);
    assertTrue(o.contains("16 dev rows"), o);
    assertTrue(o.contains("gates ceil(1 epochs × 32 examples / batch 8) = 4; probe ceil(2 × 32 / 8) = 8"), o);
    assertTrue(o.contains("Constant matrices computed and saved to"), o);
    assertTrue(o.contains("gates step 2/4 | loss") && o.contains("probe step 8/8 | loss"), o);
    assertTrue(o.contains("Stopped: PAPA sweep stopped before point 2 of 2") && o.contains("--resume"), o);
    assertEquals(1, rows(csv).size(), "the finished point is kept");
    assertEquals(Files.readString(config), Files.readString(runDir.resolve("config.ini")));
    assertTrue(Files.exists(runDir.resolve("train.constants")) && Files.exists(runDir.resolve("gates.csv")));

    // 2. starting over the run is refused; --resume reads everything back and scores the one point left
    assertEquals(Main.FAILED, run(null, train));
    assertTrue(err().contains("already holds a PAPA run") && err().contains("--resume"), err());
    String[] resume = java.util.Arrays.copyOf(train, train.length + 1);
    resume[train.length] = "--resume";
    assertEquals(Main.OK, run(null, resume), err());
    o = out();
    assertTrue(o.contains("Resuming the PAPA run in " + runDir), o);
    assertTrue(o.contains("Constant matrices read back from") && o.contains("Gates read back from"), o);
    assertFalse(o.contains("gates step"), "the gates are not trained again:\n" + o);
    assertTrue(o.contains("1 to score (1 read back from " + csv + ")"), o);
    assertTrue(o.contains("point 1/1: 72 of 72 heads constant"), o);
    assertTrue(o.contains("Done: 2 points (accuracy)"), o);
    List<String> done = rows(csv);
    assertEquals(2, done.size(), String.join("\n", done));
    for (String row : done) {
      String[] v = row.split(",");
      assertEquals("ACCURACY", v[3], row);
      double score = Double.parseDouble(v[7]);
      assertTrue(Double.isFinite(score) && score >= 0 && score <= 1, row);
    }
    assertEquals(List.of("0", "72"), done.stream().map(r -> r.split(",")[4]).toList());

    // 3. resumed again: nothing is trained, the file is untouched
    byte[] before = Files.readAllBytes(csv);
    assertEquals(Main.OK, run(null, resume), err());
    o = out();
    assertTrue(o.contains("0 to score (2 read back from " + csv + ")"), o);
    assertFalse(o.contains("gates step") || o.contains("probe step"), "nothing trained:\n" + o);
    assertArrayEquals(before, Files.readAllBytes(csv));

    // 4. resuming with other settings is refused and names them; more fractions are fine
    Files.writeString(config, tiny("papa-minilm-sst2").replace("probe_epochs = 2", "probe_epochs = 3"));
    assertEquals(Main.FAILED, run(null, resume));
    assertTrue(err().contains("papa.probe_epochs: 2 then, 3 now"), err());
  }

  @Test
  void aPapaDryRunTimesOneBatchOfSentencePairsAndEstimatesTheRun(@TempDir Path tmp) throws Exception {
    GlueFixtures.mrpc(tmp.resolve("data/glue"));
    Path config = tmp.resolve("tiny-mrpc.ini");
    Files.writeString(config, tiny("papa-minilm-mrpc").replace("train_examples = 32\n", ""));
    assertEquals(Main.OK, run(null, "dry-run", "--config", config.toString(), "--data-root", tmp.toString(),
        "--steps", "2", "--threads", "1"), err());
    String o = out();
    for (String expected : new String[] {"6 layers × 12 heads = 72 heads, width 384, T = 16 tokens",
        "static fractions [0.0, 1.0] → [0, 72] of 72 heads constant (2 points), scored by accuracy",
        "all 12 training rows from", "6 dev rows",
        "gates ceil(1 × 12 / 8) = 2; probe ceil(2 × 12 / 8) = 3 per point × 2 points",
        "measured  on cpu() at batch 8, T = 16", "forward", "gate step", "probe step",
        "constant matrices 2 batches ≈", "sweep 2 points × (3 probe steps + 1 dev batches)", "total ≈",
        "dry run took"}) {
      assertTrue(o.contains(expected), expected + " in:\n" + o);
    }
    assertEquals(List.of("data", "tiny-mrpc.ini"),
        Files.list(tmp).map(p -> p.getFileName().toString()).sorted().toList(), "a dry run writes nothing");
    assertEquals(Main.USAGE_ERROR, run(null, "dry-run", "--config", config.toString(), "--layers", "2"));
    assertTrue(err().contains("--layers applies to course models"), err());
  }
}
