package org.attentioncourse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Config files: every built-in one is valid; unknown keys and bad values fail naming file, line, key, allowed. */
class ConfigTest {

  static final String GOOD = """
      [model]
      mechanism = aft-local
      window = 32
      layers = 2
      width = 64
      heads = 1

      [task]
      type = bytes-lm
      dataset = enwik8
      length = 256

      [training]
      steps = 100
      """;

  static ConfigException error(String text) {
    return assertThrows(ConfigException.class, () -> ExperimentConfig.parse("my.ini", text));
  }

  static String with(String section, String line) {
    return GOOD.replace("[" + section + "]\n", "[" + section + "]\n" + line + "\n");
  }

  @Test
  void aGoodConfigGetsItsValuesAndDefaults() {
    ExperimentConfig c = ExperimentConfig.parse("my.ini", GOOD);
    assertEquals("aft-local", c.model().mechanism());
    assertEquals(32, c.model().options().get("window"));
    assertEquals(0, c.model().options().get("factor_dim"), "default: a full bias matrix");
    assertEquals(256, c.model().ffn(), "default 4 × width");
    assertEquals(256, c.model().maxLength(), "the task's length");
    assertEquals("data/enwik8", c.task().string("data_dir"));
    assertEquals(100, c.training().steps());
    assertEquals(32, c.training().batch());
    assertEquals("auto", c.training().device());
    assertNull(c.papa());
    assertEquals("5.0E-4", ExperimentConfig.parse("x.ini", GOOD.replace("steps = 100", "steps = 100\nlr = 5e-4"))
        .effective().get("training.lr"));
  }

  @Test
  void anUnknownKeyNamesFileLineSectionKeyAndTheAllowedKeys() {
    ConfigException e = error(GOOD.replace("window = 32", "windw = 32"));
    assertEquals("my.ini", e.source());
    assertEquals(3, e.line());
    assertEquals("model", e.section());
    assertEquals("windw", e.key());
    String m = e.getMessage();
    assertTrue(m.startsWith("my.ini:3: [model] windw: unknown key for mechanism aft-local"), m);
    assertTrue(m.contains("(did you mean 'window'?)"), m);
    assertTrue(m.contains("allowed keys: mechanism, layers, width, heads, ffn, max_length, window, factor_dim"), m);

    ConfigException other = error(GOOD.replace("mechanism = aft-local", "mechanism = softmax").replace("heads = 1", "heads = 2"));
    assertTrue(other.getMessage().contains("'window' is an option of aft-local, not of mechanism softmax"),
        other.getMessage());

    ConfigException training = error(GOOD + "epochs = 3\n");
    assertTrue(training.getMessage().startsWith("my.ini:15: [training] epochs: unknown key"), training.getMessage());
    assertTrue(training.getMessage().contains("steps, batch, lr"), training.getMessage());

    ConfigException task = error(with("task", "n = 8"));
    assertTrue(task.getMessage().contains("[task] n: unknown key for type bytes-lm"), task.getMessage());
  }

