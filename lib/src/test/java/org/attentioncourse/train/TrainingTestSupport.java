package org.attentioncourse.train;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.lang.reflect.Field;
import java.util.Map;

/** Test helpers shared across packages. */
public final class TrainingTestSupport {

  private TrainingTestSupport() {}

  /** Live resources (arrays and sub-managers) under {@code m}, counted recursively. */
  public static int countResources(NDManager m) {
    try {
      Field f = BaseNDManager.class.getDeclaredField("resources");
      f.setAccessible(true);
      int n = 0;
      for (Object r : ((Map<?, ?>) f.get(m)).values()) {
        n++;
        if (r instanceof NDManager child) {
          n += countResources(child);
        }
      }
      return n;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot inspect the NDManager", e);
    }
  }
}
