package org.attentioncourse.papa;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.attentioncourse.attention.TransformerModel;

/** Small models and data shared by the PAPA tests. */
final class PapaTestSupport {

  private PapaTestSupport() {}

  /** An initialised per-token model with random weights: vocabulary 12, T = {@code T}, 2 layers × 2 heads, D 16. */
  static TransformerModel perTokenModel(NDManager m, int T, long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    TransformerModel model =
        TransformerModel.builder().vocabSize(12).maxLength(T).dModel(16).heads(2).layers(2).perToken(12).build();
    model.initialize(m, DataType.FLOAT32, new Shape(2, T), new Shape(2, T));
    return model;
  }

  /** Random labelled examples over tokens 3..11 with random lengths in [2, T]; label = whether token 3 occurs. */
  static List<ProbeExample> labelled(int n, int T, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<ProbeExample> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int len = 2 + r.nextInt(T - 1);
      int[] tokens = new int[T];
      int[] mask = new int[T];
      int label = 0;
      for (int i = 0; i < len; i++) {
        tokens[i] = 3 + r.nextInt(9);
        mask[i] = 1;
        if (tokens[i] == 3) {
          label = 1;
        }
      }
      out.add(ProbeExample.labelled(tokens, mask, null, label));
    }
    return out;
  }

  /** Every initialised parameter's values, for checking that nothing changed. */
  static List<float[]> snapshot(ai.djl.nn.Block block) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(p.getValue().getArray().toType(DataType.FLOAT32, false).toFloatArray());
    }
    return out;
  }
}
