package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The efficient forms of AFT's weighted average (Zhai et al. 2021, arXiv 2105.14103, Eq. 2), on arrays:
 *
 * <pre>
 *   Ȳ_t = Σ_{t'} exp(K_{t'} + w_{t,t'}) ⊙ V_{t'}  /  Σ_{t'} exp(K_{t'} + w_{t,t'})      (per channel)
 * </pre>
 *
 * with the sums over the keys t' a query t may see: every real key, or the real keys t' ≤ t when causal. AFT's
 * output is σ(Q_t) ⊙ Ȳ_t; the blocks of this package add σ(Q) and the projections. K and V are (B, T, C); the
 * result is (B, T, C). A query that sees no real key (all keys padding) gets Ȳ = 0.
 *
 * <p><b>Why the maxima are subtracted.</b> exp overflows float32 above 88.7, so exp(K) alone turns into inf/inf
 * = NaN for moderately large keys. Every form divides numerator and denominator by the same exp(S_{t,c}) — a
 * shift S that cancels exactly — chosen as the largest exponent in play: a per-channel maximum of K and a per-row
 * maximum of w. The terms are then at most 1, and the largest one is exp(0) = 1 (up to the spread of w), so the
 * denominator cannot underflow to 0 either. In causal mode a single maximum over the whole sequence is not good
 * enough: a large <i>future</i> key would push every term a query may see below float32's range, giving 0/0.
 * The causal forms therefore use, for each query, the maximum over the keys it sees (a running maximum) and merge
 * partial sums the log-sum-exp way: (m₁, n₁) ⊕ (m₂, n₂) = (m, n₁e^{m₁−m} + n₂e^{m₂−m}) with m = max(m₁, m₂).
 * Taking the maxima of K and of w separately (instead of the maximum of K + w, which would cost a T×T×C pass) is
 * safe while a row of w spans less than about 80: only then could the key that dominates a channel sit where w
 * is so far below the row's maximum that its term underflows.
 *
 * <p><b>Cost.</b> None of the forms builds a T×T×C array.
 *
 * <ul>
 *   <li>{@link #simple}: w = 0. Non-causal: one sum over T. Causal: by blocks of 16 queries with one shift per
 *       block taken from past keys (a cumulative sum inside the block, the blocks' totals merged with ⊕ over
 *       the T/16 blocks; see {@code Blocks.shifts} for when that is exact), else a parallel prefix (scan) of the
 *       ⊕ above over all T positions, pairing neighbours and recursing on the pairs (Ladner–Fischer), O(T·C)
 *       work in about log₂T rounds but many more stored arrays.
 *   <li>{@link #full}: a T×T bias. Non-causal: exp(w − r) (T×T) times exp(K − M) ⊙ V (T×C), one matrix product,
 *       O(T²C) time and a T×T intermediate. Causal: the past of query t is t itself plus at most log₂T dyadic
 *       blocks that lie wholly in its past (key block [2is, 2is+s) for queries [2is+s, 2is+2s), s = 1, 2, 4,
 *       …); each block is summed by one batched matrix product with its own key maximum as shift — exact, since
 *       every key of the block is visible — and the partial sums are merged with ⊕. Still O(T²C) time (half of
 *       the non-causal product) and O(T·C) per level.
 *   <li>{@link #banded}: a bias that is nonzero only on a band of offsets t' − t (AFT-local: |t' − t| &lt; s;
 *       AFT-conv: the kernel's offsets) and 0, not −∞, elsewhere. Written as the global AFT-simple sum plus a
 *       correction on the band, exp(K + w) = exp(K) + (exp(w) − 1)·exp(K). The correction is summed by blocks of
 *       L ≈ J queries: block i meets the R = L + J − 1 keys of its window, the band's coefficients form one (L, R)
 *       matrix per block (and per channel when the bias has channels), and one batched matrix product sums all
 *       blocks. O(T·R·C) time and O(T·C + T·R) memory, autograd included: for a causal 1024-token sequence of
 *       256 channels with s = 32, forward and backward peaked 68 MB above their inputs (72 ms), where summing
 *       offset by offset, each offset keeping a (B, T, C) product, peaked at 236 MB (219 ms) ({@link
 *       AftTrainingBenchmark}). Causal:
 *       the global sums and the band share the blocks and their shifts ({@code Blocks.shifts}); when the keys' running maximum jumps by more than float32 can
 *       absorb within one block (tens, never for trained keys, but in the extreme-key tests), the scan and the
 *       band offset by offset, each query with its own shift, take over. Precision: where w is very negative on the band
 *       (w ≪ 0 on the key that dominates a channel), the correction cancels most of the global term and float32
 *       loses about log₁₀e^{−w} digits; with w of order 1, as learned biases are, this is invisible.
 * </ul>
 *
 * <p>The shifts are constants (their gradients are dropped), which is exact: the ratio does not depend on them.
 * Every array derived here is attached to K's manager.
 */
public final class AftOps {

  /**
   * Stands for −∞ where there is no key (padding, the empty sum). Finite, so that NO_KEY − NO_KEY = 0 and never
   * NaN; exp(NO_KEY − m) is exactly 0 for every real m in float32 and float64.
   */
  static final float NO_KEY = -1e30f;

  private AftOps() {}

  /**
   * AFT-simple (Eq. 5): Ȳ_t = Σ_{t'} softmax(K)_{t'} ⊙ V_{t'} over the keys t may see — the same vector for every t
   * when not causal.
   *
   * @param K keys (B, T, C)
   * @param V values (B, T, C)
   * @param keyMask (B, T), 1 for real tokens and 0 for padding, or null
   * @return Ȳ (B, T, C)
   */
  public static NDArray simple(NDArray K, NDArray V, NDArray keyMask, boolean causal) {
    return simple(K, V, keyMask, causal, CausalBand.AUTO);
  }

  static NDArray simple(NDArray K, NDArray V, NDArray keyMask, boolean causal, CausalBand form) {
    Keys k = keys(K, V, keyMask);
    Sums s = causal ? causalSums(k, new Blocks(k.T, 0, 1), form).sums() : totalSums(k);
    return ratio(s.n, s.z).broadcast(k.B, k.T, k.C);
  }

  /**
   * AFT-full (Eq. 2) with a T×T position bias w.
   *
   * @param w (T, T): w[t][t'] is added to K_{t'} for query t
   * @param K keys (B, T, C)
   * @param V values (B, T, C)
   * @param keyMask (B, T) or null
   * @return Ȳ (B, T, C)
   */
  public static NDArray full(NDArray w, NDArray K, NDArray V, NDArray keyMask, boolean causal) {
    Keys k = keys(K, V, keyMask);
    if (w.getShape().dimension() != 2 || w.getShape().get(0) != k.T || w.getShape().get(1) != k.T) {
      throw new IllegalArgumentException(
          "w has shape " + w.getShape() + " but the keys " + K.getShape() + " have length T = " + k.T
              + ": expected (" + k.T + ", " + k.T + ")");
    }
    w = onManagerOf(w, K);
    if (causal) {
      return fullCausal(w, k);
    }
    NDArray r = w.stopGradient().max(new int[] {1}, true); // (T, 1): per-row maximum of w
    NDArray shifted = w.sub(r);
    NDArray A = shifted.exp(); // (T, T), entries ≤ 1
    shifted.close(); // sub's backward needs neither value: keep one T×T array alive, not two
    Sums all = totalSums(k); // X = exp(K − M), M the per-channel maximum of K, 0 at padding
    NDArray XVX = all.X.mul(k.V).concat(all.X, 2); // (B, T, 2C): numerator and denominator in one product
    NDArray NZ = A.matMul(XVX); // (B, T, 2C): (T, T) × (B, T, 2C), broadcast over B
    return ratio(NZ.get(new NDIndex(":, :, :{}", k.C)), NZ.get(new NDIndex(":, :, {}:", k.C)));
  }

  /**
   * A bias that is w on a band of offsets and 0 elsewhere (AFT-local, Eq. 4, and AFT-conv, Eq. 6): for query t
   * and key t' = t + δ with δ = firstOffset + j, j &lt; J, the bias is w[t][j][c]; for every other key it is 0, so
   * the key still counts with weight exp(K_{t'}). When causal, offsets δ &gt; 0 are dropped.
   *
   * @param w (T or 1, J, C or 1): per query (or the same for all) and per channel (or the same for all)
   * @param firstOffset δ of column j = 0 (e.g. −(s−1) for AFT-local's window |δ| &lt; s)
   * @param K keys (B, T, C)
   * @param V values (B, T, C)
   * @param keyMask (B, T) or null
   * @return Ȳ (B, T, C)
   */
  public static NDArray banded(NDArray w, int firstOffset, NDArray K, NDArray V, NDArray keyMask, boolean causal) {
    return banded(w, firstOffset, K, V, keyMask, causal, CausalBand.AUTO);
  }

  /** How the causal band is summed: by blocks when that is safe for the given keys (AUTO), or as told (tests). */
  enum CausalBand {
    AUTO,
    BLOCKS,
    OFFSETS
  }

  static NDArray banded(
      NDArray w, int firstOffset, NDArray K, NDArray V, NDArray keyMask, boolean causal, CausalBand form) {
    Keys k = keys(K, V, keyMask);
    Shape ws = w.getShape();
    if (ws.dimension() != 3 || (ws.get(0) != 1 && ws.get(0) != k.T) || (ws.get(2) != 1 && ws.get(2) != k.C)) {
      throw new IllegalArgumentException(
          "band bias has shape " + ws + " but the keys have shape " + K.getShape() + ": expected (" + k.T
              + " or 1, J, " + k.C + " or 1)");
    }
    int J = (int) ws.get(1);
    int lo = firstOffset;
    if (causal) {
      J = Math.min(J, 1 - lo); // offsets δ ≤ 0 only
    }
    // Offsets beyond ±(T − 1) meet no key: trim them, so that a window wider than the sequence costs nothing.
    int first = Math.max(lo, (int) -(k.T - 1));
    int last = Math.min(lo + J - 1, (int) (k.T - 1));
    if (first > last) { // no offset left on the band: plain AFT-simple
      Sums global = causal ? causalSums(k, new Blocks(k.T, 0, 1), form).sums() : totalSums(k);
      return ratio(global.n, global.z).broadcast(k.B, k.T, k.C);
    }
    w = onManagerOf(w, K).get(new NDIndex(":, {}:{}, :", first - lo, last - lo + 1)); // (T|1, J, C|1)
    lo = first;
    J = last - first + 1;
    Blocks blocks = new Blocks(k.T, lo, J);
    Causal c = causal ? causalSums(k, blocks, form) : null;
    Sums global = causal ? c.sums() : totalSums(k);
    long rows = w.getShape().get(0);
    long cols = w.getShape().get(2);
    // Row shift r ≥ every bias in the row (the 0 outside the band included): all factors below are ≤ 1.
    NDArray r = w.stopGradient().max(new int[] {1}, true).maximum(scalar(K, 0)); // (T|1, 1, C|1)
    NDArray outside = r.neg().exp(); // e^{−r}: weight of a key off the band
    NDArray coef = w.sub(r).exp().sub(outside); // (T|1, J, C|1): e^{w−r} − e^{−r}, the band's correction
    // Numerator and denominator travel together as (B, T, 2, C): [.., 0, ..] = Σ … ⊙ V, [.., 1, ..] = Σ ….
    NDArray acc = outside.reshape(1, rows, 1, cols).mul(NDArrays.stack(new NDList(global.n, global.z), 2));
    NDArray total;
    if (!causal) {
      // One shift M per channel for all queries, so the correction is one product per block of queries.
      NDArray corr;
      try (Scope step = new Scope(K.getManager(), global.X, k.V, coef)) { // the windows die here, not with the batch
        NDArray pair = NDArrays.stack(new NDList(global.X.mul(k.V), global.X), 2); // (B, T, 2, C)
        corr = step.keep(blocks.correction(coef, blocks.windows(pair, 0)));
      }
      total = acc.add(corr);
    } else if (c.sigma() != null) {
      total = acc.add(causalBand(blocks, coef, k, c.sigma()));
    } else {
      total = causalByOffset(coef, lo, J, k, acc, global.S);
    }
    return ratio(total.get(new NDIndex(":, :, 0")), total.get(new NDIndex(":, :, 1")));
  }

  /** Causal global sums, and the per-block shift σ (B, nb, C) they are relative to (null: the scan's m_t). */
  private record Causal(Sums sums, NDArray sigma) {}

  /**
   * The causal global sums: by blocks (a cumulative sum inside each block, the blocks' totals carried by the ⊕
   * scan over nb blocks) when {@link Blocks#shifts} finds it safe, else by the scan over all T positions.
   */
  private static Causal causalSums(Keys k, Blocks blocks, CausalBand form) {
    NDArray sigma = form == CausalBand.OFFSETS ? null : blocks.shifts(k);
    if (sigma == null && form == CausalBand.BLOCKS) {
      throw new IllegalStateException("the blocked causal sums would overflow for these keys");
    }
    return sigma == null ? new Causal(runningSums(k), null) : new Causal(blocks.sums(k, sigma), sigma);
  }

  /**
   * The causal band's correction by blocks, relative to the block's shift σ like the blocked global sums: the
   * window's terms exp(K − σ), masked, times [V, 1], and one batched product with the band's matrices.
   */
  private static NDArray causalBand(Blocks blocks, NDArray coef, Keys k, NDArray sigma) {
    try (Scope step = new Scope(k.Keff.getManager(), k.Keff, k.mask, k.V, coef, sigma)) {
      NDArray Kw = blocks.windows(k.Keff, NO_KEY); // (B, nb, R, C)
      NDArray X = Kw.sub(sigma.expandDims(2)).exp().mul(blocks.windows(k.mask, 0)); // (B, nb, R, C): 0 at padding
      NDArray pair = NDArrays.stack(new NDList(X.mul(blocks.windows(k.V, 0)), X), 3); // (B, nb, R, 2, C)
      return step.keep(blocks.correction(coef, pair)); // (B, T, 2, C)
    }
  }

  /**
   * The causal band offset by offset, with each query's own running maximum as shift: exact for any keys, but
   * autograd keeps a few (B, T, C) arrays per offset. Used only when {@link Blocks#shifts} says the blocked form
   * could overflow (keys whose running maximum jumps by tens within one block, as in the extreme-key tests). The
   * choice is made once per call.
   */
  private static NDArray causalByOffset(NDArray coef, int lo, int J, Keys k, NDArray acc, NDArray m) {
    long rows = coef.getShape().get(0);
    long cols = coef.getShape().get(2);
    NDArray perOffset = coef.transpose(1, 0, 2).reshape(J, 1, rows, 1, cols); // one (1, T|1, 1, C|1) per offset
    long left = -Math.min(0, lo);
    NDManager base = k.Keff.getManager();
    // exp(K_{t+δ} − m_t) ≤ 1 for δ ≤ 0; the mask is folded into [V, 1] so that padded keys add nothing.
    NDArray Kp = padTime(k.Keff, left, 0, NO_KEY); // (B, T+J−1, C)
    NDArray maskC = k.mask.broadcast(k.B, k.T, k.C);
    NDArray pair = padTime(NDArrays.stack(new NDList(k.V.mul(k.mask), maskC), 2), left, 0, 0); // (B, T+J−1, 2, C)
    for (int j = 0; j < J; j++) {
      long from = lo + j + left;
      NDArray next;
      try (Scope step = new Scope(base, Kp, pair, perOffset, m, acc)) {
        NDIndex keys = new NDIndex(":, {}:{}", from, from + k.T);
        NDArray X = Kp.get(keys).sub(m).exp().expandDims(2); // (B, T, 1, C): exp(K_{t+δ} − m_t)
        next = step.keep(X.mul(pair.get(keys)).mul(perOffset.get(j)).add(acc));
      }
      acc.close(); // only the newest partial sums are needed from here on
      acc = next;
    }
    return acc;
  }

  /**
   * Queries in blocks of L; block i's keys are the window t' = iL + lo + b, b &lt; R = L + J − 1, so that query
   * iL + a meets key b at offset δ = lo + b − a, i.e. band column j = b − a. The band's coefficients become one (L, R)
   * matrix per block (per channel, when the bias has channels), and the correction for all queries of all blocks is
   * one batched matrix product: O(T·R·C) time and memory instead of the T×T×C of the literal form.
   */
  private static final class Blocks {
    final long T;
    final int lo;
    final int J;
    final long L;
    final long nb;
    final long R;

    Blocks(long T, int lo, int J) {
      this.T = T;
      this.lo = lo;
      this.J = J;
      // R ≤ 2L, so a window is two neighbouring blocks; at least 16 queries a block keep the product efficient.
      this.L = Math.max(J - 1, Math.min(Math.max(J, 16), T));
      this.nb = (T + L - 1) / L;
      this.R = L + J - 1;
    }

    /** a (B, T, …) → (B, nb, R, …): window i holds a[iL + lo + b], {@code fill} outside the sequence. */
    NDArray windows(NDArray a, float fill) {
      long need = (nb + 1) * L; // one block more than the queries: window i spans blocks i and i + 1
      NDArray p = lo >= 0 ? a.get(new NDIndex(":, {}:", Math.min(lo, T))) : padTime(a, -lo, 0, fill);
      long len = p.getShape().get(1);
      p = len > need ? p.get(new NDIndex(":, :{}", need)) : padTime(p, 0, need - len, fill);
      NDArray pb = split(p, nb + 1); // (B, nb + 1, L, …)
      NDArray two = pb.get(new NDIndex(":, :{}", nb)).concat(pb.get(new NDIndex(":, 1:")), 2); // (B, nb, 2L, …)
      return two.get(new NDIndex(":, :, :{}", R));
    }

    /** (B, nb, 1, C) → (B, T, C): each query's block value. */
    NDArray perQuery(NDArray perBlock) {
      long B = perBlock.getShape().get(0);
      long C = perBlock.getShape().get(3);
      return perBlock.broadcast(B, nb, L, C).reshape(B, nb * L, C).get(new NDIndex(":, :{}", T));
    }

    /** a (B, T, …) → (B, nb, L, …), {@code fill} past the end. */
    NDArray blocked(NDArray a, float fill) {
      return split(padTime(a, 0, nb * L - T, fill), nb);
    }

    /** (B, count·L, …) → (B, count, L, …). */
    private NDArray split(NDArray a, long count) {
      long[] dims = a.getShape().getShape();
      long[] out = new long[dims.length + 1];
      out[0] = dims[0];
      out[1] = count;
      out[2] = L;
      System.arraycopy(dims, 2, out, 3, dims.length - 2);
      return a.reshape(new Shape(out));
    }

    /**
     * The shift σ of each block for the causal forms, (B, nb, C), or null when they could overflow. σ is the
     * running maximum of the keys at the block's first query that has seen a real key: at the block's start
     * (the largest key up to iL) if that query has seen one, else the block's first real key, else NO_KEY (a
     * block with nothing to see). So σ depends only on keys a query of the block may see — its output does not
     * depend on later tokens, to the last bit — and σ ≤ m_t, the running maximum of every query that has seen a
     * key: carried sums exp(K − σ) ≤ 1 from earlier blocks, and the block's own terms at most exp(blockmax − σ).
     * That must stay far below overflow: float32 60 of its 88.7 (room for the sum of a block's terms), float64
     * 600 of 709. Keys whose running maximum climbs by more than that within one block (never for trained
     * models' keys; the extreme-key tests do it) are left to the exact scan. One value is read back per call.
     */
    NDArray shifts(Keys k) {
      DataType type = k.Keff.getDataType();
      double headroom = type == DataType.FLOAT64 ? 600 : type == DataType.FLOAT32 ? 60 : 1;
      NDArray Kb = blocked(k.Keff.stopGradient(), NO_KEY); // (B, nb, L, C)
      NDArray Mb = blocked(k.mask.stopGradient(), 0); // (B, nb, L, 1)
      NDArray blockMax = Kb.max(new int[] {2}); // (B, nb, C)
      NDArray start = exclusiveMax(blockMax).maximum(Kb.get(new NDIndex(":, :, 0"))); // largest key up to iL
      NDArray seen = start.gt(NO_KEY / 2).toType(type, false);
      NDArray firstReal = Mb.cumSum(2).eq(scalar(Mb, 1)).toType(type, false).mul(Mb); // (B, nb, L, 1): 1 there
      NDArray hasReal = firstReal.sum(new int[] {2}); // (B, nb, 1)
      NDArray firstKey = Kb.mul(firstReal).sum(new int[] {2}).add(scalar(Kb, 1).sub(hasReal).mul(scalar(Kb, NO_KEY)));
      NDArray sigma = start.mul(seen).add(scalar(start, 1).sub(seen).mul(firstKey)); // (B, nb, C)
      double gap = blockMax.sub(sigma).max().toType(DataType.FLOAT64, false).getDouble();
      return gap <= headroom ? sigma : null;
    }

    /** (B, nb, C) → the same with every block's value moved to the next block and {@code fill} in the first. */
    private NDArray shiftRight(NDArray x, float fill) {
      if (nb == 1) {
        return x.getManager().full(x.getShape(), fill, x.getDataType());
      }
      return padTime(x.get(new NDIndex(":, :{}", nb - 1)), 1, 0, fill);
    }

    /** The largest value of earlier blocks, NO_KEY for the first: (B, nb, C), by doubling steps. */
    private NDArray exclusiveMax(NDArray x) {
      NDArray y = shiftRight(x, NO_KEY);
      for (long d = 1; d < nb; d *= 2) {
        y = y.maximum(padTime(y.get(new NDIndex(":, :{}", nb - d)), d, 0, NO_KEY));
      }
      return y;
    }

    /**
     * The causal global sums relative to the blocks' shifts σ: inside a block a cumulative sum of exp(K − σ)·[V,
     * 1]; before it, the earlier blocks' totals, merged by the ⊕ scan over the nb blocks and brought to σ.
     */
    Sums sums(Keys k, NDArray sigma) {
      long B = k.B;
      long C = k.C;
      NDArray X = blocked(k.Keff, NO_KEY).sub(sigma.expandDims(2)).exp().mul(blocked(k.mask, 0)); // (B, nb, L, C)
      NDArray both = NDArrays.stack(new NDList(X.mul(blocked(k.V, 0)), X), 3); // (B, nb, L, 2, C)
      NDArray within = both.cumSum(2);
      NDArray totals = within.get(new NDIndex(":, :, {}", L - 1)); // (B, nb, 2, C)
      NDArray[] P = prefix(sigma, totals.get(new NDIndex(":, :, 0")), totals.get(new NDIndex(":, :, 1")));
      NDArray[] before = new NDArray[3]; // the blocks before block i (none for i = 0)
      float[] identity = {NO_KEY, 0, 0};
      for (int q = 0; q < 3; q++) {
        before[q] = shiftRight(P[q], identity[q]);
      }
      NDArray f = before[0].sub(sigma).exp(); // (B, nb, C), ≤ 1: σ of an earlier block ≤ σ
      NDArray carry = NDArrays.stack(new NDList(before[1].mul(f), before[2].mul(f)), 2).expandDims(2); // (B, nb, 1, 2, C)
      NDArray nz = within.add(carry).reshape(B, nb * L, 2, C).get(new NDIndex(":, :{}", T)); // (B, T, 2, C)
      NDArray S = perQuery(sigma.expandDims(2));
      return new Sums(S, nz.get(new NDIndex(":, :, 0")), nz.get(new NDIndex(":, :, 1")), null);
    }

    /**
     * Σ_b A_i[a, b] · pair[B, i, b, …] for every block: coef (T|1, J, C|1), pair (B, nb, R, 2, C) → (B, T, 2, C).
     */
    NDArray correction(NDArray coef, NDArray pair) {
      long rows = coef.getShape().get(0);
      long cols = coef.getShape().get(2);
      long B = pair.getShape().get(0);
      long C = pair.getShape().get(4);
      boolean perRow = rows > 1;
      boolean perChannel = cols > 1;
      long G = perRow ? nb : 1;
      NDArray A = blockMatrices(coef, perRow); // (G·cols, L, R): one matrix per block and channel
      // Bring the batch axes (block when per row, channel when per channel) first and the key axis next.
      int[] order = perRow
          ? (perChannel ? new int[] {1, 4, 2, 0, 3} : new int[] {1, 2, 0, 3, 4})
          : (perChannel ? new int[] {4, 2, 0, 1, 3} : new int[] {2, 0, 1, 3, 4});
      NDArray Xb = pair.transpose(order);
      Shape arranged = Xb.getShape();
      NDArray out = A.matMul(Xb.reshape(G * cols, R, -1)); // (G·cols, L, rest)
      long[] outDims = arranged.getShape().clone();
      int keyAxis = (perRow ? 1 : 0) + (perChannel ? 1 : 0);
      outDims[keyAxis] = L;
      int[] inverse = new int[order.length];
      for (int i = 0; i < order.length; i++) {
        inverse[order[i]] = i;
      }
      NDArray back = out.reshape(new Shape(outDims)).transpose(inverse); // (B, nb, L, 2, C)
      return back.reshape(B, nb * L, 2, C).get(new NDIndex(":, :{}", T));
    }

    /**
     * The band's coefficients as one (L, R) matrix per block (nb of them when the bias is per query, else 1) and per
     * channel (when it has channels): (G·cols, L, R) with A[a][b] = coef[iL + a][b − a] for 0 ≤ b − a &lt; J, else 0.
     * The skew needs no index: a row of J coefficients padded with L zeros is L + J = R + 1 long, so in the
     * flattened (L, R + 1) matrix entry (a, b − a) sits at a·R + b — the flattened (L, R) matrix wanted; the
     * padding supplies the zeros off the band on both sides.
     */
    private NDArray blockMatrices(NDArray coef, boolean perRow) {
      long J = coef.getShape().get(1);
      long cols = coef.getShape().get(2);
      NDManager m = coef.getManager();
      NDArray M; // (G, cols, L, J): the coefficients of each block's queries
      long G;
      if (perRow) {
        G = nb;
        NDArray c = coef;
        if (nb * L > T) { // queries past the end: zero rows
          c = c.concat(m.zeros(new Shape(nb * L - T, J, cols), coef.getDataType()), 0);
        }
        M = c.reshape(nb, L, J, cols).transpose(0, 3, 1, 2);
      } else {
        G = 1;
        M = coef.transpose(0, 2, 1).reshape(1, cols, 1, J).broadcast(1, cols, L, J);
      }
      NDArray padded = M.concat(m.zeros(new Shape(G, cols, L, L), coef.getDataType()), 3); // (G, cols, L, L + J)
      return padded.reshape(G * cols, L * (L + J)).get(new NDIndex(":, :{}", L * R)).reshape(G * cols, L, R);
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  /** The keys as the forms use them: K with padded keys replaced by NO_KEY, and the mask as (B, T, 1). */
  private record Keys(NDArray Keff, NDArray V, NDArray mask, long B, long T, long C) {}

  private static Keys keys(NDArray K, NDArray V, NDArray keyMask) {
    Shape s = K.getShape();
    if (s.dimension() != 3) {
      throw new IllegalArgumentException("K must have shape (B, T, C) but has shape " + s);
    }
    if (!V.getShape().equals(s)) {
      throw new IllegalArgumentException("K and V must have the same shape: K " + s + ", V " + V.getShape());
    }
    long B = s.get(0);
    long T = s.get(1);
    long C = s.get(2);
    NDArray mask;
    if (keyMask == null) {
      mask = K.getManager().ones(new Shape(B, T, 1), K.getDataType());
    } else {
      Shape ms = keyMask.getShape();
      if (ms.dimension() != 2 || ms.get(0) != B || ms.get(1) != T) {
        throw new IllegalArgumentException(
            "key mask has shape " + ms + " but the keys have shape " + s + ": expected (" + B + ", " + T + ")");
      }
      mask = onManagerOf(keyMask, K).toType(K.getDataType(), false).reshape(B, T, 1);
    }
    // K where the key is real, NO_KEY where it is padding (so padding never sets a maximum)
    NDArray fill = scalar(K, 1).sub(mask).mul(scalar(K, NO_KEY)); // (B, T, 1)
    NDArray Keff = K.mul(mask).add(fill);
    return new Keys(Keff, V, mask, B, T, C);
  }

  /**
   * Partial sums relative to a shift S: n = Σ exp(K − S) ⊙ V, z = Σ exp(K − S); X = exp(K − S) at each key when
   * S is the same for every query (non-causal), else null.
   */
  private record Sums(NDArray S, NDArray n, NDArray z, NDArray X) {}

  /** All keys, shift = per-channel maximum: S, n, z are (B, 1, C). */
  private static Sums totalSums(Keys k) {
    NDArray M = k.Keff.stopGradient().max(new int[] {1}, true); // (B, 1, C)
    NDArray X = k.Keff.sub(M).exp().mul(k.mask); // (B, T, C)
    return new Sums(M, X.mul(k.V).sum(new int[] {1}, true), X.sum(new int[] {1}, true), X);
  }

  /** Keys t' ≤ t for every t, shift = running maximum: S, n, z are (B, T, C). */
  private static Sums runningSums(Keys k) {
    NDArray m = k.Keff.stopGradient(); // each key alone is its own maximum
    NDArray X = k.Keff.sub(m).exp().mul(k.mask); // = the mask in value, but carries the gradient of K
    NDArray[] p = prefix(m, X.mul(k.V), X);
    return new Sums(p[0], p[1], p[2], null);
  }

  /**
   * Inclusive prefix of ⊕ along axis 1 for (B, L, C) triples (m, n, z). Pairs of neighbours are merged, the pairs'
   * prefix is found recursively, and the even positions are completed from the pair before them: 2L merges in
   * all, about log₂L rounds.
   */
  static NDArray[] prefix(NDArray m, NDArray n, NDArray z) {
    long B = m.getShape().get(0);
    long L = m.getShape().get(1);
    long C = m.getShape().get(2);
    if (L == 1) {
      return new NDArray[] {m, n, z};
    }
    try (Scope step = new Scope(m.getManager(), m, n, z)) {
      if (L % 2 == 1) { // append the identity: no key
        m = m.concat(fill(step.manager(), B, 1, C, NO_KEY, m.getDataType()), 1);
        n = n.concat(fill(step.manager(), B, 1, C, 0, n.getDataType()), 1);
        z = z.concat(fill(step.manager(), B, 1, C, 0, z.getDataType()), 1);
      }
      long H = (L + 1) / 2;
      NDIndex even = new NDIndex(":, :, 0");
      NDIndex odd = new NDIndex(":, :, 1");
      NDArray[] e = {m.reshape(B, H, 2, C).get(even), n.reshape(B, H, 2, C).get(even), z.reshape(B, H, 2, C).get(even)};
      NDArray[] o = {m.reshape(B, H, 2, C).get(odd), n.reshape(B, H, 2, C).get(odd), z.reshape(B, H, 2, C).get(odd)};
      NDArray[] pairs = merge(e, o); // (B, H, C): x_{2i} ⊕ x_{2i+1}
      NDArray[] P = prefix(pairs[0], pairs[1], pairs[2]); // prefix up to and including position 2i+1
      NDArray[] before = new NDArray[3]; // prefix up to position 2i−1 (the identity for i = 0)
      float[] identity = {NO_KEY, 0, 0};
      for (int i = 0; i < 3; i++) {
        NDArray head = fill(step.manager(), B, 1, C, identity[i], P[i].getDataType());
        before[i] = H == 1 ? head : head.concat(P[i].get(new NDIndex(":, :{}, :", H - 1)), 1);
      }
      NDArray[] E = merge(before, e); // prefix up to and including position 2i
      NDArray[] out = new NDArray[3];
      for (int i = 0; i < 3; i++) {
        NDArray both = NDArrays.stack(new NDList(E[i], P[i]), 2).reshape(B, 2 * H, C);
        out[i] = step.keep(both.get(new NDIndex(":, :{}, :", L)));
      }
      return out;
    }
  }

  /** (m₁, n₁, z₁) ⊕ (m₂, n₂, z₂) with broadcasting; the m are shifts without gradient. */
  static NDArray[] merge(NDArray[] a, NDArray[] b) {
    NDArray m = a[0].maximum(b[0]);
    NDArray fa = a[0].sub(m).exp();
    NDArray fb = b[0].sub(m).exp();
    return new NDArray[] {m, a[1].mul(fa).add(b[1].mul(fb)), a[2].mul(fa).add(b[2].mul(fb))};
  }

  /** Causal AFT-full by dyadic blocks (see the class comment). */
  private static NDArray fullCausal(NDArray w, Keys k) {
    long B = k.B;
    long T = k.T;
    long C = k.C;
    long P = Long.highestOneBit(T) == T ? T : Long.highestOneBit(T) * 2; // T padded to a power of two
    NDManager base = k.Keff.getManager();
    // r_t = max over t' ≤ t of w[t][t']; future entries become exp(NO_KEY − r) = 0
    NDArray i = base.arange(0, T, 1, DataType.INT64).reshape(T, 1);
    NDArray j = base.arange(0, T, 1, DataType.INT64).reshape(1, T);
    NDArray past = j.lte(i); // (T, T) booleans
    NDArray wPast = NDArrays.where(past, w, scalar(k.Keff, NO_KEY)); // (T, T)
    past.close();
    NDArray r = wPast.stopGradient().max(new int[] {1}, true); // (T, 1)
    wPast.subi(r); // in place: sub's and where's backward need none of these values
    NDArray Aflat = wPast.exp().reshape(T * T); // causal weights exp(w − r), row-major
    wPast.close(); // from here on exp(w − r) is the only T×T array

    NDArray Kp = padTime(k.Keff, 0, P - T, NO_KEY); // (B, P, C)
    NDArray Vp = padTime(k.V, 0, P - T, 0);
    NDArray Mp = padTime(k.mask, 0, P - T, 0); // (B, P, 1)
    // The key t itself, with its own K as shift.
    NDArray diag = Aflat.get(new NDIndex("::{}", T + 1)); // (T): exp(w[t][t] − r_t)
    diag = padTime(diag.reshape(1, T, 1), 0, P - T, 0); // (1, P, 1)
    NDArray m = Kp.stopGradient();
    NDArray z = Kp.sub(m).exp().mul(Mp).mul(diag);
    NDArray n = z.mul(Vp);
    for (long s = 1; s < P; s *= 2) {
      long blocks = P / (2 * s);
      NDArray[] next = new NDArray[3];
      try (Scope step = new Scope(base, Kp, Vp, Mp, Aflat, m, n, z)) {
        NDIndex keyHalf = new NDIndex(":, :, 0");
        NDIndex queryHalf = new NDIndex(":, :, 1");
        NDArray Kb = Kp.reshape(B, blocks, 2, s, C).get(keyHalf); // (B, blocks, s, C)
        NDArray Vb = Vp.reshape(B, blocks, 2, s, C).get(keyHalf);
        NDArray Mb = Mp.reshape(B, blocks, 2, s, 1).get(keyHalf);
        NDArray kmax = Kb.stopGradient().max(new int[] {2}, true); // (B, blocks, 1, C): every key visible
        NDArray X = Kb.sub(kmax).exp().mul(Mb); // (B, blocks, s, C)
        NDArray index = blockIndex(step.manager(), T, blocks, s); // (blocks, s, s)
        NDArray Ab = Aflat.take(step.manager(), index); // (blocks, s, s): queries of a block × its keys
        index.close();
        NDArray cn = Ab.matMul(X.mul(Vb)); // (B, blocks, s, C)
        NDArray cz = Ab.matMul(X);
        NDArray[] state = new NDArray[3];
        NDArray[] parts = {m, n, z};
        NDArray[] hiParts = new NDArray[3];
        for (int q = 0; q < 3; q++) {
          NDArray r5 = parts[q].reshape(B, blocks, 2, s, C);
          state[q] = r5.get(keyHalf);
          hiParts[q] = r5.get(queryHalf);
        }
        NDArray[] merged = merge(hiParts, new NDArray[] {kmax, cn, cz});
        for (int q = 0; q < 3; q++) {
          next[q] = step.keep(NDArrays.stack(new NDList(state[q], merged[q]), 2).reshape(B, P, C));
        }
      }
      m.close();
      n.close();
      z.close();
      m = next[0];
      n = next[1];
      z = next[2];
    }
    return ratio(n, z).get(new NDIndex(":, :{}, :", T));
  }

  /**
   * Flat indices into the T×T weights of the dyadic blocks of size s: entry (b, a, c) is row 2bs + s + a (a query
   * of block b), column 2bs + c (a key of the block's first half). Rows and columns past T (padding) are clamped
   * to T − 1; they meet only padded keys (weight 0) or padded queries (dropped).
   */
  private static NDArray blockIndex(NDManager m, long T, long blocks, long s) {
    NDArray start = m.arange(0, blocks, 1, DataType.INT64).mul(2 * s).reshape(blocks, 1, 1);
    NDArray offset = m.arange(0, s, 1, DataType.INT64);
    NDArray rows = start.add(offset.reshape(1, s, 1)).add(s).minimum(T - 1); // (blocks, s, 1)
    NDArray cols = start.add(offset.reshape(1, 1, s)).minimum(T - 1); // (blocks, 1, s)
    return rows.mul(T).add(cols); // (blocks, s, s)
  }

  /** num / den, with 0 where den = 0 (a query that sees no real key). */
  private static NDArray ratio(NDArray num, NDArray den) {
    NDArray empty = den.eq(scalar(den, 0)).toType(den.getDataType(), false);
    return num.div(den.add(empty));
  }

  /** Pads axis 1 (time) of an array with {@code before} and {@code after} entries of {@code value}. */
  private static NDArray padTime(NDArray a, long before, long after, float value) {
    if (before == 0 && after == 0) {
      return a;
    }
    long[] dims = a.getShape().getShape().clone(); // getShape() hands out the Shape's own array
    NDList parts = new NDList();
    if (before > 0) {
      dims[1] = before;
      parts.add(a.getManager().full(new Shape(dims), value, a.getDataType()));
    }
    parts.add(a);
    if (after > 0) {
      dims[1] = after;
      parts.add(a.getManager().full(new Shape(dims), value, a.getDataType()));
    }
    return NDArrays.concat(parts, 1);
  }

  private static NDArray fill(NDManager m, long b, long t, long c, float value, DataType type) {
    return m.full(new Shape(b, t, c), value, type);
  }

  /** A scalar in the manager of {@code like}, of its type: never a Java number on an autograd path. */
  static NDArray scalar(NDArray like, double value) {
    return like.getManager().create(value).toType(like.getDataType(), false);
  }

  /**
   * {@code a} itself if it already lives in {@code like}'s manager, else a view of it attached there — so that an
   * array derived from a parameter dies with the batch instead of piling up in the parameter's manager.
   */
  static NDArray onManagerOf(NDArray a, NDArray like) {
    if (a.getManager() == like.getManager()) {
      return a;
    }
    NDArray view = a.reshape(a.getShape());
    view.attach(like.getManager());
    return view;
  }
}
