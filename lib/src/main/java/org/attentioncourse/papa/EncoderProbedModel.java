package org.attentioncourse.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.attentioncourse.attention.AttentionMechanism;
import org.attentioncourse.data.LabelledText;
import org.attentioncourse.data.TextClassification;
import org.attentioncourse.encoder.Encoding;
import org.attentioncourse.encoder.MiniLm;
import org.attentioncourse.encoder.WordPieceTokenizer;

/**
 * The pretrained encoder ({@link MiniLm}, all-MiniLM-L6-v2: 6 layers × 12 heads, width 384) as a {@link
 * ProbedModel} at a fixed length T, and the way real text becomes {@link ProbeExample}s for it: through the
 * encoder's WordPiece tokenizer ({@code [CLS] sentence [SEP]}, or {@code [CLS] a [SEP] b [SEP]} for GLUE's MRPC
 * pairs), truncated to T (the final {@code [SEP]} is kept), then placed in the window as the official PAPA code
 * places it, with a mask of 1 for real tokens: the last {@code [SEP]} at T − 1, a pair's second half from T/2
 * ({@link PairAlignment}; {@link #withLayout} gives the compact layout instead).
 *
 * <p>The hidden states are the encoder's own {@code [h₀, h₁, …, h₆]}: the PAPA probe reads all seven, the
 * constant matrices are averaged from the (B, 12, T, T) maps of its six attention layers, and replaced heads act
 * through each layer's {@link org.attentioncourse.attention.AttentionEdit} hook. Every layer of the encoder runs
 * in a sub-manager closed when the layer is done; the PAPA edits fit that rule (they copy what they record to Java,
 * or build what they return from the weights they are given), which the tests check, gradients included.
 *
 * <pre>{@code
 * EncoderProbedModel probed = EncoderProbedModel.of(MiniLm.load(manager), 64);
 * List<ProbeExample> train = probed.examples(task.train());
 * ConstantMatrices C = ConstantMatrices.compute(probed, probed.name(), train, 32);
 * }</pre>
 */
public final class EncoderProbedModel implements ProbedModel {

  /** PAPA's README runs its GLUE examples at 64 tokens. */
  public static final int DEFAULT_LENGTH = 64;

  private final MiniLm encoder;
  private final PairAlignment.Layout layout;
  private final int length;
  private final WordPieceTokenizer tokenizer;

  private EncoderProbedModel(MiniLm encoder, int length, PairAlignment.Layout layout) {
    this.encoder = encoder;
    this.layout = layout;
    this.length = length;
    this.tokenizer = encoder.tokenizer().withMaxLength(length);
  }

  /** The encoder at T = {@value #DEFAULT_LENGTH}. */
  public static EncoderProbedModel of(MiniLm encoder) {
    return of(encoder, DEFAULT_LENGTH);
  }

  /**
   * The encoder at T = {@code length} tokens, [CLS] and [SEP] included.
   *
   * @throws IllegalArgumentException unless 4 ≤ length ≤ the encoder's positions (512)
   */
  public static EncoderProbedModel of(MiniLm encoder, int length) {
    if (encoder == null) {
      throw new IllegalArgumentException("the encoder must not be null");
    }
    if (length < 4 || length > encoder.maxPositions()) {
      throw new IllegalArgumentException(
          "T = " + length + " tokens: choose 4 ≤ T ≤ " + encoder.maxPositions() + " (the encoder's positions)");
    }
    return new EncoderProbedModel(encoder, length, PairAlignment.Layout.OFFICIAL);
  }

  /** The encoder itself. */
  public MiniLm encoder() {
    return encoder;
  }

  @Override
  public String name() {
    return "all-MiniLM-L6-v2 (T=" + length + (layout == PairAlignment.Layout.OFFICIAL ? "" : ", compact layout") + ")";
  }

  @Override
  public Block block() {
    return encoder;
  }

  @Override
  public int layers() {
    return encoder.layers();
  }

  @Override
  public AttentionMechanism attention(int l) {
    return encoder.attention(l);
  }

  @Override
  public int maxLength() {
    return length;
  }

  @Override
  public int width() {
    return encoder.width();
  }

  /**
   * The encoder's hidden states h₀ … h₆, each (B, T, 384). The probe's int32 ids and segments become the int64
   * the embedding tables are indexed with (in the batch's manager, like everything the encoder makes).
   */
  @Override
  public NDList hiddenStates(ParameterStore ps, NDArray tokens, NDArray mask, NDArray segments, boolean training) {
    if (tokens.getShape().dimension() != 2 || tokens.getShape().get(1) > length) {
      throw new IllegalArgumentException(
          "token ids must be (B, T) with T ≤ " + length + " for " + name() + ", got shape " + tokens.getShape());
    }
    NDArray ids = tokens.toType(DataType.INT64, false); // (B, T)
    NDArray m = mask.toType(DataType.FLOAT32, false); // (B, T)
    NDList in = segments == null
        ? new NDList(ids, m)
        : new NDList(ids, m, segments.toType(DataType.INT64, false)); // (B, T) token types
    return encoder.forward(ps, in, training);
  }

