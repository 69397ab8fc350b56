package org.attentioncourse.train;

import ai.djl.ndarray.NDManager;

/** Test helpers shared across packages. */
public final class TrainingTestSupport {

  private TrainingTestSupport() {}

  /** Live resources (arrays and sub-managers) under {@code m}, counted recursively. */
  public static int countResources(NDManager m) {
    return TrainingTest.countResources(m);
  }
}
