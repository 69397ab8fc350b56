package org.attentioncourse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The port against independent implementations of the same model, on real sentences:
 *
 * <ul>
 *   <li>sentence embeddings against langchain4j's AllMiniLmL6V2EmbeddingModel (ONNX Runtime, Hugging Face's Rust
 *       tokenizer; it returns the L2-normalised mean over all tokens of one unpadded sequence, [CLS] and [SEP]
 *       included, which is sentence-transformers' masked mean): cosine ≥ 0.9999 for every sentence;
 *   <li>last_hidden_state against an ONNX Runtime session on the same .onnx fed the same ids, padded batch
 *       included: max |difference| ≤ 1e-4 (float32, different kernels);
 *   <li>token ids, segment ids and tokens against the Hugging Face tokenizer built from the same
 *       tokenizer.json: equal.
 * </ul>
 */
class MiniLmGoldenTest {

  private static OrtEnvironment env;
  private static OrtSession session;
  private static HuggingFaceTokenizer hf;

  @BeforeAll
  static void references() throws Exception {
    env = OrtEnvironment.getEnvironment();
    byte[] onnx;
    try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(MiniLm.MODEL_RESOURCE)) {
      onnx = in.readAllBytes();
    }
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    session = env.createSession(onnx, options);
    hf = reference(Map.of());
  }

  /** The Hugging Face tokenizer of the same json, without padding; truncation as the options say. */
  static HuggingFaceTokenizer reference(Map<String, String> extra) throws IOException {
    Map<String, String> options = new java.util.HashMap<>(Map.of("padding", "false"));
    options.putAll(extra);
    try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(MiniLm.TOKENIZER_RESOURCE)) {
      return HuggingFaceTokenizer.newInstance(in, options);
    }
  }

  @AfterAll
  static void close() throws OrtException {
    session.close();
    hf.close();
  }

  @Test
  void sentenceEmbeddingsMatchLangchain4j() {
    MiniLm model = MiniLmFixture.model();
    AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
    List<String> texts = MiniLmFixture.SENTENCES;
    float[][] ours = model.embed(texts);
    double minCosine = 1;
    for (int i = 0; i < texts.size(); i++) {
      float[] theirs = reference.embed(texts.get(i)).content().vector();
      assertEquals(model.width(), theirs.length);
      assertEquals(1.0, norm(theirs), 1e-5, "langchain4j returns unit vectors");
      assertEquals(1.0, norm(ours[i]), 1e-5, "ours are unit vectors");
      double c = dot(ours[i], theirs);
      minCosine = Math.min(minCosine, c);
      assertTrue(c >= 0.9999, "cosine " + c + " for: " + texts.get(i));
    }
    System.out.printf("MiniLM golden: min cosine to langchain4j over %d sentences = %.8f%n", texts.size(), minCosine);
  }

  @Test
  void lastHiddenStateMatchesOnnxRuntimeOnAPaddedBatch() throws OrtException {
    MiniLm model = MiniLmFixture.model();
    List<String> texts = MiniLmFixture.SENTENCES;
    TokenBatch batch = model.tokenize(texts, 0); // padded to the longest
    float[] ours;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray h = model.lastHiddenState(m, batch); // (B, T, D)
      ours = h.toFloatArray();
    }
    long[][] ids = batch.ids();
    float[][] mask = batch.mask();
    long[][] maskLong = new long[ids.length][ids[0].length];
    long[][] types = new long[ids.length][ids[0].length];
    for (int b = 0; b < ids.length; b++) {
      for (int t = 0; t < ids[b].length; t++) {
        maskLong[b][t] = (long) mask[b][t];
      }
    }
    float[][][] theirs;
    try (OnnxTensor i = OnnxTensor.createTensor(env, ids);
        OnnxTensor am = OnnxTensor.createTensor(env, maskLong);
        OnnxTensor tt = OnnxTensor.createTensor(env, types);
        OrtSession.Result r =
            session.run(Map.of("input_ids", i, "attention_mask", am, "token_type_ids", tt))) {
      theirs = (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
    }
    int T = batch.length();
    int D = model.width();
    double maxReal = 0;
    double maxPadded = 0;
    double largest = 0;
    for (int b = 0; b < ids.length; b++) {
      for (int t = 0; t < T; t++) {
        for (int d = 0; d < D; d++) {
          double diff = Math.abs(ours[(b * T + t) * D + d] - theirs[b][t][d]);
          largest = Math.max(largest, Math.abs(theirs[b][t][d]));
          if (mask[b][t] == 1) {
            maxReal = Math.max(maxReal, diff);
          } else {
            maxPadded = Math.max(maxPadded, diff);
          }
        }
      }
    }
    System.out.printf(
        "MiniLM golden: last_hidden_state (%d, %d, %d) vs ONNX Runtime: max |diff| %.3g on real tokens, %.3g on"
            + " padding (largest |value| %.2f)%n",
        ids.length, T, D, maxReal, maxPadded, largest);
    assertTrue(maxReal <= 1e-4, "max |diff| on real tokens " + maxReal);
    assertTrue(maxPadded <= 1e-4, "max |diff| on padded positions " + maxPadded);
  }

  @Test
  void tokensMatchTheHuggingFaceTokenizer() {
    WordPieceTokenizer ours = MiniLmFixture.model().tokenizer();
    List<String> texts = new ArrayList<>(MiniLmFixture.SENTENCES);
    texts.addAll(
        List.of(
            "The [MASK] sat on the mat, [SEP] and then [CLS]ed.",
            "I love it \ud83d\ude00 so much \u2764",
            "\u0130stanbul, \u039f\u0394\u039f\u03a3 and \u00c5ngstr\u00f6m",
            "Zero\u200bwidth, soft\u00adhyphen, and\u00a0no-break space.",
            "Control\u0007chars\u0000vanish\ufffd.",
            "\ud55c\uad6d\uc5b4 \u3072\u3089\u304c\u306a \u4e2d\u6587\u5b57",
            "x".repeat(101) + " " + "ab".repeat(50),
            ""));
    for (String text : texts) {
      ai.djl.huggingface.tokenizers.Encoding e = hf.encode(text);
      Encoding mine = ours.encode(text);
      assertEquals(Arrays.asList(e.getTokens()), mine.tokens(), "tokens of: " + text);
      assertArrayEquals(Arrays.stream(e.getIds()).mapToInt(x -> (int) x).toArray(), mine.ids(), "ids of: " + text);
      assertArrayEquals(Arrays.stream(e.getTypeIds()).mapToInt(x -> (int) x).toArray(), mine.typeIds());
    }
  }

  @Test
  void pairsAndTruncationMatchTheHuggingFaceTokenizer() throws IOException {
    List<String> s = MiniLmFixture.SENTENCES;
    WordPieceTokenizer full = MiniLmFixture.model().tokenizer();
    for (int i = 0; i + 1 < s.size(); i += 3) {
      ai.djl.huggingface.tokenizers.Encoding e = hf.encode(s.get(i), s.get(i + 1));
      Encoding mine = full.encode(s.get(i), s.get(i + 1));
      assertEquals(Arrays.asList(e.getTokens()), mine.tokens());
      assertArrayEquals(Arrays.stream(e.getTypeIds()).mapToInt(x -> (int) x).toArray(), mine.typeIds());
    }
    for (int max : new int[] {7, 8, 16, 17, 24}) {
      try (HuggingFaceTokenizer short_ = reference(Map.of("truncation", "true", "maxLength", "" + max))) {
        WordPieceTokenizer mine = full.withMaxLength(max);
        for (int i = 0; i < s.size(); i++) {
          String a = s.get(i);
          String b = s.get((i * 7 + 3) % s.size());
          assertEquals(Arrays.asList(short_.encode(a).getTokens()), mine.encode(a).tokens(), "max " + max);
          ai.djl.huggingface.tokenizers.Encoding pair = short_.encode(a, b);
          Encoding minePair = mine.encode(a, b);
          assertEquals(Arrays.asList(pair.getTokens()), minePair.tokens(), "max " + max + ": " + a + " | " + b);
          assertArrayEquals(Arrays.stream(pair.getTypeIds()).mapToInt(x -> (int) x).toArray(), minePair.typeIds());
        }
      }
    }
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  static double norm(float[] a) {
    return Math.sqrt(dot(a, a));
  }
}
