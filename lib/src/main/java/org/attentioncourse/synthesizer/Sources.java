package org.attentioncourse.synthesizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import org.attentioncourse.attention.ScaledDotProductAttention;

/** The logit sources of the Synthesizer paper, plus ordinary dot products for the mixtures. */
public final class Sources {

  private Sources() {}

  /** R: one l×l logit matrix per head, the same for every input; trainable or fixed. */
  public static final class Random extends LogitSource {
    private final Parameter R;
    private final boolean trainable;

    public Random(int dModel, int heads, int maxLength, boolean trainable) {
      super(dModel, heads, maxLength);
      this.trainable = trainable;
      R =
          addParameter(
              Parameter.builder()
                  .setName("R")
                  .setType(Parameter.Type.WEIGHT)
                  .optShape(new Shape(heads, maxLength, maxLength))
                  .optRequiresGrad(trainable)
                  .build());
    }

    @Override
    public NDArray logits(ParameterStore ps, NDArray x, boolean training) {
      long T = x.getShape().get(1);
      NDArray r = ps.getValue(R, x.getDevice(), training); // (H, l, l)
      return local(r.get(new NDIndex(":, :{}, :{}", T, T)).expandDims(0), x); // (1, H, T, T)
    }

    @Override
    public String symbol() {
      return trainable ? "R" : "Fix";
    }

    public boolean trainable() {
      return trainable;
    }

    /** Head h's logits (l, l) as numbers, for heat maps. */
    public double[][] matrix(int h) {
      double[] flat = R.getArray().get(h).toType(DataType.FLOAT64, false).toDoubleArray();
      double[][] out = new double[maxLength][maxLength];
      for (int i = 0; i < maxLength; i++) {
        System.arraycopy(flat, i * maxLength, out[i], 0, maxLength);
      }
      return out;
    }
  }

  /** R₁R₂ᵀ with R₁, R₂ ∈ ℝ^{l×k} per head: rank ≤ k, 2lk parameters. */
  public static final class FactorizedRandom extends LogitSource {
    private final int k;
    private final Parameter R1;
    private final Parameter R2;

    public FactorizedRandom(int dModel, int heads, int maxLength, int k) {
      super(dModel, heads, maxLength);
      if (k < 1) {
        throw new IllegalArgumentException("rank k must be positive, got " + k);
      }
      this.k = k;
      R1 = addParameter(Parameter.builder().setName("R1").setType(Parameter.Type.WEIGHT).optShape(new Shape(heads, maxLength, k)).build());
      R2 = addParameter(Parameter.builder().setName("R2").setType(Parameter.Type.WEIGHT).optShape(new Shape(heads, maxLength, k)).build());
    }

    @Override
    public NDArray logits(ParameterStore ps, NDArray x, boolean training) {
      NDIndex rows = new NDIndex(":, :{}, :", x.getShape().get(1));
      NDArray r1 = ps.getValue(R1, x.getDevice(), training).get(rows); // (H, T, k)
      NDArray r2 = ps.getValue(R2, x.getDevice(), training).get(rows); // (H, T, k)
      return local(r1.matMul(r2.swapAxes(1, 2)).expandDims(0), x); // (1, H, T, T)
    }

    @Override
    public String symbol() {
      return "FR";
    }

    public int rank() {
      return k;
    }
  }

  /**
   * The dense variants' shared first step: every token alone goes through h = ReLU(W₁ Xᵢ + b₁), W₁ d→d, so row i
   * of the logits can depend on token i only. Subclasses turn h into the rows.
   */
  abstract static class PerToken extends LogitSource {
    private final Linear hidden;
    private final Linear[] second; // W₂ (or the two factor layers)

    PerToken(int dModel, int heads, int maxLength, String[] names, long[] widths) {
      super(dModel, heads, maxLength);
      hidden = addChildBlock("hidden", Linear.builder().setUnits(dModel).build());
      second = new Linear[names.length];
      for (int i = 0; i < names.length; i++) {
        second[i] = addChildBlock(names[i], Linear.builder().setUnits(widths[i]).build());
      }
    }

    /** The rows (B, H, T, T) from the hidden layer's outputs, one array per second layer, each (B, T, width). */
    abstract NDArray rows(NDArray[] outs, long B, long T);

    @Override
    public final NDArray logits(ParameterStore ps, NDArray x, boolean training) {
      NDArray h = Activation.relu(hidden.forward(ps, new NDList(x), training).head()); // (B, T, D)
      NDArray[] outs = new NDArray[second.length];
      for (int i = 0; i < second.length; i++) {
        outs[i] = second[i].forward(ps, new NDList(h), training).head();
      }
      return rows(outs, x.getShape().get(0), x.getShape().get(1));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
      hidden.initialize(manager, dataType, inputShapes[0]);
      for (Linear l : second) {
        l.initialize(manager, dataType, inputShapes[0]);
      }
    }
  }

