package org.attentioncourse.aft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A step of a loop whose intermediates die with it. DJL frees an array only when its manager closes, so a loop of
 * k steps over (B, T, C) arrays would otherwise hold k·B·T·C numbers until the whole batch is done — O(T·s·d)
 * memory for AFT-local's s offsets instead of O(T·d).
 *
 * <p>The arrays a step reads are attached to the step for its lifetime ({@link NDArray#tempAttach}); results of
 * operations land in the manager of their first operand, so everything the step computes from them is the
 * step's and is closed with it. What the step produces for later is moved out with {@link #keep}.
 *
 * <p>Closing an intermediate is safe under autograd: libtorch counts references, and the graph keeps its own
 * reference to every tensor the backward pass needs. (The course's one rule about freed memory concerns scalars
 * made from Java numbers, which alias Java buffers; no such scalar is created here.)
 */
final class Scope implements AutoCloseable {

  private final NDManager outer;
  private final NDManager step;

  /** Opens a step under {@code outer}; {@code inputs} (distinct arrays) are the step's until it closes. */
  Scope(NDManager outer, NDArray... inputs) {
    this.outer = outer;
    this.step = outer.newSubManager();
    for (NDArray a : inputs) {
      a.tempAttach(step);
    }
  }

  /** The step's own manager, for arrays made from nothing (zeros, indices). */
  NDManager manager() {
    return step;
  }

  /** Moves a result out of the step, into the outer manager. */
  NDArray keep(NDArray a) {
    a.attach(outer);
    return a;
  }

  @Override
  public void close() {
    step.close();
  }
}
