package org.attentioncourse.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.attentioncourse.attention.AttentionEdit;

/**
 * Replacing heads by their constant matrices. For an example with mask m, head h of layer l uses
 *
 * <pre>
 *   C̃ = rownorm(C[l, h] ⊙ m mᵀ),   rownorm(X)ᵢⱼ = Xᵢⱼ / max(Σⱼ Xᵢⱼ, ε)
 * </pre>
 *
 * so the rows of real tokens sum to 1, padded keys get 0, and padded queries get an all-zero row (their outputs
 * are never read). The other heads keep their input-dependent weights, bit for bit.
 *
 * <pre>{@code
 * try (ConstantAttention.Installed r = ConstantAttention.replace(probed, C, order.first(8))) {
 *   ... evaluate or train a probe ...
 * } // the model's previous edits are back
 * }</pre>
 */
public final class ConstantAttention {

  /** Row sums below this count as empty (the same guard as an L1 normalisation's epsilon). */
  public static final float EPS = 1e-12f;

  private ConstantAttention() {}

  /**
   * C̃ for a batch: the constants of {@code layer} restricted to each example's real tokens, rows renormalised.
   *
   * @param keyMask (B, Tk) or null (nothing padded)
   * @param like the weights being replaced (B, H, Tq, Tk): gives B, the sizes, type, device and manager
   * @return (B or 1, H, Tq, Tk), owned by the manager of {@code like}
   */
  public static NDArray maskedNormalized(ConstantMatrices C, int layer, NDArray keyMask, NDArray like) {
    Shape s = like.getShape(); // (B, H, Tq, Tk)
    int H = C.heads();
    int T = C.length();
    if (s.dimension() != 4 || s.get(1) != H || s.get(2) > T || s.get(3) > T) {
      throw new IllegalArgumentException(
          "constants for " + H + " heads of " + T + "×" + T + " cannot replace attention weights of shape " + s);
    }
    long tq = s.get(2);
    long tk = s.get(3);
    NDManager m = like.getManager();
    float[] flat = new float[H * T * T];
    for (int h = 0; h < H; h++) {
      System.arraycopy(C.flat(layer, h), 0, flat, h * T * T, T * T);
    }
    NDArray c = m.create(flat, new Shape(1, H, T, T)); // (1, H, T, T)
    if (tq < T || tk < T) {
      c = c.get(new NDIndex(":, :, :{}, :{}", tq, tk)); // positions keep their meaning from 0 on
    }
    c = c.toType(like.getDataType(), false).toDevice(like.getDevice(), false);
    if (keyMask != null) {
      NDArray mk = keyMask.toType(like.getDataType(), false); // (B, Tk)
      if (tq != tk) {
        throw new IllegalArgumentException("self-attention expected, but the weights have shape " + s);
      }
      NDArray outer = mk.expandDims(2).mul(mk.expandDims(1)).expandDims(1); // (B, 1, T, T) = m mᵀ
      c = c.mul(outer); // (B, H, T, T)
    }
    NDArray eps = m.create(EPS).toType(like.getDataType(), false).toDevice(like.getDevice(), false);
    NDArray rowSum = c.sum(new int[] {-1}, true).maximum(eps); // (·, H, T, 1); array-array, no scalar
    return c.div(rowSum);
  }

  /** The edit of one layer that replaces the heads flagged in {@code replaced} and keeps the others exactly. */
  static AttentionEdit replacing(ConstantMatrices C, int layer, boolean[] replaced) {
    boolean any = false;
    float[] r = new float[replaced.length];
    for (int h = 0; h < replaced.length; h++) {
      r[h] = replaced[h] ? 1f : 0f;
      any |= replaced[h];
    }
    if (!any) {
      return null;
    }
    return (A, keyMask) -> {
      NDArray Ct = maskedNormalized(C, layer, keyMask, A); // (B, H, T, T)
      NDManager m = A.getManager();
      NDArray rep = m.create(r, new Shape(1, r.length, 1, 1)).toType(A.getDataType(), false).toDevice(A.getDevice(), false);
      NDArray keep = m.create(1f).toType(A.getDataType(), false).toDevice(A.getDevice(), false).sub(rep);
      return A.mul(keep).add(Ct.mul(rep)); // A where kept (×1 + 0: exact), C̃ where replaced
    };
  }

  /**
   * Installs edits replacing {@code heads} by their constant matrices on {@code model}; closing the returned handle
   * restores each layer's previous edit. Layers with no replaced head are left alone.
   */
  public static Installed replace(ProbedModel model, ConstantMatrices C, Collection<HeadId> heads) {
    model.requireAttentionMatrices();
    C.requireFits(model);
    boolean[][] flags = new boolean[model.layers()][C.heads()];
    for (HeadId id : heads) {
      if (id.layer() >= model.layers() || id.head() >= C.heads()) {
        throw new IllegalArgumentException(
            "head " + id + " does not exist in a model with " + model.layers() + " layers × " + C.heads() + " heads");
      }
      flags[id.layer()][id.head()] = true;
    }
    List<AttentionEdit> edits = new ArrayList<>();
    for (int l = 0; l < model.layers(); l++) {
      edits.add(replacing(C, l, flags[l]));
    }
    return Installed.install(model, edits);
  }

  /** Edits installed on a model's layers; {@link #close()} puts back what was there before. */
  public static final class Installed implements AutoCloseable {
    private final ProbedModel model;
    private final List<AttentionEdit> before;
    private boolean closed;

    private Installed(ProbedModel model, List<AttentionEdit> before) {
      this.model = model;
      this.before = before;
    }

    /** Installs {@code edits.get(l)} on layer l (null entries leave the layer as it is). */
    static Installed install(ProbedModel model, List<AttentionEdit> edits) {
      List<AttentionEdit> before = new ArrayList<>();
      for (int l = 0; l < model.layers(); l++) {
        before.add(model.attention(l).edit());
      }
      for (int l = 0; l < model.layers(); l++) {
        if (edits.get(l) != null) {
          model.attention(l).setEdit(edits.get(l));
        }
      }
      return new Installed(model, before);
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (int l = 0; l < model.layers(); l++) {
        if (model.attention(l).hasAttentionMatrix()) {
          model.attention(l).setEdit(before.get(l));
        }
      }
    }
  }
}