  /** Bᵢ = W₂ ReLU(W₁ Xᵢ + b₁) + b₂: each token predicts its own row; W₁ d→d, W₂ d→l per head. */
  public static final class Dense extends PerToken {

    public Dense(int dModel, int heads, int maxLength) {
      super(dModel, heads, maxLength, new String[] {"toPositions"}, new long[] {(long) heads * maxLength});
    }

    @Override
    NDArray rows(NDArray[] outs, long B, long T) {
      NDArray b = outs[0]; // (B, T, H·l)
      return b.reshape(B, T, heads, maxLength).swapAxes(1, 2).get(new NDIndex(":, :, :, :{}", T)); // (B, H, T, T)
    }

    @Override
    public String symbol() {
      return "D";
    }
  }

  /**
   * Factorized dense: Aᵢ = F_A(Xᵢ) ∈ ℝ^a, Bᵢ = F_B(Xᵢ) ∈ ℝ^b with a·b = l, and row i is their flattened outer
   * product, entry p·a + q = Bᵢ[p]·Aᵢ[q]. The paper expands both factors to length l by "tiling" and multiplies;
   * tiling <i>both</i> (A repeated b times, B repeated a times) makes entry j = A[j mod a]·B[j mod b], which has
   * only as many distinct values as lcm(a, b) allows — b values per row when a divides b. Tiling one factor and
   * repeating the other element by element gives every one of the l products once.
   */
  public static final class FactorizedDense extends PerToken {
    private final int a;
    private final int b;

    public FactorizedDense(int dModel, int heads, int maxLength, int a, int b) {
      super(dModel, heads, maxLength, new String[] {"toA", "toB"}, factorWidths(heads, maxLength, a, b));
      this.a = a;
      this.b = b;
    }

    /** The widths of the two factor layers, H·a and H·b, after checking a·b = l. */
    private static long[] factorWidths(int heads, int l, int a, int b) {
      if (a < 1 || b < 1 || a * b != l) {
        throw new IllegalArgumentException(
            "factorized dense needs a·b = l: a=" + a + ", b=" + b + ", a·b=" + (a * b) + ", l=" + l);
      }
      return new long[] {(long) heads * a, (long) heads * b};
    }

    /** a and b as close to √l as l allows (a ≤ b). */
    public static int[] balancedFactors(int l) {
      int a = (int) Math.floor(Math.sqrt(l));
      while (l % a != 0) {
        a--;
      }
      return new int[] {a, l / a};
    }

    @Override
    NDArray rows(NDArray[] outs, long B, long T) {
      NDArray A = outs[0].reshape(B, T, heads, 1, a); // (B, T, H, 1, a)
      NDArray Bf = outs[1].reshape(B, T, heads, b, 1); // (B, T, H, b, 1)
      NDArray C = Bf.mul(A).reshape(B, T, heads, (long) a * b); // (B, T, H, l): entry p·a + q = B[p]·A[q]
      return C.swapAxes(1, 2).get(new NDIndex(":, :, :, :{}", T)); // (B, H, T, T)
    }

    @Override
    public String symbol() {
      return "FD";
    }
  }

  /** Vanilla logits Q Kᵀ / √dₕ ("V" in the paper's mixtures R+V, D+V). */
  public static final class DotProduct extends LogitSource {
    private final Linear query;
    private final Linear key;

    public DotProduct(int dModel, int heads, int maxLength) {
      super(dModel, heads, maxLength);
      query = addChildBlock("query", Linear.builder().setUnits(dModel).build());
      key = addChildBlock("key", Linear.builder().setUnits(dModel).build());
    }

    @Override
    public NDArray logits(ParameterStore ps, NDArray x, boolean training) {
      long B = x.getShape().get(0);
      long T = x.getShape().get(1);
      long dh = dModel / heads;
      NDArray Q = query.forward(ps, new NDList(x), training).head().reshape(B, T, heads, dh).swapAxes(1, 2);
      NDArray K = key.forward(ps, new NDList(x), training).head().reshape(B, T, heads, dh).swapAxes(1, 2);
      return ScaledDotProductAttention.logits(Q, K); // (B, H, T, T)
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
      query.initialize(manager, dataType, inputShapes[0]);
      key.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public String symbol() {
      return "V";
    }
  }
}
