package org.attentioncourse.synthesizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.List;
import ai.djl.training.ParameterStore;
import org.attentioncourse.attention.MatrixAttention;
import org.attentioncourse.attention.ScaledDotProductAttention;

/**
 * What every Synthesizer variant shares: Y = softmax(M(B)) G(X) W_O, with the logits B from one or more {@link
 * LogitSource}s, M the padding/causal mask, G the value projection and W_O the output projection (as in
 * multi-head attention, so parameter counts compare fairly). Heads split D into H blocks of D/H as usual.
 *
 * <p>With several sources the logits are mixed inside the softmax, B = Σ αᵢ Sᵢ(X), with α = softmax(w) over a
 * learned w that starts at 0 (an even mix) — the paper's mixture with Σ αᵢ = 1; for two sources this is the
 * official code's σ(a)-weighted pair.
 *
 * <p>The synthesized matrices are tied to a maximum length l: a shorter input uses the leading T×T block; a
 * longer one is an error naming both lengths.
 */
public class SynthesizedAttention extends MatrixAttention {

  protected final int dModel;
  protected final int heads;
  protected final int maxLength;
  private final Linear value;
  private final Linear output;
  private final List<LogitSource> sources = new ArrayList<>();
  private final Parameter mix;

  /** A Synthesizer whose logits come from {@code sources} (one: a plain variant; several: a mixture). */
  public SynthesizedAttention(int dModel, int heads, int maxLength, List<LogitSource> sources) {
    if (dModel < 1 || heads < 1 || dModel % heads != 0) {
      throw new IllegalArgumentException(
          "model width " + dModel + " must be a positive multiple of the number of heads " + heads);
    }
    if (maxLength < 1) {
      throw new IllegalArgumentException("maximum length must be positive, got " + maxLength);
    }
    this.dModel = dModel;
    this.heads = heads;
    this.maxLength = maxLength;
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("a Synthesizer needs at least one logit source");
    }
    for (int i = 0; i < sources.size(); i++) {
      this.sources.add(addChildBlock("source" + i, sources.get(i)));
    }
    mix =
        sources.size() < 2
            ? null
            : addParameter(
                Parameter.builder()
                    .setName("mix")
                    .setType(Parameter.Type.OTHER)
                    .optShape(new Shape(sources.size()))
                    .optInitializer(Initializer.ZEROS) // α = softmax(0) = an even mix at the start
                    .build());
    value = addChildBlock("value", Linear.builder().setUnits(dModel).build());
    output = addChildBlock("output", Linear.builder().setUnits(dModel).build());
  }

  /** The logits B before masking, (B or 1, H, T, T). */
  protected NDArray logits(ParameterStore ps, NDArray x, boolean training) {
    if (mix == null) {
      return sources.get(0).logits(ps, x, training);
    }
    NDArray alpha = ps.getValue(mix, x.getDevice(), training).softmax(0); // (n), sums to 1
    alpha.attach(x.getManager());
    NDArray sum = null;
    for (int i = 0; i < sources.size(); i++) {
      NDArray term = sources.get(i).logits(ps, x, training).mul(alpha.get(i)); // αᵢ Sᵢ(X)
      sum = sum == null ? term : sum.add(term); // broadcasts (1, H, T, T) against (B, H, T, T)
    }
    return sum;
  }

  /** The current mixture weights α (one per source), or {1} for a single source. */
  public double[] mixtureWeights() {
    if (mix == null) {
      return new double[] {1.0};
    }
    return mix.getArray().softmax(0).toType(DataType.FLOAT64, false).toDoubleArray();
  }

  /** The logit sources, in order. */
  public List<LogitSource> sources() {
    return java.util.Collections.unmodifiableList(sources);
  }

  @Override
  public NDArray attend(ParameterStore ps, NDArray x, NDArray keyMask, boolean causal, boolean training) {
    if (x.getShape().dimension() != 3 || x.getShape().get(2) != dModel) {
      throw new IllegalArgumentException(
          "x has shape " + x.getShape() + " but this " + getClass().getSimpleName() + " expects (B, T, " + dModel + ")");
    }
    long B = x.getShape().get(0);
    long T = x.getShape().get(1);
    if (T > maxLength) {
      throw new IllegalArgumentException(
          "sequence length " + T + " is longer than the synthesized matrices' maximum length " + maxLength);
    }
    NDArray logits = ScaledDotProductAttention.maskLogits(logits(ps, x, training), keyMask, causal);
    NDArray A = logits.softmax(-1); // (B or 1, H, T, T)
    if (A.getShape().get(0) != B) {
      A = A.broadcast(B, heads, T, T); // input-independent variants: one matrix for the whole batch
    }
    A = edited(A, keyMask);
    long dh = dModel / heads;
    NDArray V = value.forward(ps, new NDList(x), training).head().reshape(B, T, heads, dh).swapAxes(1, 2);
    NDArray Y = A.matMul(V).swapAxes(1, 2).reshape(B, T, dModel); // (B, T, D)
    return output.forward(ps, new NDList(Y), training).head();
  }





  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    value.initialize(manager, dataType, inputShapes[0]);
    output.initialize(manager, dataType, inputShapes[0]);
    for (LogitSource source : sources) {
      source.initialize(manager, dataType, inputShapes[0]);
    }
  }

  @Override
  public int heads() {
    return heads;
  }











  /** The maximum length l the synthesized matrices are built for. */
  public int maxLength() {
    return maxLength;
  }

  @Override
  public String toString() {
    StringBuilder name = new StringBuilder();
    for (LogitSource source : sources) {
      name.append(name.length() == 0 ? "" : "+").append(source.symbol());
    }
    return "Synthesizer[" + name + "](D=" + dModel + ", H=" + heads + ", l=" + maxLength + (isCausal() ? ", causal" : "") + ")";
  }
}
