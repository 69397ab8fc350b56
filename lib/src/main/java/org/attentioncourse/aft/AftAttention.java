package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.attentioncourse.attention.AttentionMechanism;

/**
 * What every AFT variant shares (Zhai et al. 2021, arXiv 2105.14103, §3):
 *
 * <pre>
 *   Q = X W_Q,  K = X W_K,  V = X W_V                                              (Linear D → D)
 *   Y_t = σ(Q_t) ⊙ Σ_{t'} exp(K_{t'} + w_{t,t'}) ⊙ V_{t'} / Σ_{t'} exp(K_{t'} + w_{t,t'})   (Eq. 2, per channel)
 *   out = Y W_O                                                                     (Linear D → D)
 * </pre>
 *
 * The variants differ only in w: a learned T×T matrix (AFT-full), 0 (AFT-simple), w inside a window and 0 outside
 * (AFT-local), or a per-head convolution kernel (AFT-conv, whose K is one channel per head). Each subclass supplies
 * the efficient weighted average Ȳ ({@link #average}, through {@link AftOps}) and, for checking and teaching, the
 * effective T×T bias it stands for ({@link #effectiveBias}).
 *
 * <p>As an {@link AttentionMechanism} it drops into the course's models: {@code forward} takes {@code [x (B, T, D),
 * keyMask (B, T)]} (the mask may be left out) and returns {@code [y (B, T, D)]}; causal mode sums over t' ≤ t only
 * and padded keys get no weight. There are no heads to read and no T×T attention matrix to edit (AFT-conv has
 * heads, but they too are never a matrix): {@link #implicitWeights} computes the implicit per-channel weights for
 * small T instead.
 */
public abstract class AftAttention extends AbstractBlock implements AttentionMechanism {

  protected final int dModel;
  protected final int maxLength;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear output;
  private boolean causal;

  /**
   * @param keyWidth width of K: D for every variant but AFT-conv, whose K has one channel per head
   */
  protected AftAttention(int dModel, int keyWidth, int maxLength) {
    super((byte) 1);
    if (dModel < 1) {
      throw new IllegalArgumentException("model width must be positive, got " + dModel);
    }
    if (maxLength < 1) {
      throw new IllegalArgumentException("maximum length must be positive, got " + maxLength);
    }
    this.dModel = dModel;
    this.maxLength = maxLength;
    query = addChildBlock("query", Linear.builder().setUnits(dModel).build());
    key = addChildBlock("key", Linear.builder().setUnits(keyWidth).build());
    value = addChildBlock("value", Linear.builder().setUnits(dModel).build());
    output = addChildBlock("output", Linear.builder().setUnits(dModel).build());
  }

  /**
   * The weighted average Ȳ_t = Σ exp(K + w) ⊙ V / Σ exp(K + w), (B, T, D), in this variant's efficient form.
   *
   * @param K keys as the key projection makes them, (B, T, D) or (B, T, heads) for AFT-conv
   * @param V values (B, T, D)
   * @param keyMask (B, T) or null
   */
  protected abstract NDArray average(
      ParameterStore ps, NDArray K, NDArray V, NDArray keyMask, boolean causal, boolean training);

  /**
   * The bias w′ this variant adds, as a full (T, T, 1) array (the same for every channel) or (T, T, D); built
   * literally from the parameters, O(T²) or O(T²D), for {@link #attendNaive} and {@link #implicitWeights}.
   */
  protected abstract NDArray effectiveBias(ParameterStore ps, int T, NDArray like, boolean training, boolean causal);

  /** K with one channel per model channel, (B, T, D): K itself, except for AFT-conv's per-head K. */
  protected NDArray keysPerChannel(NDArray K) {
    return K;
  }

  /** Fails, naming both lengths, if this variant cannot take sequences of length T. */
  protected void checkLength(long T) {}

  @Override
  public NDArray attend(ParameterStore ps, NDArray x, NDArray keyMask, boolean causal, boolean training) {
    NDArray[] qkv = project(ps, x, keyMask, training);
    NDArray Ybar = average(ps, qkv[1], qkv[2], keyMask, causal, training); // (B, T, D)
    return finish(ps, qkv[0], Ybar, training);
  }

