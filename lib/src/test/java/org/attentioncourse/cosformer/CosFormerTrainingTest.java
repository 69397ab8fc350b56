package org.attentioncourse.cosformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.attentioncourse.train.TrainingTestSupport;
import org.junit.jupiter.api.Test;

/** cosFormer inside the course's model: it learns a small task, and it does not leak arrays per step. */
class CosFormerTrainingTest {

  @Test
  void cosFormerLearnsReverseWithoutGrowingMemory() {
    TrainingTestSupport.ReverseRun r = TrainingTestSupport.trainOnReverse("cosFormer", CosFormers.cosFormer());
    assertTrue(r.tokenAccuracy() >= 0.9, "reverse with cosFormer: " + r.test());
    assertEquals(r.liveAtStep50(), r.liveAtEnd(), "live arrays after step 50 vs the last step: " + r);
  }
}
