package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.attentioncourse.data.CharLanguageModel.Region;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-level language modelling on mapped files: regions, vocabulary, shifted targets. */
class ByteLanguageModelTest {

  static byte[] corpus() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      s.append("line ").append(i).append(": the whale — a café\n"); // multi-byte UTF-8 too
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void regionsSplitTheBytesAndWindowsStayInside(@TempDir Path tmp) throws Exception {
    byte[] bytes = corpus();
    Path f = tmp.resolve("c.txt");
    Files.write(f, bytes);
    ByteLanguageModel lm = ByteLanguageModel.ofFile(f, 16, 0.9, 0.05);
    int n = bytes.length;
    assertEquals((int) Math.floor(n * 0.9), lm.regionSize(Region.TRAIN));
    assertEquals(n, lm.regionSize(Region.TRAIN) + lm.regionSize(Region.VALIDATION) + lm.regionSize(Region.TEST));
    // the same model from bytes in memory gives the same windows
    ByteLanguageModel mem = ByteLanguageModel.ofBytes(bytes, 16, 0.9, 0.05);
    assertEquals(lm.vocabSize(), mem.vocabSize());
    for (Region r : Region.values()) {
      List<Example> a = lm.windows(r, 20, 7);
      List<Example> b = mem.windows(r, 20, 7);
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i).tokens(), b.get(i).tokens());
        // targets are the tokens shifted by one position
        assertArrayEquals(java.util.Arrays.copyOfRange(a.get(i).tokens(), 1, 16),
            java.util.Arrays.copyOfRange(a.get(i).targets(), 0, 15));
      }
    }
    Example first = lm.windowAt(Region.TRAIN, 0);
    assertEquals("line␣0:␣the␣whal", String.join("", java.util.Arrays.stream(first.tokens()).mapToObj(lm::tokenName).toList()));
    assertEquals(ByteLanguageModel.MAX_VOCAB, 260);
    assertTrue(lm.vocabSize() < ByteLanguageModel.MAX_VOCAB);
    assertTrue(lm.tokenName(lm.windowAt(Region.TRAIN, "line 0: the whale — ".indexOf('—')).tokens()[0]).startsWith("0x"));
    var e = assertThrows(IllegalArgumentException.class, () -> lm.windowAt(Region.TEST, (int) lm.regionSize(Region.TEST)));
    assertTrue(e.getMessage().contains("test region"), e.getMessage());
  }

  @Test
  void bytesSeenOnlyOutsideTrainingAreUnknown(@TempDir Path tmp) throws Exception {
    Path train = tmp.resolve("train");
    Path valid = tmp.resolve("valid");
    Path test = tmp.resolve("test");
    Files.writeString(train, "aaaaabbbbbaaaaabbbbbaaaaa");
    Files.writeString(valid, "abababababababababab");
    Files.writeString(test, "abczabczabczabczabcz");
    ByteLanguageModel lm = ByteLanguageModel.ofFiles(train, valid, test, 8);
    assertEquals(2, lm.symbols());
    Example w = lm.windowAt(Region.TEST, 0);
    assertEquals(ByteLanguageModel.UNK, w.tokens()[2], "'c' never occurs in training");
    assertEquals(1.0, lm.unigramBits(), 0.03);
    assertTrue(lm.window(Region.VALIDATION, new SplittableRandom(1)).tokens().length == 8);
    var e = assertThrows(IllegalArgumentException.class, () -> ByteLanguageModel.ofFiles(train, valid, tmp.resolve("no"), 8));
    assertTrue(e.getMessage().contains("no file at"), e.getMessage());
  }
}