  @Test
  void badValuesNameTheKeyAndWhatIsAllowed() {
    assertEquals("my.ini:4: [model] layers: 'twelve' is not a whole number; allowed: a whole number from 1 to 1000",
        error(GOOD.replace("layers = 2", "layers = twelve")).getMessage());
    assertEquals("my.ini:4: [model] layers: 0 is out of range; allowed: a whole number from 1 to 1000",
        error(GOOD.replace("layers = 2", "layers = 0")).getMessage());
    String mech = error(GOOD.replace("aft-local", "aft-locl")).getMessage();
    assertTrue(mech.startsWith("my.ini:2: [model] mechanism: 'aft-locl' is not allowed (did you mean 'aft-local'?);"
        + " allowed values: softmax, synthesizer-dense"), mech);
    String type = error(GOOD.replace("type = bytes-lm", "type = chars")).getMessage();
    assertTrue(type.contains("[task] type: 'chars' is not allowed") && type.contains("chars-lm, bytes-lm, glue"), type);
    String device = error(GOOD + "device = tpu\n").getMessage();
    assertEquals("my.ini:15: [training] device: 'tpu' is not one of: auto, cpu, gpu, gpu:N, all-gpus", device);
    String lr = error(GOOD + "lr = fast\n").getMessage();
    assertTrue(lr.contains("[training] lr: 'fast' is not a number"), lr);
    String bool = error("""
        [model]
        mechanism = softmax
        [task]
        type = chars-lm
        text = a.txt
        lower_case = yes
        [training]
        steps = 1
        """).getMessage();
    assertEquals("my.ini:6: [task] lower_case: 'yes' is not allowed; allowed values: true, false", bool);
    String heads = error(GOOD.replace("aft-local", "softmax").replace("window = 32\n", "").replace("heads = 1", "heads = 3"))
        .getMessage();
    assertTrue(heads.contains("3 heads do not divide width 64"), heads);
    String length = error(with("model", "max_length = 512")).getMessage();
    assertTrue(length.contains("[model] max_length: 512 differs from the task's length 256"), length);
    String task = error(GOOD.replace("""
        type = bytes-lm
        dataset = enwik8
        length = 256""", """
        type = lookup
        n = 99""")).getMessage();
    assertTrue(task.contains("[task] n: 99 is out of range; allowed: a whole number from 2 to 64"), task);
  }

  @Test
  void syntaxErrorsAndMissingSettingsAreReported() {
    assertEquals("my.ini:1: [model] mechanism: required: one of softmax, synthesizer-dense, synthesizer-random,"
            + " synthesizer-fixed-random, synthesizer-factorized-random, synthesizer-factorized-dense,"
            + " synthesizer-random-plus-vanilla, synthesizer-dense-plus-vanilla, synthesizer-random-plus-dense,"
            + " aft-full, aft-simple, aft-local, aft-conv, cosformer, relu-linear",
        error(GOOD.replace("mechanism = aft-local\n", "")).getMessage());
    assertTrue(error(GOOD.replace("steps = 100\n", "")).getMessage().startsWith("my.ini:13: [training] steps: required"));
    assertTrue(error(GOOD.replace("[training]\nsteps = 100\n", "")).getMessage()
        .contains("[training]: section missing"));
    assertTrue(error(GOOD + "[optimiser]\nbeta1 = 0.9\n").getMessage()
        .startsWith("my.ini:15: [optimiser]: unknown section; allowed sections: model, task, training, papa"));
    assertTrue(error("steps = 3\n" + GOOD).getMessage().startsWith("my.ini:1: steps: 'steps' comes before any section"));
    assertTrue(error(GOOD.replace("layers = 2", "layers = 2\nlayers = 3")).getMessage()
        .startsWith("my.ini:5: [model] layers: given twice (also on line 4)"));
    assertTrue(error(GOOD + "[model]\n").getMessage().contains("section given twice (first on line 1)"));
    assertTrue(error(GOOD.replace("width = 64", "width 64")).getMessage()
        .startsWith("my.ini:5: [model]: 'width 64' is not 'key = value'"));
    assertTrue(error(GOOD.replace("width = 64", "width =")).getMessage().startsWith("my.ini:5: [model] width: has no value"));
    assertTrue(error(GOOD + "[papa]\nstatic_fractions = 0.5\n").getMessage()
        .contains("PAPA settings apply to [task] type = glue only"));
  }

