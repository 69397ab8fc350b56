package org.attentioncourse.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import org.attentioncourse.data.Example;

/**
 * Mean cross-entropy over the positions that have a target: −(1/N) Σ log softmax(z)[y], where positions with
 * target {@link Example#IGNORE} are left out of both the sum and N. Works for per-token logits (B, T, C) with
 * targets (B, T) and for pooled logits (B, C) with labels (B).
 */
public final class MaskedCrossEntropy extends Loss {

  public MaskedCrossEntropy() {
    super("masked-cross-entropy");
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray z = predictions.singletonOrThrow(); // (…, C)
    NDArray y = labels.singletonOrThrow(); // (…)
    if (z.getShape().dimension() != y.getShape().dimension() + 1
        || !z.getShape().slice(0, z.getShape().dimension() - 1).equals(y.getShape())) {
      throw new IllegalArgumentException(
          "logits of shape " + z.getShape() + " do not fit targets of shape " + y.getShape());
    }
    int classes = (int) z.getShape().get(z.getShape().dimension() - 1);
    NDArray keep = y.gte(0).toType(z.getDataType(), false); // 1 where there is a target
    NDArray safe = y.maximum(0); // IGNORE → class 0, then weighted by 0
    NDArray logp = z.logSoftmax(-1);
    NDArray picked = logp.mul(safe.oneHot(classes).toType(z.getDataType(), false)).sum(new int[] {-1}); // (…)
    NDArray count = keep.sum().maximum(1f);
    return picked.mul(keep).sum().neg().div(count);
  }
}
