package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.attentioncourse.attention.TransformerModel;
import org.junit.jupiter.api.Test;

class TribuoProbeTest {

  @Test
  void aLinearModelOnPooledFrozenFeaturesLearnsAnEasyTask() {
    int T = 6;
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel model = PapaTestSupport.perTokenModel(m, T, 4);
      ProbedModel probed = ProbedModel.of(model);
      List<ProbeExample> train = PapaTestSupport.labelled(300, T, 1);
      List<ProbeExample> test = PapaTestSupport.labelled(100, T, 2);
      Metrics score = Scorer.tribuo(train, test, 20).score(probed);
      int positives = 0;
      for (ProbeExample e : test) {
        positives += e.label();
      }
      double majority = Math.max(positives, test.size() - positives) / (double) test.size();
      assertTrue(score.accuracy() > majority + 0.05, "linear probe " + score + " vs majority " + majority);
      assertTrue(score.n() == 100);
    }
  }
}
