package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.attentioncourse.data.LabelledText;
import org.attentioncourse.encoder.MiniLm;
import org.attentioncourse.encoder.TokenBatch;
import org.attentioncourse.train.TrainingTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pretrained encoder under PAPA: text to examples, hidden states, constant matrices against a float64 mean of
 * recorded maps (1e-5: float32 maps of padded and unpadded runs), replaced heads, gates fully open (bit for bit),
 * and gate gradients through the encoder's per-layer sub-managers against central differences.
 */
class EncoderProbedModelTest {

  private static NDManager owner;
  private static MiniLm encoder;

  /** One encoder for the class (loading reads 90 MB), in a manager that lives until the JVM exits. */
  private static synchronized MiniLm encoder() {
    if (encoder == null) {
      owner = NDManager.newBaseManager();
      encoder = MiniLm.load(owner);
    }
    return encoder;
  }

  /** Real sentences, the opening of Moby-Dick (public domain). */
  private static final List<String> TEXTS =
      List.of(
          "Call me Ishmael.",
          "It is a way I have of driving off the spleen, and regulating the circulation.",
          "This is my substitute for pistol and ball.",
          "There is nothing surprising in this.",
          "With a philosophical flourish Cato throws himself upon his sword; I quietly take to the ship.");

  @AfterEach
  void noEditsLeft() {
    for (int l = 0; l < encoder().layers(); l++) {
      assertNull(encoder().attention(l).edit(), "layer " + l + " kept an edit");
    }
  }

