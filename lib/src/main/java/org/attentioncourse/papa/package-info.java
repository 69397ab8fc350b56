/**
 * The PAPA probe (Hassid, Peng, Rotem, Kasai, Montero, Smith, Schwartz, "How Much Does Attention Actually
 * Attend? Questioning the Importance of Attention in Pretrained Transformers", Findings of EMNLP 2022, arXiv
 * 2211.03495): how much does a trained model lose when its attention heads stop depending on the input?
 *
 * <ol>
 *   <li><b>Constant matrices</b> ({@link org.attentioncourse.papa.ConstantMatrices}): one pass of the frozen model
 *       over the task's training set; per layer, head and (i, j) the mean attention over the examples where both
 *       i and j are real tokens: C = Σₙ A⁽ⁿ⁾ ⊙ m⁽ⁿ⁾m⁽ⁿ⁾ᵀ / Σₙ m⁽ⁿ⁾m⁽ⁿ⁾ᵀ.
 *   <li><b>Use</b> ({@link org.attentioncourse.papa.ConstantAttention}): for an example with mask m a replaced
 *       head attends with rownorm(C ⊙ m mᵀ).
 *   <li><b>Which heads first</b> ({@link org.attentioncourse.papa.HeadGates}, {@link
 *       org.attentioncourse.papa.GateRanking}): a gate per head, A' = σ(λ) A + (1 − σ(λ)) C̃, λ = 0 at the start,
 *       trained with the probe while the model is frozen; heads go in ascending λ ({@link
 *       org.attentioncourse.papa.HeadOrder}; a random order is the control).
 *   <li><b>Probe</b> ({@link org.attentioncourse.papa.Probe}, {@link org.attentioncourse.papa.ProbeTrainer}):
 *       per-layer position-weighted pooling, concatenated, Dense + tanh + classifier; the model stays frozen.
 *       The probing baseline is the same probe with no head replaced. {@link
 *       org.attentioncourse.papa.TribuoProbe} is a cheap linear variant.
 *   <li><b>Sweep</b> ({@link org.attentioncourse.papa.PapaSweep}): replace 0, ½, ⅞, 15⁄16 and all of the heads;
 *       report the score and its relative drop from the baseline.
 * </ol>
 *
 * The paper's headline: with no input-dependent attention at all, BERT-, RoBERTa- and DeBERTa-style models lose
 * on average 8% (relative) of their probing score, and little or nothing when half of the heads are constant.
 *
 * <p>The course's per-token tasks are scored two more ways ({@link org.attentioncourse.papa.Probe#modelOutput()}:
 * the trained model as it stands, nothing retrained; {@link org.attentioncourse.papa.Probe#outputLayer()}: a fresh
 * output layer on the frozen features). PAPA needs explicit attention matrices: softmax attention and the
 * Synthesizer have them; AFT and cosFormer do not, and probing them fails with a message saying so.
 *
 * <p>The pretrained encoder (all-MiniLM-L6-v2) is probed through {@link org.attentioncourse.papa.EncoderProbedModel},
 * which also turns real sentences, GLUE rows and sentence pairs into probe examples with its tokenizer.
 *
 * <p>GLUE files (SST-2, CoLA, MRPC) are read by {@link org.attentioncourse.papa.GlueTsv} for users who download
 * GLUE themselves; sentence pairs are aligned as the paper does by {@link org.attentioncourse.papa.PairAlignment}.
 */
package org.attentioncourse.papa;
