package org.attentioncourse.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/**
 * A fresh output layer on the frozen model's output features ({@link ProbedModel#outputFeatures}): per token for
 * token tasks, on the masked mean over real tokens for classification. Everything below it stays frozen.
 */
final class OutputLayerProbe implements Probe {

  @Override
  public String name() {
    return "output-layer";
  }

  @Override
  public Head create(ProbedModel model, int classes, boolean perToken) {
    Linear out = Linear.builder().setUnits(classes).build();
    return new Head() {
      @Override
      public Block block() {
        return out;
      }

      @Override
      public void initialize(NDManager manager, int batch, int T) {
        out.initialize(
            manager, DataType.FLOAT32, perToken ? new Shape(batch, T, model.width()) : new Shape(batch, model.width()));
      }

      @Override
      public NDArray logits(ParameterStore ps, ProbedModel m, NDList in, boolean training) {
        NDList states = m.hiddenStates(ps, in.get(0), in.get(1), in.get(2), false);
        NDArray x = m.outputFeatures(ps, states, false); // (B, T, D)
        if (!perToken) {
          NDArray mask = in.get(1).toType(x.getDataType(), false).expandDims(2); // (B, T, 1)
          x = x.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1})); // (B, D); every example has a real token
        }
        return out.forward(ps, new NDList(x), training).head();
      }
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
