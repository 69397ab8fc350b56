/**
 * A real pretrained encoder in the course's own blocks: all-MiniLM-L6-v2 (sentence-transformers; Reimers and
 * Gurevych 2019, arXiv 1908.10084, distilled from MiniLM, Wang et al. 2020, arXiv 2002.10957), a 6-layer, 12-head,
 * 384-wide BERT (Devlin et al. 2019, arXiv 1810.04805), read from the ONNX file that a Maven artifact ships.
 *
 * <pre>
 *   h₀ = LayerNorm(E_word[ids] + E_pos + E_type)
 *   hₗ = LayerNorm(h' + W₂ GELU(W₁ h' + b₁) + b₂),   h' = LayerNorm(hₗ₋₁ + MHA(hₗ₋₁))
 *   MHA: softmax(Q Kᵀ / √dₕ + M) V per head (Vaswani et al. 2017, Eq. 1), then W_O
 *   sentence = normalize(masked mean of h₆)
 * </pre>
 *
 * <ul>
 *   <li>{@link org.attentioncourse.encoder.MiniLm}: load, encode, embed, and reach every layer's attention through
 *       the course's {@link org.attentioncourse.attention.AttentionEdit} hook (the PAPA probe replaces heads
 *       there);
 *   <li>{@link org.attentioncourse.encoder.WordPieceTokenizer}: BERT's tokenizer, configured from the
 *       tokenizer.json;
 *   <li>{@link org.attentioncourse.encoder.OnnxGraph}: the initializers and nodes of an ONNX file, read with a
 *       minimal protobuf reader of the course's own.
 * </ul>
 *
 * The port is checked against ONNX Runtime and Hugging Face's tokenizer on real sentences (MiniLmGoldenTest).
 */
package org.attentioncourse.encoder;
