package org.attentioncourse.papa;

import java.util.List;

/**
 * How one point of a sweep is scored: called with the point's heads already replaced on the model.
 *
 * <pre>{@code
 * Scorer s = Scorer.probe(Probe.pooled(), train, test, ProbeConfig.defaults());   // PAPA
 * Scorer quick = Scorer.tribuo(train, test, 10);                                    // cheap variant
 * Scorer asIs = Scorer.modelOutput(test);                                           // token tasks, no training
 * }</pre>
 */
@FunctionalInterface
public interface Scorer {

  /** Scores the model as it is now. */
  Metrics score(ProbedModel model);

  /** Trains a fresh {@code probe} on {@code train} (model frozen) and scores it on {@code test}. */
  static Scorer probe(Probe probe, List<ProbeExample> train, List<ProbeExample> test, ProbeConfig cfg) {
    ProbeConfig withClasses = cfg;
    if (cfg.classes() < 0) {
      int k = Math.max(ProbeTrainer.classesOf(train), ProbeTrainer.classesOf(test));
      withClasses = cfg.copy().classes(Math.max(2, k));
    }
    ProbeConfig c = withClasses;
    return model -> {
      try (ProbeTrainer.TrainedProbe p = ProbeTrainer.train(model, probe, train, c)) {
        return p.evaluate(test, c.batchSize());
      }
    };
  }

  /** The model's own output layer on {@code test}, nothing trained: the trained model's score as it stands. */
  static Scorer modelOutput(List<ProbeExample> test) {
    return model -> {
      try (ProbeTrainer.TrainedProbe p = ProbeTrainer.untrained(model, Probe.modelOutput(), test)) {
        return p.evaluate(test);
      }
    };
  }

  /** The cheap variant: {@link TribuoProbe} with {@code epochs} epochs. */
  static Scorer tribuo(List<ProbeExample> train, List<ProbeExample> test, int epochs) {
    TribuoProbe t = new TribuoProbe(epochs, ProbeConfig.DEFAULT_SEED);
    return model -> t.score(model, train, test);
  }
}