  private static List<ProbeExample> examples(EncoderProbedModel p, List<String> texts) {
    List<ProbeExample> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      out.add(p.example(texts.get(i), i % 2));
    }
    return out;
  }

  /** Token ids of a mix of ids (Integer) and word-piece lists (List of String), in order. */
  private static int[] ids(Object... parts) {
    List<Integer> out = new java.util.ArrayList<>();
    for (Object part : parts) {
      if (part instanceof Integer id) {
        out.add(id);
      } else {
        for (Object piece : (List<?>) part) {
          out.add(encoder().tokenizer().id((String) piece));
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void textBecomesClsSentenceSepTruncatedAndPadded() {
    EncoderProbedModel p = EncoderProbedModel.of(encoder(), 12);
    int cls = encoder().tokenizer().clsId();
    int sep = encoder().tokenizer().sepId();
    int pad = encoder().tokenizer().padId();
    assertEquals(List.of("[CLS]", "call", "me", "is", "##hma", "##el", ".", "[SEP]"), p.tokens("Call me Ishmael."));

    // the official layout (the default), token by token: the text from 0, its [SEP] at T − 1
    ProbeExample shortOne = p.example("Call me Ishmael.", 1);
    assertEquals(12, shortOne.size());
    assertEquals(1, shortOne.label());
    List<String> call = encoder().tokenizer().tokenize("Call me Ishmael."); // call me is ##hma ##el .
    // the official code treats a sentence like the first part of a pair: it is cut at T/2 = 6 (the "." is lost)
    assertArrayEquals(ids(cls, call.subList(0, 5), pad, pad, pad, pad, pad, sep), shortOne.tokens());
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1}, shortOne.mask());
    assertArrayEquals(new int[12], shortOne.segments());

    ProbeExample longOne = p.example(TEXTS.get(1), 0); // 17 word pieces: the tokenizer keeps 10, then [SEP]
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1}, longOne.mask(), "cut at T/2 = 6");
    assertEquals(cls, longOne.tokens()[0]);
    assertEquals(sep, longOne.tokens()[11], "truncation keeps the final [SEP]");
    assertEquals(12, p.tokens(TEXTS.get(1)).size());

    List<ProbeExample> split = p.examples(List.of(new LabelledText("Call me Ishmael.", 1, "chapter 1")));
    assertEquals(shortOne, split.get(0));

    // a GLUE pair in the official layout: [CLS] a from 0 (cut at T/2), [SEP] b from T/2, the last [SEP] at T − 1,
    // the token types where the tokenizer put them
    ProbeExample pair = p.glue(List.of(new GlueTsv.Row("1", "Call me Ishmael.", "Whales breathe.", 1))).get(0);
    List<String> whales = encoder().tokenizer().tokenize("Whales breathe.");
    assertEquals(3, whales.size(), whales.toString());
    assertArrayEquals(ids(cls, call.subList(0, 5), sep, whales, pad, sep), pair.tokens());
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1}, pair.mask());
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, pair.segments());

    // the compact layout, on request: each [SEP] right after its text
    EncoderProbedModel compact = p.withLayout(PairAlignment.Layout.COMPACT);
    assertEquals(PairAlignment.Layout.OFFICIAL, p.layout());
    ProbeExample c = compact.example("Call me Ishmael.", 1);
    assertArrayEquals(ids(cls, call, sep, pad, pad, pad, pad), c.tokens());
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, c.mask());
    ProbeExample cp = compact.glue(List.of(new GlueTsv.Row("1", "Call me Ishmael.", "Whales breathe.", 1))).get(0);
    assertEquals(sep, cp.tokens()[5]);
    assertEquals(encoder().tokenizer().id(whales.get(0)), cp.tokens()[6]);
    assertEquals(1, cp.segments()[6]);
    assertEquals(sep, cp.tokens()[11]);
    assertEquals(0, cp.mask()[10]);
    var e = assertThrows(IllegalArgumentException.class,
        () -> p.glue(List.of(new GlueTsv.Row("7", "No label here.", null, -1))));
    assertTrue(e.getMessage().contains("7"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EncoderProbedModel.of(encoder(), 3));
    assertThrows(IllegalArgumentException.class, () -> EncoderProbedModel.of(encoder(), 513));
  }

  @Test
  void hiddenStatesAreTheEncodersOwnAndLeaveNothingBehind() {
    // compact: the tokenizer's own layout, which the encoder's batch path uses too
    EncoderProbedModel p = EncoderProbedModel.of(encoder(), 24).withLayout(PairAlignment.Layout.COMPACT);
    assertEquals(6, p.layers());
    assertEquals(12, p.heads(0));
    assertEquals(72, p.totalHeads());
    assertEquals(384, p.width());
    assertEquals(24, p.maxLength());
    int live = TrainingTestSupport.countResources(owner);
    try (NDManager m = NDManager.newBaseManager()) {
      NDList in = ProbeExample.toNDList(examples(p, TEXTS), m); // int32 ids and segments, float mask
      NDList mine = p.hiddenStates(new ParameterStore(m, false), in.get(0), in.get(1), in.get(2), false);
      TokenBatch tb = encoder().tokenize(TEXTS, 24);
      NDList theirs = encoder().hiddenStates(m, tb);
      assertEquals(7, mine.size());
      for (int l = 0; l < 7; l++) {
        assertEquals(new Shape(TEXTS.size(), 24, 384), mine.get(l).getShape());
        assertArrayEquals(theirs.get(l).toFloatArray(), mine.get(l).toFloatArray(), 0f, "h" + l);
      }
    }
    assertEquals(live, TrainingTestSupport.countResources(owner), "arrays left in the encoder's manager");
  }

  /**
   * C[l, h, i, j] against a float64 mean of the maps {@link MiniLm#attentionMaps} records for each sentence alone
   * (no padding), over the sentences long enough to have both i and j.
   */
  @Test
  void constantMatricesEqualAFloat64MeanOfRecordedMaps() {
    int T = 24; // every sentence fits: the recorded maps are of the same tokens, at the same positions
    EncoderProbedModel p = EncoderProbedModel.of(encoder(), T).withLayout(PairAlignment.Layout.COMPACT);
    int live = TrainingTestSupport.countResources(owner);
    ConstantMatrices C = ConstantMatrices.compute(p, p.name(), examples(p, TEXTS), 2); // batches of 2 and 1
    assertEquals(live, TrainingTestSupport.countResources(owner), "arrays left in the encoder's manager");
    double[][][][][] maps = new double[TEXTS.size()][][][][];
    for (int n = 0; n < TEXTS.size(); n++) {
      assertTrue(p.tokens(TEXTS.get(n)).size() <= T);
      maps[n] = encoder().attentionMaps(TEXTS.get(n));
    }
    double worst = 0;
    for (int l = 0; l < 6; l++) {
      for (int h = 0; h < 12; h++) {
        double[][] c = C.matrix(l, h);
        for (int i = 0; i < T; i++) {
          for (int j = 0; j < T; j++) {
            double sum = 0;
            int count = 0;
            for (double[][][][] map : maps) {
              int len = map[l][h].length;
              if (i < len && j < len) {
                sum += map[l][h][i][j];
                count++;
              }
            }
            double expected = count == 0 ? 0 : sum / count;
            assertEquals(count, C.count(i, j), "count at " + i + ", " + j);
            worst = Math.max(worst, Math.abs(expected - c[i][j]));
          }
        }
      }
    }
    assertTrue(worst < 1e-5, "max |C − float64 mean| = " + worst);
    assertTrue(C.matrix(0, 0)[0][0] > 0, "a real cell is not empty");
  }

  /** With every head constant the weights stop depending on the words: same length, same maps, bit for bit. */
  @Test
  void replacingEveryHeadMakesTheWeightsIndependentOfContentGivenLength() {
    EncoderProbedModel p = EncoderProbedModel.of(encoder(), 24);
    ConstantMatrices C = ConstantMatrices.compute(p, p.name(), examples(p, TEXTS), 8);
    String a = "The whale surfaced near the ship.";
    String b = "My purse held little or nothing.";
    String c = "Call me Ishmael.";
    int n = p.tokens(a).size();
    assertEquals(n, p.tokens(b).size(), "the two sentences must have the same number of tokens");
    assertFalse(java.util.Arrays.deepEquals(encoder().attentionMaps(a), encoder().attentionMaps(b)));
    try (ConstantAttention.Installed r = ConstantAttention.replace(p, C, HeadOrder.random(p, 3).heads())) {
      double[][][][] ma = encoder().attentionMaps(a);
      double[][][][] mb = encoder().attentionMaps(b);
      double[][][][] mc = encoder().attentionMaps(c);
      for (int l = 0; l < 6; l++) {
        for (int h = 0; h < 12; h++) {
          double[][] full = C.matrix(l, h);
          for (int i = 0; i < n; i++) {
            assertArrayEquals(ma[l][h][i], mb[l][h][i], 0.0, "L" + l + "H" + h + " row " + i);
            double rowSum = 0;
            for (int j = 0; j < n; j++) {
              rowSum += full[i][j];
            }
            for (int j = 0; j < n; j++) { // rownorm(C restricted to the n real tokens)
              assertEquals(full[i][j] / rowSum, ma[l][h][i][j], 1e-6, "L" + l + "H" + h + " (" + i + ", " + j + ")");
            }
          }
        }
      }
      assertFalse(java.util.Arrays.deepEquals(ma, mc), "another length renormalises other rows");
    }
  }

  /** σ(+∞) = 1 in float32, so A' = 1·A + 0·C̃ = A: every hidden state as without gates, bit for bit. */
  @Test
  void gatesFullyOpenReproduceTheEncoderExactly() {
    EncoderProbedModel p = EncoderProbedModel.of(encoder(), 20);
    List<ProbeExample> data = examples(p, TEXTS);
    ConstantMatrices C = ConstantMatrices.compute(p, p.name(), data, 8);
    try (NDManager m = NDManager.newBaseManager()) {
      NDList in = ProbeExample.toNDList(data, m);
      ParameterStore ps = new ParameterStore(m, false);
      List<float[]> original = states(p, ps, in);
      HeadGates gates = HeadGates.create(p, m);
      try (ConstantAttention.Installed g = gates.install(p, C)) {
        assertFalse(java.util.Arrays.equals(original.get(6), states(p, ps, in).get(6)), "λ = 0 blends");
        gates.setAll(Double.POSITIVE_INFINITY);
        List<float[]> open = states(p, ps, in);
        for (int l = 0; l < 7; l++) {
          assertArrayEquals(original.get(l), open.get(l), 0f, "h" + l + " with every gate fully open");
        }
        gates.setAll(Double.NEGATIVE_INFINITY);
        List<float[]> closed = states(p, ps, in);
        try (ConstantAttention.Installed r = ConstantAttention.replace(p, C, HeadOrder.random(p, 1).heads())) {
          assertArrayEquals(states(p, ps, in).get(6), closed.get(6), 0f, "λ = −∞ is every head replaced");
        }
      }
    }
  }

  private static List<float[]> states(EncoderProbedModel p, ParameterStore ps, NDList in) {
    List<float[]> out = new ArrayList<>();
    for (NDArray h : p.hiddenStates(ps, in.get(0), in.get(1), in.get(2), false)) {
      out.add(h.toFloatArray());
    }
    return out;
  }

  /**
   * The encoder closes each layer's sub-manager before the backward pass. The gradient of λ must still be right:
   * L(λ) = Σ R ⊙ h₆ with gates installed, autograd (after forcing the collector to free and reuse memory between
   * the forward and backward passes) against central differences (L(λ + ε) − L(λ − ε)) / 2ε, ε = 0.01, float32.
   */
  @Test
  void gateGradientsThroughTheEncodersScopedLayersMatchCentralDifferences() throws InterruptedException {
    EncoderProbedModel p = EncoderProbedModel.of(encoder(), 12);
    List<ProbeExample> data = examples(p, TEXTS.subList(0, 3));
    ConstantMatrices C = ConstantMatrices.compute(p, p.name(), examples(p, TEXTS), 8);
    SplittableRandom rng = new SplittableRandom(5);
    float[] r = new float[3 * 12 * 384];
    for (int k = 0; k < r.length; k++) {
      r[k] = (float) rng.nextGaussian();
    }
    double[][] lambda = new double[6][12];
    for (double[] row : lambda) {
      for (int h = 0; h < 12; h++) {
        row[h] = rng.nextDouble(-1.5, 1.5);
      }
    }
    int live = TrainingTestSupport.countResources(owner);
    try (NDManager gm = NDManager.newBaseManager()) {
      HeadGates gates = HeadGates.create(p, gm);
      gates.set(lambda);
      try (ConstantAttention.Installed g = gates.install(p, C)) {
        double[] grad;
        try (NDManager m = NDManager.newBaseManager()) {
          NDList in = ProbeExample.toNDList(data, m);
          NDArray R = m.create(r, new Shape(3, 12, 384));
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList h = p.hiddenStates(new ParameterStore(m, false), in.get(0), in.get(1), in.get(2), false);
            NDArray loss = h.get(6).mul(R).sum();
            churnMemory(); // what the layers' closed sub-managers held may now be freed and overwritten
            gc.backward(loss);
          }
          grad = gates.lambda().getArray().getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        }
        double eps = 0.01;
        int[][] heads = {{0, 0}, {0, 7}, {2, 5}, {3, 11}, {5, 2}};
        for (int[] lh : heads) {
          double[][] plus = copy(lambda);
          double[][] minus = copy(lambda);
          plus[lh[0]][lh[1]] += eps;
          minus[lh[0]][lh[1]] -= eps;
          gates.set(plus);
          double lp = loss(p, data, r);
          gates.set(minus);
          double lm = loss(p, data, r);
          double fd = (lp - lm) / (2 * eps);
          double ad = grad[lh[0] * 12 + lh[1]];
          assertTrue(Double.isFinite(ad), "gradient of L" + lh[0] + "H" + lh[1] + " is " + ad);
          assertEquals(fd, ad, 0.02 * Math.abs(fd) + 5e-3,
              "∂L/∂λ at L" + lh[0] + "H" + lh[1] + ": autograd " + ad + ", central difference " + fd);
        }
        double norm = 0;
        for (double v : grad) {
          norm += v * v;
        }
        assertTrue(norm > 1e-2, "the gradient is not trivially zero: |g|² = " + norm);
      }
    }
    assertEquals(live, TrainingTestSupport.countResources(owner), "arrays left in the encoder's manager");
  }

  private static double loss(EncoderProbedModel p, List<ProbeExample> data, float[] r) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList in = ProbeExample.toNDList(data, m);
      NDList h = p.hiddenStates(new ParameterStore(m, false), in.get(0), in.get(1), in.get(2), false);
      float[] x = h.get(6).toFloatArray();
      double s = 0;
      for (int k = 0; k < x.length; k++) {
        s += (double) x[k] * r[k];
      }
      return s;
    }
  }

  private static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  /** Runs the collector (direct buffers are freed by their cleaners) and fills fresh native memory with NaN bits. */
  private static void churnMemory() throws InterruptedException {
    for (int k = 0; k < 3; k++) {
      System.gc();
      Thread.sleep(20);
    }
    List<ByteBuffer> junk = new ArrayList<>();
    for (int k = 0; k < 64; k++) {
      ByteBuffer b = ByteBuffer.allocateDirect(1 << 16);
      while (b.hasRemaining()) {
        b.put((byte) 0xFF); // 0xFFFFFFFF is a NaN as a float
      }
      junk.add(b);
    }
    assertEquals(64, junk.size());
  }

  /** Training gates with the pooled probe on the encoder moves λ, keeps the encoder frozen and leaves no arrays. */
  @Test
  void trainingGatesOnTheEncoderMovesLambdaOnly() {
    EncoderProbedModel p = EncoderProbedModel.of(encoder(), 12);
    List<ProbeExample> train = examples(p, TEXTS);
    ConstantMatrices C = ConstantMatrices.compute(p, p.name(), train, 8);
    float[] someWeights = encoder().attention(3).getParameters().get(0).getValue().getArray().toFloatArray();
    int live = TrainingTestSupport.countResources(owner);
    GateRanking ranking = GateRanking.train(p, C, Probe.pooled(8), train,
        ProbeConfig.defaults().steps(3).batchSize(4).learningRate(0.05));
    assertEquals(live, TrainingTestSupport.countResources(owner), "arrays left in the encoder's manager");
    assertArrayEquals(someWeights,
        encoder().attention(3).getParameters().get(0).getValue().getArray().toFloatArray(), 0f);
    boolean moved = false;
    for (double[] row : ranking.lambda()) {
      for (double v : row) {
        assertTrue(Double.isFinite(v));
        moved |= v != 0;
      }
    }
    assertTrue(moved, "the gates did not move");
    assertEquals(72, ranking.order().size());
    encoder().getParameters().forEach(q -> assertFalse(q.getValue().requiresGradient(), q.getKey() + " unfrozen"));
  }
  /** The path the notebook takes at default scale: a sweep on the encoder scored by PAPA's pooled probe. */
  @Test
  void aSweepOnTheEncoderWithThePooledProbe() {
    EncoderProbedModel p = EncoderProbedModel.of(encoder(), 12);
    List<ProbeExample> train = examples(p, TEXTS);
    ConstantMatrices C = ConstantMatrices.compute(p, p.name(), train, 8);
    int live = TrainingTestSupport.countResources(owner);
    tech.tablesaw.api.Table t = PapaSweep.builder().model(p).constants(C).order(HeadOrder.random(p, 2))
        .scorer("pooled", Scorer.probe(Probe.pooled(8), train, train,
            ProbeConfig.defaults().steps(2).batchSize(4).classes(2)))
        .fractions(0, 1).verbose(false).build().run();
    assertEquals(2, t.rowCount());
    assertArrayEquals(new int[] {0, 72}, t.intColumn("heads replaced").asIntArray());
    for (double v : t.doubleColumn("accuracy").asDoubleArray()) {
      assertTrue(v >= 0 && v <= 1, "accuracy " + v);
    }
    assertEquals(live, TrainingTestSupport.countResources(owner), "arrays left in the encoder's manager");
  }
}
