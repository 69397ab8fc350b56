package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PairAlignmentTest {

  static final int CLS = 101;
  static final int SEP = 102;
  static final int PAD = 0;

  @Test
  void theSecondSegmentStartsAtHalfAndTheFinalSepIsLast() {
    PairAlignment.Aligned a = PairAlignment.pair(new int[] {7, 8}, new int[] {9}, 12, CLS, SEP, PAD);
    assertArrayEquals(new int[] {CLS, 7, 8, SEP, PAD, PAD, 9, PAD, PAD, PAD, PAD, SEP}, a.tokens());
    assertArrayEquals(new int[] {1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1}, a.mask());
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, a.segments());
    assertEquals(1, a.withLabel(1).label());
  }

  @Test
  void longSegmentsAreTruncatedToTheirHalf() {
    int[] a = {1, 2, 3, 4, 5, 6, 7, 8};
    int[] b = {11, 12, 13, 14, 15, 16, 17, 18};
    PairAlignment.Aligned x = PairAlignment.pair(a, b, 9, CLS, SEP, PAD); // half = 4; b gets 9 − 4 − 1 = 4 tokens
    assertArrayEquals(new int[] {CLS, 1, 2, SEP, 11, 12, 13, 14, SEP}, x.tokens());
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, x.mask());
  }

  @Test
  void aSingleSentenceKeepsTheUsualLayout() {
    PairAlignment.Aligned s = PairAlignment.single(new int[] {5, 6}, 6, CLS, SEP, PAD);
    assertArrayEquals(new int[] {CLS, 5, 6, SEP, PAD, PAD}, s.tokens());
    assertArrayEquals(new int[] {1, 1, 1, 1, 0, 0}, s.mask());
    assertThrows(IllegalArgumentException.class, () -> PairAlignment.pair(new int[] {1}, new int[] {2}, 3, CLS, SEP, PAD));
  }
}
