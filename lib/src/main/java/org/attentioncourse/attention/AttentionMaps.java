package org.attentioncourse.attention;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.attentioncourse.data.Batch;
import org.attentioncourse.data.Example;

/** What a trained model attends to on one example: every layer's and head's weights, for heat maps. */
public final class AttentionMaps {

  private AttentionMaps() {}

  /**
   * Runs {@code model} on {@code example} and returns the attention weights as {@code [layer][head][Tq][Tk]}.
   * Layers whose mechanism has no explicit matrix give {@code null}. Edits already installed stay in force (the
   * maps show what the model really used) and are restored afterwards.
   */
  public static double[][][][] of(TransformerModel model, Example example) {
    int layers = model.layers().size();
    List<AttentionEdit> saved = new ArrayList<>(layers);
    List<AttentionRecorder> recorders = new ArrayList<>(layers);
    for (int l = 0; l < layers; l++) {
      AttentionMechanism a = model.attention(l);
      AttentionEdit before = a.edit();
      saved.add(before);
      if (a.hasAttentionMatrix()) {
        AttentionRecorder r = new AttentionRecorder();
        recorders.add(r);
        a.setEdit(before == null ? r : (w, mask) -> r.apply(before.apply(w, mask), mask));
      } else {
        recorders.add(null);
      }
    }
    try (NDManager m = NDManager.newBaseManager(deviceOf(model))) {
      NDList in = Batch.of(List.of(example)).toNDList(m);
      model.forward(new ParameterStore(m, false), new NDList(in.get(0), in.get(1)), false);
    } finally {
      for (int l = 0; l < layers; l++) {
        if (model.attention(l).hasAttentionMatrix()) {
          model.attention(l).setEdit(saved.get(l));
        }
      }
    }
    double[][][][] maps = new double[layers][][][];
    for (int l = 0; l < layers; l++) {
      AttentionRecorder r = recorders.get(l);
      if (r == null) {
        continue;
      }
      int heads = (int) r.shape()[1];
      maps[l] = new double[heads][][];
      for (int h = 0; h < heads; h++) {
        maps[l][h] = r.head(0, h);
      }
    }
    return maps;
  }

  private static ai.djl.Device deviceOf(TransformerModel model) {
    for (Pair<String, Parameter> p : model.getParameters()) {
      if (p.getValue().isInitialized()) {
        return p.getValue().getArray().getDevice();
      }
    }
    throw new IllegalStateException("the model is not initialised: train it or call initialize first");
  }
}
