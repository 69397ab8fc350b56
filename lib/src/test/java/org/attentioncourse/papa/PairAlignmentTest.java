package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PairAlignmentTest {

  static final int CLS = 101;
  static final int SEP = 102;
  static final int PAD = 0;

  @Test
  void theOfficialLayoutMovesTheLastSepToTheEndAndTheSecondHalfToTOver2() {
    // the tokenizer's [CLS] 7 8 [SEP] 9 [SEP], types 0 0 0 0 1 1, in a window of 12
    PairAlignment.Aligned p = PairAlignment.official(
        new int[] {CLS, 7, 8, SEP, 9, SEP}, new int[] {0, 0, 0, 0, 1, 1}, 12, SEP, PAD);
    assertArrayEquals(new int[] {CLS, 7, 8, PAD, PAD, PAD, SEP, 9, PAD, PAD, PAD, SEP}, p.tokens());
    assertArrayEquals(new int[] {1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1}, p.mask());
    assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0}, p.segments(), "types stay where they were");
    // a single sentence: [CLS] 5 6 then padding, its [SEP] at T − 1
    PairAlignment.Aligned s = PairAlignment.official(new int[] {CLS, 5, 6, SEP}, new int[4], 6, SEP, PAD);
    assertArrayEquals(new int[] {CLS, 5, 6, PAD, PAD, SEP}, s.tokens());
    assertArrayEquals(new int[] {1, 1, 1, 0, 0, 1}, s.mask());
    // a sentence that fills the window keeps every token where it is
    PairAlignment.Aligned full = PairAlignment.official(new int[] {CLS, 1, 2, 3, 4, SEP}, new int[6], 6, SEP, PAD);
    assertArrayEquals(new int[] {CLS, 1, 2, PAD, PAD, SEP}, full.tokens(), "cut at T/2, as the official code does");
  }

  @Test
  void theOfficialLayoutCutsTheFirstPartAtHalfAndTheSecondBeforeTheEnd() {
    // [CLS] a1..a8 [SEP] b1 [SEP] (12 tokens) in a window of 12: a is cut at T/2 = 6, b follows the [SEP]
    int[] ids = {CLS, 1, 2, 3, 4, 5, 6, 7, 8, SEP, 11, SEP};
    int[] types = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    PairAlignment.Aligned p = PairAlignment.official(ids, types, 12, SEP, PAD);
    assertArrayEquals(new int[] {CLS, 1, 2, 3, 4, 5, SEP, 11, PAD, PAD, PAD, SEP}, p.tokens());
    // [CLS] a1 [SEP] b1..b9 [SEP] in 12: the second part stops before T − 1
    int[] longB = {CLS, 1, SEP, 11, 12, 13, 14, 15, 16, 17, 18, SEP};
    PairAlignment.Aligned q = PairAlignment.official(longB, new int[12], 12, SEP, PAD);
    assertArrayEquals(new int[] {CLS, 1, PAD, PAD, PAD, PAD, SEP, 11, 12, 13, 14, SEP}, q.tokens());
    assertArrayEquals(new int[] {1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, q.mask());
    var e = assertThrows(IllegalArgumentException.class,
        () -> PairAlignment.official(new int[] {CLS, 1, 2}, new int[3], 8, SEP, PAD));
    assertTrue(e.getMessage().contains("no [SEP]"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PairAlignment.official(new int[9], new int[9], 8, SEP, PAD)); // longer than the window
  }

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
