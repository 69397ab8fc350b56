package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * AFT's learned pairwise position bias w ∈ ℝ^{l×l} for sequences up to a maximum length l (a shorter sequence
 * uses the leading T×T block), stored either as the full matrix ({@link Full}, l² parameters) or, as the paper
 * does for AFT-full and AFT-local, factorized as w = u vᵀ with u, v ∈ ℝ^{l×d′} ({@link Factorized}, 2·l·d′
 * parameters; Zhai et al. §3.2 use d′ = 64 to 256).
 *
 * <p>Every array it hands out is attached to the manager of the batch it is asked for, so nothing derived from the
 * parameters outlives the batch.
 */
public abstract class PositionBias extends AbstractBlock {

  protected final int maxLength;

  protected PositionBias(int maxLength) {
    super((byte) 1);
    if (maxLength < 1) {
      throw new IllegalArgumentException("maximum length of the position bias must be positive, got " + maxLength);
    }
    this.maxLength = maxLength;
  }

  /** The full matrix w, l×l, initialised to 0 (so AFT starts out as AFT-simple). */
  public static PositionBias full(int maxLength) {
    return new Full(maxLength);
  }

  /** w = u vᵀ with u, v ∈ ℝ^{l×d′} drawn from N(0, 10⁻²) (standard deviation 0.1), as in the paper. */
  public static PositionBias factorized(int maxLength, int dPrime) {
    return new Factorized(maxLength, dPrime);
  }

  /** The maximum length l. */
  public int maxLength() {
    return maxLength;
  }

  /** w[:T, :T], (T, T), attached to {@code like}'s manager. */
  public abstract NDArray matrix(ParameterStore ps, int T, NDArray like, boolean training);

  /**
   * The entries of w[:T, :T] on a band of offsets, (T, J): entry (t, j) is w[t][t + first + j]. Where t + first +
   * j falls outside [0, T) the entry is some other entry of the row (the band kernels never use it). O(T·J)
   * numbers; the T×T matrix is not formed.
   */
  public abstract NDArray band(ParameterStore ps, int T, int first, int J, NDArray like, boolean training);

  /** Number of learned numbers. */
  public abstract long parameterCount();

