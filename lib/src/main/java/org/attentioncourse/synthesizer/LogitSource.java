package org.attentioncourse.synthesizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One way to produce attention logits S(X), (B or 1, H, T, T), before masking and softmax. The Synthesizer's
 * variants are the sources below; a mixture adds several of them inside the softmax.
 */
public abstract class LogitSource extends AbstractBlock {

  protected final int dModel;
  protected final int heads;
  protected final int maxLength;

  protected LogitSource(int dModel, int heads, int maxLength) {
    super((byte) 1);
    this.dModel = dModel;
    this.heads = heads;
    this.maxLength = maxLength;
  }

  /** The logits for x (B, T, D); arrays derived from parameters are attached to x's manager. */
  public abstract NDArray logits(ParameterStore ps, NDArray x, boolean training);

  /** Short name used in tables: "R", "D", "V", .... */
  public abstract String symbol();

  /** Moves an array derived from a parameter (a slice, a product) to the batch's manager. */
  protected static NDArray local(NDArray derived, NDArray x) {
    derived.attach(x.getManager());
    return derived;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(logits(ps, inputs.head(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    Shape x = inputs[0];
    return new Shape[] {new Shape(x.get(0), heads, x.get(1), x.get(1))};
  }

  /** Initialises child blocks for an input x (B, T, D); sources with only direct parameters need nothing. */
  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}
}
