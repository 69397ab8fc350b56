package org.attentioncourse.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * PAPA's probe for sequence classification (the official code's "freeze-extract pooler"):
 *
 * <pre>
 *   pₗ = Σₜ wₗ,ₜ mₜ hₗ,ₜ                 for every hidden state l = 0 … L (embeddings and each layer)
 *   y  = W_c tanh(W_d [p₀; p₁; …; p_L] + b_d) + b_c
 * </pre>
 *
 * The position weights w (L+1, T) start uniform at 1/T and are not renormalised, as in the official code; the
 * mask m keeps padding out.
 */
final class PooledProbe implements Probe {

  private final int hidden;

  PooledProbe(int hidden) {
    this.hidden = hidden;
  }

  @Override
  public String name() {
    return "pooled";
  }

  @Override
  public Head create(ProbedModel model, int classes, boolean perToken) {
    if (perToken) {
      throw new IllegalArgumentException(
          "the pooled probe classifies whole sequences, but this data has per-token targets; use"
              + " Probe.outputLayer() or Probe.modelOutput()");
    }
    Net net = new Net(model.layers() + 1, model.maxLength(), hidden > 0 ? hidden : model.width(), classes);
    return new Head() {
      @Override
      public Block block() {
        return net;
      }

      @Override
      public void initialize(NDManager manager, int batch, int T) {
        net.initialize(manager, DataType.FLOAT32, new Shape(batch, T, model.width()), new Shape(batch, T));
      }

      @Override
      public NDArray logits(ParameterStore ps, ProbedModel m, NDList in, boolean training) {
        NDList states = m.hiddenStates(ps, in.get(0), in.get(1), in.get(2), false);
        return net.logits(ps, states, in.get(1), training);
      }
    };
  }

  @Override
  public String toString() {
    return "pooled(hidden=" + (hidden > 0 ? hidden : "D") + ")";
  }

  /** The probe's parameters: position weights, the Dense layer and the classifier. */
  static final class Net extends AbstractBlock {
    private final int states;
    private final int T;
    private final Parameter weights;
    private final Linear dense;
    private final Linear classifier;

    Net(int states, int T, int hidden, int classes) {
      super((byte) 1);
      this.states = states;
      this.T = T;
      weights =
          addParameter(
              Parameter.builder()
                  .setName("positionWeights")
                  .setType(Parameter.Type.OTHER)
                  .optInitializer(new ConstantInitializer(1f / T))
                  .optShape(new Shape(states, T))
                  .build());
      dense = addChildBlock("dense", Linear.builder().setUnits(hidden).build());
      classifier = addChildBlock("classifier", Linear.builder().setUnits(classes).build());
    }

    NDArray logits(ParameterStore ps, NDList hiddenStates, NDArray mask, boolean training) {
      if (hiddenStates.size() != states) {
        throw new IllegalArgumentException(
            "the probe was built for " + states + " hidden states but got " + hiddenStates.size());
      }
      NDArray x0 = hiddenStates.get(0); // (B, T, D)
      if (x0.getShape().get(1) != T) {
        throw new IllegalArgumentException("the probe was built for T=" + T + " but the input has shape " + x0.getShape());
      }
      NDArray W = ps.getValue(weights, x0.getDevice(), training); // (L+1, T)
      // mask first: the product then belongs to the batch's manager, not to the parameter's
      NDArray wm = mask.toType(x0.getDataType(), false).expandDims(1).mul(W); // (B, L+1, T): wₗ,ₜ mₜ
      NDList pooled = new NDList(states);
      for (int l = 0; l < states; l++) {
        NDArray w = wm.get(":, {}:{}, :", l, l + 1); // (B, 1, T)
        pooled.add(w.matMul(hiddenStates.get(l)).squeeze(1)); // (B, D)
      }
      NDArray p = ai.djl.ndarray.NDArrays.concat(pooled, 1); // (B, (L+1) D)
      NDArray h = Activation.tanh(dense.forward(ps, new NDList(p), training).head()); // (B, hidden)
      return classifier.forward(ps, new NDList(h), training).head(); // (B, classes)
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      throw new UnsupportedOperationException("call logits(ps, hiddenStates, mask, training)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
      return new Shape[] {new Shape(inputs[0].get(0), -1)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
      long B = inputShapes[0].get(0);
      long D = inputShapes[0].get(2);
      dense.initialize(manager, dataType, new Shape(B, states * D));
      classifier.initialize(manager, dataType, dense.getOutputShapes(new Shape[] {new Shape(B, states * D)}));
    }
  }
}