  /** w[:T, :T] as numbers (for heat maps). */
  public double[][] values(int T) {
    checkLength(T);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray like = m.zeros(new Shape(1));
      ParameterStore ps = new ParameterStore(m, false);
      double[] flat = matrix(ps, T, like, false).toType(DataType.FLOAT64, false).toDoubleArray();
      double[][] out = new double[T][T];
      for (int t = 0; t < T; t++) {
        System.arraycopy(flat, t * T, out[t], 0, T);
      }
      return out;
    }
  }

  void checkLength(long T) {
    if (T > maxLength) {
      throw new IllegalArgumentException(
          "sequence length " + T + " is longer than the position bias's maximum length " + maxLength + " (w is "
              + maxLength + "×" + maxLength + ")");
    }
  }

  /** Key positions t + first + j clamped to [0, T), as (T, J) int64. */
  static NDArray bandColumns(NDManager m, int T, int first, int J) {
    NDArray t = m.arange(0, T, 1, DataType.INT64).reshape(T, 1);
    NDArray j = m.arange(0, J, 1, DataType.INT64).reshape(1, J);
    return t.add(j).add(first).clip(0, T - 1);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head();
    return new NDList(matrix(ps, (int) x.getShape().get(1), x, training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    long T = inputs[0].get(1);
    return new Shape[] {new Shape(T, T)};
  }

  /** The full l×l matrix. */
  public static final class Full extends PositionBias {
    private final Parameter w;

    Full(int maxLength) {
      super(maxLength);
      w =
          addParameter(
              Parameter.builder()
                  .setName("w")
                  .setType(Parameter.Type.OTHER) // not WEIGHT: the trainer's Xavier initialiser must not replace 0
                  .optShape(new Shape(maxLength, maxLength))
                  .optInitializer(Initializer.ZEROS)
                  .build());
    }

    @Override
    public NDArray matrix(ParameterStore ps, int T, NDArray like, boolean training) {
      checkLength(T);
      NDArray all = AftOps.onManagerOf(ps.getValue(w, like.getDevice(), training), like); // (l, l)
      return all.get(new NDIndex(":{}, :{}", T, T));
    }

    @Override
    public NDArray band(ParameterStore ps, int T, int first, int J, NDArray like, boolean training) {
      checkLength(T);
      NDArray flat = AftOps.onManagerOf(ps.getValue(w, like.getDevice(), training), like).reshape((long) maxLength * maxLength);
      NDArray rows = like.getManager().arange(0, T, 1, DataType.INT64).reshape(T, 1).mul(maxLength);
      NDArray index = rows.add(bandColumns(like.getManager(), T, first, J)); // (T, J) positions in the l×l matrix
      return flat.take(like.getManager(), index);
    }

    @Override
    public long parameterCount() {
      return (long) maxLength * maxLength;
    }

    @Override
    public String toString() {
      return "w " + maxLength + "×" + maxLength;
    }
  }

  /** w = u vᵀ, u, v ∈ ℝ^{l×d′}. */
  public static final class Factorized extends PositionBias {
    private final int dPrime;
    private final Parameter u;
    private final Parameter v;

    Factorized(int maxLength, int dPrime) {
      super(maxLength);
      if (dPrime < 1) {
        throw new IllegalArgumentException("factor width d′ must be positive, got " + dPrime);
      }
      this.dPrime = dPrime;
      u = addParameter(factor("u", maxLength, dPrime));
      v = addParameter(factor("v", maxLength, dPrime));
    }

    private static Parameter factor(String name, int l, int dPrime) {
      return Parameter.builder()
          .setName(name)
          .setType(Parameter.Type.OTHER)
          .optShape(new Shape(l, dPrime))
          .optInitializer(new NormalInitializer(0.1f)) // N(0, 10⁻²)
          .build();
    }

    /** u[:T] and v[:T], each (T, d′). */
    private NDArray[] factors(ParameterStore ps, int T, NDArray like, boolean training) {
      checkLength(T);
      NDIndex rows = new NDIndex(":{}, :", T);
      return new NDArray[] {
        AftOps.onManagerOf(ps.getValue(u, like.getDevice(), training), like).get(rows),
        AftOps.onManagerOf(ps.getValue(v, like.getDevice(), training), like).get(rows)
      };
    }

    @Override
    public NDArray matrix(ParameterStore ps, int T, NDArray like, boolean training) {
      NDArray[] uv = factors(ps, T, like, training);
      return uv[0].matMul(uv[1].transpose()); // (T, T)
    }

    @Override
    public NDArray band(ParameterStore ps, int T, int first, int J, NDArray like, boolean training) {
      NDArray[] uv = factors(ps, T, like, training);
      NDArray U = uv[0];
      NDArray Vf = uv[1];
      NDArray columns = bandColumns(like.getManager(), T, first, J); // (T, J)
      NDList diagonals = new NDList();
      for (int j = 0; j < J; j++) {
        // One diagonal of u vᵀ at a time, u_t · v_{t+δ}: O(T·d′) each, so the T×T product is never formed.
        try (Scope step = new Scope(like.getManager(), U, Vf, columns)) {
          NDArray at = columns.get(new NDIndex(":, {}", j)).reshape(T, 1).broadcast(T, dPrime);
          NDArray vShifted = Vf.gather(at, 0); // (T, d′): v_{t+δ}
          diagonals.add(step.keep(U.mul(vShifted).sum(new int[] {1}))); // (T)
        }
      }
      return NDArrays.stack(diagonals, 1); // (T, J)
    }

    public int dPrime() {
      return dPrime;
    }

    @Override
    public long parameterCount() {
      return 2L * maxLength * dPrime;
    }

    @Override
    public String toString() {
      return "w = u vᵀ, u, v " + maxLength + "×" + dPrime;
    }
  }
}
