/**
 * The Attention Free Transformer (Zhai, Talbott, Srivastava, Huang, Goh, Zhang, Susskind, "An Attention Free
 * Transformer", arXiv 2105.14103): no query–key dot products; each position mixes the values with weights
 * exp(K_{t'} + w_{t,t'}) per channel, and its own σ(Q_t) gates the result.
 *
 * <pre>
 *   Q, K, V = X W_Q, X W_K, X W_V
 *   AFT-full   (Eq. 2):  Y_t = σ(Q_t) ⊙ Σ_{t'} exp(K_{t'} + w_{t,t'}) ⊙ V_{t'} / Σ_{t'} exp(K_{t'} + w_{t,t'})
 *   attention view (Eq. 3): Y_t^i = ⟨a_t^i, V^i⟩,  a_t^i = σ(Q_t^i) exp(K^i + w_t) / Σ_{t'} exp(K_{t'}^i + w_{t,t'})
 *   AFT-local  (Eq. 4):  w′_{t,t'} = w_{t,t'} if |t − t'| &lt; s, else 0  (0, not −∞: far keys still count)
 *   AFT-simple (Eq. 5):  Y_t = σ(Q_t) ⊙ Σ_{t'} softmax(K)_{t'} ⊙ V_{t'}   (w = 0)
 *   AFT-conv   (Eq. 6):  Y_t^i = σ(Q_t^i) ⊙ [conv1d(e^{K^i} ⊙ V^i, e^{w^i} − 1) + Σ_{t'} e^{K_{t'}^i} V_{t'}^i]
 *                                       / [conv1d(e^{K^i}, e^{w^i} − 1) + Σ_{t'} e^{K_{t'}^i}]
 *                        w^i = γ^i (w^i − mean(w^i)) / std(w^i) + β^i,  γ, β initialised to 0
 *   causal: the sums run over t' ≤ t only.
 * </pre>
 *
 * <ul>
 *   <li>{@link org.attentioncourse.aft.AftFull}, {@link org.attentioncourse.aft.AftSimple}, {@link
 *       org.attentioncourse.aft.AftLocal}, {@link org.attentioncourse.aft.AftConv}: the variants as {@link
 *       org.attentioncourse.attention.AttentionMechanism}s, plugged into the course's models through {@link
 *       org.attentioncourse.aft.Afts}; w stored full or factorized as u vᵀ ({@link
 *       org.attentioncourse.aft.PositionBias}).
 *   <li>{@link org.attentioncourse.aft.AftOps}: the efficient forms on arrays, stable in float32 (per-channel
 *       maximum of K, per-row maximum of w, running maxima when causal), none of which forms a T×T×d array.
 *   <li>{@link org.attentioncourse.aft.AftReference}: the literal definition, as float64 loops and as the full
 *       (B, T, T, d) array with autograd, plus the implicit attention weights — for tests and the notebook.
 *   <li>{@link org.attentioncourse.aft.AftMechanisms}: the cores as benchmark mechanisms ({@code aft-full},
 *       {@code aft-simple}, {@code aft-local}, {@code aft-conv} in {@link org.attentioncourse.bench.SoftmaxBaseline}).
 * </ul>
 */
package org.attentioncourse.aft;
