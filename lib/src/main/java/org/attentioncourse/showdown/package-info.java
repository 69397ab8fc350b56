/**
 * The showdown (notebook 07): every attention mechanism of the course, trained with the same model size, budget,
 * data and seeds on the same tasks, and compared honestly.
 *
 * <ul>
 *   <li>{@link org.attentioncourse.showdown.Showdown}: the grid of (task, mechanism, seed) runs, resumable from a
 *       results file that is written atomically after every run;
 *   <li>{@link org.attentioncourse.showdown.ShowdownTask}: a task with its fixed splits, its score (test accuracy,
 *       or bits per character for language modelling) and its floor (the blind baseline, or the unigram entropy);
 *   <li>{@link org.attentioncourse.showdown.ShowdownSummary}: mean and spread over seeds, the share of the gap
 *       between floor and best that each mechanism closes ("where it breaks"), score against parameters, and the
 *       longest sequence each mechanism handles within a time and memory budget, from the forward-pass benchmark;
 *   <li>{@link org.attentioncourse.showdown.Baselines}: the blind baseline (also shown in notebook 02).
 * </ul>
 *
 * The mechanisms are those of the papers' packages: softmax attention (Vaswani et al. 2017), the Synthesizer
 * (arXiv 2005.00743), the Attention Free Transformer (arXiv 2105.14103) and cosFormer with its ReLU-only ablation
 * (arXiv 2202.08791).
 */
package org.attentioncourse.showdown;
