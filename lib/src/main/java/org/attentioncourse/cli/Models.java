package org.attentioncourse.cli;

import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Task;

/** Builds the course model a config describes. */
final class Models {

  private Models() {}

  /**
   * A {@link TransformerModel} for {@code task}: a causal language model (per-position logits, future masked)
   * for the language-model tasks, otherwise the shape {@link TransformerModel#forTask} gives the course tasks.
   */
  static TransformerModel build(ExperimentConfig.Model m, Task task, boolean languageModel) {
    if (m.mechanism() == null) {
      throw new IllegalArgumentException("this config uses a pretrained encoder, not a course model (PapaRun runs it)");
    }
    Mechanisms.Spec spec = Mechanisms.get(m.mechanism());
    TransformerModel.Builder b = TransformerModel.builder()
        .dModel(m.width()).heads(m.heads()).layers(m.layers()).ffnDim(m.ffn())
        .attention(m.mechanism(), spec.create(m.options()));
    return languageModel
        ? TransformerModel.causalLanguageModel(task.vocabSize(), task.length(), b)
        : TransformerModel.forTask(task, b);
  }
}
