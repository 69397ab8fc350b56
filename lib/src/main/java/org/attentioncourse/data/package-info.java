/**
 * Seeded tasks that separate what attention mechanisms can do, and real text for language modelling.
 *
 * <ul>
 *   <li>Position-only: {@link org.attentioncourse.data.Copy}, {@link org.attentioncourse.data.Reverse}. A fixed,
 *       input-independent attention pattern solves them, so a Random Synthesizer can learn them exactly.
 *   <li>Content-based: {@link org.attentioncourse.data.AssociativeRecall}, {@link org.attentioncourse.data.Sort}.
 *       Which position holds the answer depends on the token values.
 *   <li>Hierarchical: {@link org.attentioncourse.data.ListOps}, nested expressions classified by their value.
 *   <li>Real text: {@link org.attentioncourse.data.CharLanguageModel}, next-character prediction on a text that
 *       {@link org.attentioncourse.data.TextDatasets} fetches and checks (Moby Dick), scored in bits per
 *       character; {@link org.attentioncourse.data.ByteLanguageModel}, next-byte prediction on large memory-mapped
 *       corpora (enwik8, WikiText-103 raw), scored in bits per byte (the papers' enwik8 "bpc").
 *   <li>Real sentences to classify, for probing a pretrained encoder ({@link
 *       org.attentioncourse.data.TextClassification} of {@link org.attentioncourse.data.LabelledText}, no
 *       tokenizer involved): {@link org.attentioncourse.data.BigramShift} on Moby Dick (one swapped pair, or
 *       {@link org.attentioncourse.data.BigramShift#wordShuffle all plain words shuffled}), where only word order
 *       tells the classes apart, and {@link org.attentioncourse.data.StateOfTheUnion} party and era, which
 *       are mostly lexical. {@link org.attentioncourse.data.Sentences} is the documented sentence splitter.
 * </ul>
 *
 * <p>Every task produces {@link org.attentioncourse.data.Example}s in one shared layout (see {@link
 * org.attentioncourse.data.Vocab} for the reserved ids); {@link org.attentioncourse.data.Splits} draws disjoint,
 * deterministic train/validation/test sets and {@link org.attentioncourse.data.Batches} cuts them into {@link
 * org.attentioncourse.data.Batch}es that become DJL arrays.
 */
package org.attentioncourse.data;