  // ---------------------------------------------------------------- text to examples

  /** The tokens the model sees for {@code text} at this length: {@code [CLS] … [SEP]}, truncated, unpadded. */
  public List<String> tokens(String text) {
    return tokenizer.encode(text).tokens();
  }

  /** Where inputs sit in the window ({@link PairAlignment.Layout#OFFICIAL} unless set with {@link #withLayout}). */
  public PairAlignment.Layout layout() {
    return layout;
  }

  /** The same encoder and length with inputs placed in {@code layout}. */
  public EncoderProbedModel withLayout(PairAlignment.Layout layout) {
    if (layout == null) {
      throw new IllegalArgumentException("the layout must not be null");
    }
    return new EncoderProbedModel(encoder, length, layout);
  }

  /**
   * One sentence, truncated to T, with its label: in the official layout {@code [CLS] text} then padding and the
   * {@code [SEP]} at T − 1; in the compact one {@code [CLS] text [SEP]} then padding.
   */
  public ProbeExample example(String text, int label) {
    Encoding e = tokenizer.encode(text);
    if (layout == PairAlignment.Layout.OFFICIAL) {
      return PairAlignment.official(e.ids(), e.typeIds(), length, tokenizer.sepId(), tokenizer.padId())
          .withLabel(label);
    }
    int n = e.length(); // ≤ T: the tokenizer truncates before the final [SEP]
    int[] ids = new int[length];
    int[] mask = new int[length];
    int[] types = new int[length];
    Arrays.fill(ids, tokenizer.padId());
    System.arraycopy(e.ids(), 0, ids, 0, n);
    System.arraycopy(e.typeIds(), 0, types, 0, n);
    Arrays.fill(mask, 0, n, 1);
    return ProbeExample.labelled(ids, mask, types, label);
  }

  /**
   * A sentence pair with its label. Official layout: the tokenizer's {@code [CLS] a [SEP] b [SEP]} (truncated to T
   * longest first) with {@code [CLS] a} from position 0, {@code [SEP] b} from T/2 and the last {@code [SEP]} at
   * T − 1; compact: {@code [CLS] a [SEP]} from 0, {@code b} from T/2, {@code [SEP]} at T − 1 (see {@link
   * PairAlignment}).
   */
  public ProbeExample pairExample(String a, String b, int label) {
    if (layout == PairAlignment.Layout.OFFICIAL) {
      Encoding e = tokenizer.encode(a, b);
      return PairAlignment.official(e.ids(), e.typeIds(), length, tokenizer.sepId(), tokenizer.padId())
          .withLabel(label);
    }
    return PairAlignment.pair(pieceIds(a), pieceIds(b), length, tokenizer.clsId(), tokenizer.sepId(),
        tokenizer.padId()).withLabel(label);
  }

  /** {@link #example} for every sentence, in order. */
  public List<ProbeExample> examples(List<LabelledText> texts) {
    List<ProbeExample> out = new ArrayList<>(texts.size());
    for (LabelledText t : texts) {
      out.add(example(t.text(), t.label()));
    }
    return out;
  }

  /** One split of a real-text task as probe examples. */
  public List<ProbeExample> examples(TextClassification task, TextClassification.Split split) {
    return examples(task.split(split));
  }

  /**
   * GLUE rows ({@link GlueTsv}): single sentences (SST-2, CoLA) as {@link #example}, pairs (MRPC) as {@link
   * #pairExample}.
   *
   * @throws IllegalArgumentException for an unlabelled row (GLUE's test files have no labels)
   */
  public List<ProbeExample> glue(List<GlueTsv.Row> rows) {
    List<ProbeExample> out = new ArrayList<>(rows.size());
    for (GlueTsv.Row r : rows) {
      if (r.label() < 0) {
        throw new IllegalArgumentException(
            "GLUE row " + r.id() + " has no label (a test file?); probe on train.tsv and dev.tsv");
      }
      out.add(r.textB() == null ? example(r.text(), r.label()) : pairExample(r.text(), r.textB(), r.label()));
    }
    return out;
  }

  private int[] pieceIds(String text) {
    List<String> pieces = tokenizer.tokenize(text);
    int[] ids = new int[pieces.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = tokenizer.id(pieces.get(i));
    }
    return ids;
  }

  @Override
  public String toString() {
    return name();
  }
}
