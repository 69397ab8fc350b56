/**
 * cosFormer (Qin, Sun, Deng, Li, Wei, Lv, Yan, Kong, Zhong, "cosFormer: Rethinking Softmax in Attention", ICLR
 * 2022, arXiv 2202.08791): linear attention that keeps two properties of softmax attention — non-negative weights
 * and a re-weighting that concentrates them — without the N × N matrix.
 *
 * <pre>
 *   similarity:     s(Qᵢ, Kⱼ) = ReLU(Qᵢ) ReLU(Kⱼ)ᵀ · cos(π/2 · (i − j)/M)
 *   output:         Oᵢ = Σⱼ s(Qᵢ, Kⱼ) Vⱼ / Σⱼ s(Qᵢ, Kⱼ)
 *   decomposition:  cos(π(i − j)/2M) = cos(πi/2M) cos(πj/2M) + sin(πi/2M) sin(πj/2M), so with
 *                   Qᵢ^cos = ReLU(Qᵢ) cos(πi/2M), Qᵢ^sin = ReLU(Qᵢ) sin(πi/2M) and likewise for K:
 *                   Oᵢ = [Qᵢ^cos Σⱼ (Kⱼ^cos)ᵀVⱼ + Qᵢ^sin Σⱼ (Kⱼ^sin)ᵀVⱼ] / [Qᵢ^cos Σⱼ (Kⱼ^cos)ᵀ + Qᵢ^sin Σⱼ (Kⱼ^sin)ᵀ]
 *   causal:         the same with Σ over j ≤ i (prefix sums)
 * </pre>
 *
 * The decomposed form costs O(N·d²). With positions 1..L and M ≥ L, |i − j| < M, so every weight is positive.
 *
 * <p>Where this implementation differs from the official code (OpenNLPLab/cosFormer), on purpose:
 *
 * <ul>
 *   <li>Padded keys are masked (the official forward accepts an attention mask but never uses it and has no key
 *       padding mask), and positions count real tokens only, so padding changes nothing for real tokens.
 *   <li>M is a documented option ({@link org.attentioncourse.cosformer.Horizon}): per-sequence real length, padded
 *       length (the official choice), or a fixed M — the default for causal attention, so that no output depends
 *       on how many tokens follow and generation does not rewrite the past.
 *   <li>The causal form is a chunked scan that carries one (2d × d) state, not an (N, 2d, d) tensor of every
 *       prefix sum.
 *   <li>Half-precision inputs are summed in float32; the denominator is clamped at eps = 1e-6 as in the official
 *       code, so a query whose ReLU features are all zero gets output 0.
 * </ul>
 *
 * <p>{@link org.attentioncourse.cosformer.CosFormer} holds both forms (linear and the quadratic "left product")
 * on NDArrays, {@link org.attentioncourse.cosformer.CosFormerReference} the double loops they are tested against,
 * {@link org.attentioncourse.cosformer.CosFormerAttention} the multi-head block, {@link
 * org.attentioncourse.cosformer.CosFormers} the factories for {@code TransformerModel.builder().attention(...)},
 * and {@link org.attentioncourse.cosformer.CosFormerMechanisms} the benchmark mechanisms.
 */
package org.attentioncourse.cosformer;
