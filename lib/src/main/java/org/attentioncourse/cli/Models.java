package org.attentioncourse.cli;

import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Task;

/** Builds the course model a config describes. */
final class Models {

  /** The class of the pretrained encoder port PAPA configs name (all-MiniLM-L6-v2). */
  static final String MINILM_CLASS = "org.attentioncourse.encoder.MiniLm";

  private Models() {}

  /**
   * A {@link TransformerModel} for {@code task}: a causal language model (per-position logits, future masked)
   * for the language-model tasks, otherwise the shape {@link TransformerModel#forTask} gives the course tasks.
   */
  static TransformerModel build(ExperimentConfig.Model m, Task task, boolean languageModel) {
    if (m.mechanism() == null) {
      throw new IllegalArgumentException("this config uses a pretrained encoder, not a course model");
    }
    Mechanisms.Spec spec = Mechanisms.get(m.mechanism());
    TransformerModel.Builder b = TransformerModel.builder()
        .dModel(m.width()).heads(m.heads()).layers(m.layers()).ffnDim(m.ffn())
        .attention(m.mechanism(), spec.create(m.options()));
    return languageModel
        ? TransformerModel.causalLanguageModel(task.vocabSize(), task.length(), b)
        : TransformerModel.forTask(task, b);
  }

  /**
   * Null when the pretrained encoder of a PAPA config can be used, otherwise why not (said plainly, for the
   * user). The encoder port is developed separately; until the command line is connected to it a PAPA config is
   * checked but not run.
   */
  static String encoderUnavailable(String encoder) {
    try {
      Class.forName(MINILM_CLASS, false, Models.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return "PAPA on a BERT-class encoder needs " + encoder + " (" + MINILM_CLASS + "), which is not on the class"
          + " path of this build yet. The config was checked and is valid; PAPA on the course's own models runs in"
          + " notebook 06 (org.attentioncourse.papa)";
    }
    return "the encoder " + MINILM_CLASS + " is on the class path, but this version of the command line does not run"
        + " PAPA sweeps on it yet. The config was checked and is valid";
  }
}
