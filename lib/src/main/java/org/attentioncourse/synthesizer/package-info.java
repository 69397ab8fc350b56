/**
 * The Synthesizer (Tay et al., "Synthesizer: Rethinking Self-Attention for Transformer Models", arXiv 2005.00743,
 * ICML 2021): attention weights that are not computed from query–key dot products.
 *
 * <pre>
 *   Y = softmax(B) G(X)
 *   Dense:              Bᵢ = W₂ ReLU(W₁ Xᵢ + b₁) + b₂      (row i depends on token i only)
 *   Random:             B = R ∈ ℝ^{l×l}, trained or fixed  (independent of the input)
 *   Factorized random:  B = R₁ R₂ᵀ, R₁, R₂ ∈ ℝ^{l×k}
 *   Factorized dense:   Bᵢ = H_A(Aᵢ) ⊙ H_B(Bᵢ), a·b = l
 *   Mixture:            B = Σ αᵢ Sᵢ(X), Σ αᵢ = 1, inside the softmax
 * </pre>
 *
 * Every variant is an {@link org.attentioncourse.attention.AttentionMechanism}, so it drops into the course's
 * models through {@link org.attentioncourse.synthesizer.Synthesizers}.
 */
package org.attentioncourse.synthesizer;