  /**
   * The same output as {@link #attend}, from the literal definition: the (B, T, T, D) array of exp(K_{t'} +
   * w′_{t,t'}) over (query, key, channel) formed in full ({@link AftReference#naive}). O(T²D) time and memory:
   * for checking the efficient forms and for teaching, at small T.
   */
  public NDArray attendNaive(ParameterStore ps, NDArray x, NDArray keyMask, boolean causal, boolean training) {
    NDArray[] qkv = project(ps, x, keyMask, training);
    int T = (int) x.getShape().get(1);
    NDArray w = effectiveBias(ps, T, x, training, causal);
    NDArray Ybar = AftReference.naive(keysPerChannel(qkv[1]), qkv[2], w, keyMask, causal);
    return finish(ps, qkv[0], Ybar, training);
  }

  /**
   * The implicit attention weights of Eq. 3, (B, T, T, D): entry (b, t, t', i) = σ(Q_t^i) exp(K_{t'}^i + w′_{t,t'})
   * / Σ_{t''} exp(K_{t''}^i + w′_{t,t''}) — AFT as "attention with as many heads as channels". Never formed by
   * the model itself: this builds all T·T·D numbers, O(T²D), for heat maps at small T. Uses this block's causal
   * setting and no training-mode behaviour.
   *
   * @param x (B, T, D)
   * @param keyMask (B, T) or null
   */
  public NDArray implicitWeights(NDArray x, NDArray keyMask) {
    ParameterStore ps = new ParameterStore(x.getManager(), false);
    NDArray[] qkv = project(ps, x, keyMask, false);
    int T = (int) x.getShape().get(1);
    NDArray w = effectiveBias(ps, T, x, false, causal);
    return AftReference.weights(qkv[0], keysPerChannel(qkv[1]), w, keyMask, causal);
  }

  /** [Q, K, V] after checking x and the mask. */
  private NDArray[] project(ParameterStore ps, NDArray x, NDArray keyMask, boolean training) {
    Shape s = x.getShape();
    if (s.dimension() != 3 || s.get(2) != dModel) {
      throw new IllegalArgumentException(
          "x has shape " + s + " but this " + getClass().getSimpleName() + " expects (B, T, " + dModel + ")");
    }
    long B = s.get(0);
    long T = s.get(1);
    if (keyMask != null) {
      Shape ms = keyMask.getShape();
      if (ms.dimension() != 2 || ms.get(0) != B || ms.get(1) != T) {
        throw new IllegalArgumentException(
            "key mask has shape " + ms + " but x has shape " + s + ": expected (" + B + ", " + T + ")");
      }
    }
    checkLength(T);
    NDList in = new NDList(x);
    return new NDArray[] {
      query.forward(ps, in, training).head(), // (B, T, D)
      key.forward(ps, in, training).head(), // (B, T, D) or (B, T, heads)
      value.forward(ps, in, training).head() // (B, T, D)
    };
  }

  /** σ(Q) ⊙ Ȳ, then the output projection. */
  private NDArray finish(ParameterStore ps, NDArray Q, NDArray Ybar, boolean training) {
    NDArray Y = Activation.sigmoid(Q).mul(Ybar); // (B, T, D): σ(Q) gates each channel of the average
    return output.forward(ps, new NDList(Y), training).head();
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
    return new NDList(attend(ps, inputs.head(), mask, causal, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {inputs[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    for (Linear l : new Linear[] {query, key, value, output}) {
      l.initialize(manager, dataType, x);
    }
  }

  @Override
  public int heads() {
    return 1;
  }

  @Override
  public boolean isCausal() {
    return causal;
  }

  @Override
  public void setCausal(boolean causal) {
    this.causal = causal;
  }

  /** Width D of the model. */
  public int dModel() {
    return dModel;
  }

  /** The longest sequence the model was built for (a hard limit only where w is stored per position). */
  public int maxLength() {
    return maxLength;
  }

  /** The four projections, in the order query, key, value, output. */
  public Linear[] projections() {
    return new Linear[] {query, key, value, output};
  }

  /** "AFT-full", "AFT-simple", .... */
  public abstract String variant();

  /** The variant's settings for {@link #toString}, e.g. "s=32, w 64×64". */
  protected abstract String settings();

  @Override
  public String toString() {
    String s = settings();
    return variant() + "(D=" + dModel + (s.isEmpty() ? "" : ", " + s) + (causal ? ", causal" : "") + ")";
  }
}
