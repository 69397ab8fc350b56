package org.attentioncourse.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Checks of array shapes with messages that name both shapes, so a mistake is found where it is made. */
final class Shapes {

  private Shapes() {}

  /** Size of {@code axis} of {@code a}; negative axes count from the end. */
  static long dim(NDArray a, int axis) {
    Shape s = a.getShape();
    return s.get(axis < 0 ? s.dimension() + axis : axis);
  }

  static void rank(NDArray a, String name, int... allowed) {
    int r = a.getShape().dimension();
    for (int ok : allowed) {
      if (r == ok) {
        return;
      }
    }
    throw new IllegalArgumentException(
        name + " must have rank " + java.util.Arrays.toString(allowed) + " but has shape " + a.getShape());
  }

  static void sameAxis(NDArray a, String aName, int aAxis, NDArray b, String bName, int bAxis, String what) {
    long x = a.getShape().get(aAxis < 0 ? a.getShape().dimension() + aAxis : aAxis);
    long y = b.getShape().get(bAxis < 0 ? b.getShape().dimension() + bAxis : bAxis);
    if (x != y) {
      throw new IllegalArgumentException(
          what + " differ: " + aName + " has shape " + a.getShape() + ", " + bName + " has shape " + b.getShape());
    }
  }

  static void keyMask(NDArray keyMask, long batch, long length, Shape of) {
    if (keyMask == null) {
      return;
    }
    Shape s = keyMask.getShape();
    if (s.dimension() != 2 || s.get(0) != batch || s.get(1) != length) {
      throw new IllegalArgumentException(
          "key mask has shape " + s + " but the keys have shape " + of + ": expected (" + batch + ", " + length + ")");
    }
  }
}
