package org.attentioncourse.papa;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * The result of training PAPA's head gates: the final λ of every head and the order they give.
 *
 * <pre>{@code
 * GateRanking r = GateRanking.train(probed, C, Probe.pooled(), train, ProbeConfig.defaults());
 * HeadOrder order = r.order(); // ascending λ
 * }</pre>
 *
 * @param lambda λ[layer][head] after training
 * @param order heads by ascending λ
 * @param losses the joint training loss after each step
 */
public record GateRanking(double[][] lambda, HeadOrder order, List<Double> losses) {

  /**
   * Installs gates (λ = 0) on every head of the frozen {@code model}, trains them together with a fresh {@code
   * probe} on {@code train}, and ranks the heads. The model's edits are restored afterwards. For token tasks
   * {@link Probe#modelOutput()} trains the gates alone against the model's own output layer.
   */
  @SuppressWarnings("try") // the handles only undo the edits when closed
  public static GateRanking train(
      ProbedModel model, ConstantMatrices C, Probe probe, List<ProbeExample> train, ProbeConfig cfg) {
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      HeadGates gates = HeadGates.create(model, m);
      List<Double> losses;
      try (ConstantAttention.Installed g = gates.install(model, C);
          ProbeTrainer.TrainedProbe p = ProbeTrainer.train(model, probe, train, cfg, gates)) {
        losses = p.losses();
      }
      double[][] lambda = gates.values();
      return new GateRanking(lambda, HeadOrder.byValues(lambda), losses);
    }
  }
}