  @Test
  void aPapaConfigTakesACapOnTrainingRowsAndRefusesTrainingKeysItWouldIgnore() {
    String sst = Main.builtIn("papa-minilm-sst2");
    ExperimentConfig all = ExperimentConfig.parse("p.ini", sst);
    assertEquals(ExperimentConfig.ALL_EXAMPLES, all.task().integer("train_examples"));
    assertEquals("all", all.effective().get("task.train_examples"));
    assertFalse(all.effective().containsKey("training.steps"), "check does not show settings PAPA ignores");
    ExperimentConfig capped = ExperimentConfig.parse("p.ini", sst.replace("\n[papa]\n", "\ntrain_examples = 2000\n[papa]\n"));
    assertEquals(2000, capped.task().integer("train_examples"));
    assertTrue(error(sst.replace("\n[papa]\n", "\ntrain_examples = 0\n[papa]\n")).getMessage()
        .contains("[task] train_examples: 0 is out of range"));
    for (String key : List.of("steps = 100", "lr = 1e-3", "checkpoint_every = 10", "eval_every = 10")) {
      String m = error(sst.replace("batch = 32", "batch = 32\n" + key)).getMessage();
      assertTrue(m.contains("[training] " + key.split(" ")[0] + ": unknown key for a PAPA (glue) config")
          && m.contains("allowed keys: batch, seed, log_every, device"), m);
    }
  }

  @Test
  void commentsAndSpacingAreAllowed() {
    ExperimentConfig c = ExperimentConfig.parse("c.ini", """
        # a comment
        ; another
        [ model ]
        mechanism = cosformer   # trailing comment
        chunk = 64
        [task]
        type = chars-lm
        text = books/a#b.txt
        [training]
        steps = 1_000
        """);
    assertEquals(64, c.model().options().get("chunk"));
    assertEquals("books/a#b.txt", c.task().string("text"), "a '#' inside a word is not a comment");
    assertEquals(1000, c.training().steps());
  }

  @Test
  void theFingerprintIgnoresWhatMayChangeOnResume() {
    ExperimentConfig a = ExperimentConfig.parse("a.ini", GOOD);
    ExperimentConfig b = ExperimentConfig.parse("b.ini", GOOD.replace("steps = 100", "steps = 500\ndevice = cpu\n"
        + "eval_every = 7\ncheckpoint_every = 3\nlog_every = 1\nkeep_checkpoints = 9")
        .replace("length = 256", "length = 256\ndata_dir = /elsewhere/enwik8"));
    assertEquals(a.fingerprintText(), b.fingerprintText());
    ExperimentConfig c = ExperimentConfig.parse("c.ini", GOOD.replace("steps = 100", "steps = 100\nlr = 0.01"));
    assertFalse(a.fingerprintText().equals(c.fingerprintText()));
    assertTrue(a.fingerprintText().contains("model.window=32\n"), a.fingerprintText());
  }

  @Test
  void everyBuiltInConfigIsValidAndListed() throws IOException, URISyntaxException {
    Path dir = Path.of(Main.class.getResource("/configs/INDEX").toURI()).getParent();
    List<String> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ini"))
          .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
    }
    assertEquals(files, Main.builtInNames().stream().sorted().toList(), "INDEX lists exactly the .ini files");
    for (String name : Main.builtInNames()) {
      ExperimentConfig c = ExperimentConfig.parse(name + ".ini", Main.builtIn(name));
      assertTrue(Main.builtIn(name).startsWith("# "), name + " starts with a comment saying what it is");
      if (name.endsWith("-enwik8")) {
        assertEquals(1024, c.model().maxLength(), name);
        assertEquals(128, c.training().batch(), name);
        assertEquals("enwik8", c.task().string("dataset"), name);
      }
    }
    // the headline setups at the papers' sizes (papers.md §2: AFT Table 4)
    ExperimentConfig aft = ExperimentConfig.parse("a.ini", Main.builtIn("aft-local-enwik8"));
    assertEquals(List.of(24, 256, 32, 256), List.of(aft.model().layers(), aft.model().width(),
        aft.model().options().get("window"), aft.model().options().get("factor_dim")));
    ExperimentConfig dense = ExperimentConfig.parse("d.ini", Main.builtIn("synthesizer-dense-enwik8"));
    assertEquals(List.of(12, 512, 8), List.of(dense.model().layers(), dense.model().width(), dense.model().heads()));
    ExperimentConfig papa = ExperimentConfig.parse("p.ini", Main.builtIn("papa-minilm-sst2"));
    assertEquals(List.of(0.0, 0.5, 0.875, 0.9375, 1.0), papa.papa().staticFractions());
  }
}
