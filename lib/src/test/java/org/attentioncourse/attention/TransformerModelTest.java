package org.attentioncourse.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class TransformerModelTest {

  @Test
  void aCausalModelIgnoresTheFuture() {
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel lm =
          TransformerModel.causalLanguageModel(12, 10, TransformerModel.builder().dModel(16).heads(2).layers(2));
      lm.initialize(m, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray a = m.create(new int[][] {{3, 4, 5, 6, 7, 8, 9, 10}});
      NDArray b = m.create(new int[][] {{3, 4, 5, 6, 11, 2, 1, 0}}); // same first 4 tokens
      NDArray la = lm.forward(ps, new NDList(a), false).head(); // (1, 8, 12)
      NDArray lb = lm.forward(ps, new NDList(b), false).head();
      assertEquals(new Shape(1, 8, 12), la.getShape());
      NDArray pastA = la.get(new NDIndex(":, :4"));
      NDArray pastB = lb.get(new NDIndex(":, :4"));
      assertTrue(pastA.allClose(pastB, 0, 0, false), "positions 0-3 must not see tokens 4-7");
      assertTrue(!la.get(new NDIndex(":, 4:")).allClose(lb.get(new NDIndex(":, 4:"))), "later positions do");
    }
  }

  @Test
  void aPooledClassifierHasOneRowPerExampleAndPaddingDoesNotMatter() {
    try (NDManager m = NDManager.newBaseManager()) {
      TransformerModel clf =
          TransformerModel.builder().vocabSize(10).maxLength(6).dModel(16).heads(2).layers(1).pooled(3).build();
      clf.initialize(m, DataType.FLOAT32, new Shape(2, 6), new Shape(2, 6));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray tokens = m.create(new int[][] {{5, 6, 7, 0, 0, 0}, {5, 6, 7, 9, 9, 9}}); // same real tokens
      NDArray mask = m.create(new float[][] {{1, 1, 1, 0, 0, 0}, {1, 1, 1, 0, 0, 0}});
      NDArray logits = clf.forward(ps, new NDList(tokens, mask), false).head();
      assertEquals(new Shape(2, 3), logits.getShape());
      assertTrue(logits.get(0).allClose(logits.get(1), 1e-5, 1e-6, false), "what sits under padding is ignored");
    }
  }

  /** hiddenStates gives L + 1 states of shape (B, T, D), and the output layer on the last of them is forward. */
  @Test
  void hiddenStatesAreEveryLayersOutputAndForwardReadsTheLast() {
    try (NDManager m = NDManager.newBaseManager()) {
      for (TransformerModel.Builder b : new TransformerModel.Builder[] {
          TransformerModel.builder().vocabSize(10).maxLength(6).dModel(8).heads(2).layers(3).perToken(10),
          TransformerModel.builder().vocabSize(10).maxLength(6).dModel(8).heads(2).layers(3).pooled(4)}) {
        TransformerModel model = b.build();
        model.initialize(m, DataType.FLOAT32, new Shape(2, 6), new Shape(2, 6));
        ParameterStore ps = new ParameterStore(m, false);
        NDArray tokens = m.create(new int[][] {{3, 4, 5, 0, 0, 0}, {5, 6, 7, 8, 9, 3}});
        NDArray mask = m.create(new float[][] {{1, 1, 1, 0, 0, 0}, {1, 1, 1, 1, 1, 1}});
        NDList states = model.hiddenStates(ps, tokens, mask, false);
        assertEquals(4, states.size(), "embeddings + 3 layers");
        for (NDArray s : states) {
          assertEquals(new Shape(2, 6, 8), s.getShape());
        }
        // layer l's state is layer l applied to state l − 1
        for (int l = 0; l < 3; l++) {
          NDArray next = model.layers().get(l).forward(ps, new NDList(states.get(l), mask), false).head();
          assertTrue(next.allClose(states.get(l + 1), 0, 0, false), "state " + (l + 1));
          // the attention input is the state LayerNorm-ed per position: mean 0, variance 1 (fresh γ = 1, β = 0)
          NDArray a = model.layers().get(l).attentionInput(ps, states.get(l), false); // (B, T, D)
          assertEquals(states.get(l).getShape(), a.getShape());
          assertTrue(a.mean(new int[] {2}).abs().max().getFloat() < 1e-5f, "mean 0 per position, layer " + l);
          float var = a.pow(a.getManager().create(2f)).mean(new int[] {2}).sub(a.getManager().create(1f)).abs().max().getFloat();
          assertTrue(var < 1e-3f, "variance 1 per position, layer " + l + ": off by " + var);
        }
        NDArray logits = model.forward(ps, new NDList(tokens, mask), false).head();
        NDArray x = model.finalFeatures(ps, states.get(3), false);
        if (model.config().output() == TransformerModel.Output.POOLED) {
          NDArray mk = mask.expandDims(2);
          x = x.mul(mk).sum(new int[] {1}).div(mk.sum(new int[] {1}));
        }
        ai.djl.nn.Block head = null;
        for (ai.djl.util.Pair<String, ai.djl.nn.Block> c : model.getChildren()) {
          if (c.getKey().endsWith("head")) {
            head = c.getValue();
          }
        }
        NDArray manual = head.forward(ps, new NDList(x), false).head();
        assertTrue(logits.allClose(manual, 1e-6, 1e-6, false), "forward = head(finalFeatures(last state))");
      }
    }
  }

  @Test
  void configurationErrorsAreClear() {
    var e = assertThrows(IllegalArgumentException.class, () -> TransformerModel.builder().maxLength(4).perToken(3).build());
    assertTrue(e.getMessage().contains("vocabSize"), e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> TransformerModel.builder().vocabSize(5).maxLength(4).build());
    assertTrue(e2.getMessage().contains("perToken"), e2.getMessage());
    var e3 =
        assertThrows(
            IllegalArgumentException.class,
            () -> TransformerModel.builder().vocabSize(5).maxLength(4).dModel(10).heads(3).perToken(5).build());
    assertTrue(e3.getMessage().contains("10") && e3.getMessage().contains("3"), e3.getMessage());
  }
}
