package org.attentioncourse.synthesizer;

import org.attentioncourse.attention.AttentionFactory;

/** Factories that plug each Synthesizer variant into {@code TransformerModel.builder().attention(...)}. */
public final class Synthesizers {

  private Synthesizers() {}

  /** Random Synthesizer with a trainable R. */
  public static AttentionFactory random() {
    return (d, h, l) -> new RandomSynthesizer(d, h, l, true);
  }

  /** Random Synthesizer with R fixed at initialisation. */
  public static AttentionFactory fixedRandom() {
    return (d, h, l) -> new RandomSynthesizer(d, h, l, false);
  }

  /** Factorized Random Synthesizer of rank k. */
  public static AttentionFactory factorizedRandom(int k) {
    return (d, h, l) -> new FactorizedRandomSynthesizer(d, h, l, k);
  }

  /** Dense Synthesizer. */
  public static AttentionFactory dense() {
    return DenseSynthesizer::new;
  }

  /** Factorized Dense with a·b = l chosen as close to √l as l allows. */
  public static AttentionFactory factorizedDense() {
    return (d, h, l) -> {
      int[] ab = Sources.FactorizedDense.balancedFactors(l);
      return new SynthesizedAttention(d, h, l, java.util.List.of(new Sources.FactorizedDense(d, h, l, ab[0], ab[1])));
    };
  }

  /** Random + vanilla dot product, mixed inside the softmax ("R+V"). */
  public static AttentionFactory randomPlusVanilla() {
    return (d, h, l) -> new SynthesizedAttention(d, h, l,
        java.util.List.of(new Sources.Random(d, h, l, true), new Sources.DotProduct(d, h, l)));
  }

  /** Dense + vanilla dot product ("D+V"). */
  public static AttentionFactory densePlusVanilla() {
    return (d, h, l) -> new SynthesizedAttention(d, h, l,
        java.util.List.of(new Sources.Dense(d, h, l), new Sources.DotProduct(d, h, l)));
  }

  /** Random + Dense ("R+D"). */
  public static AttentionFactory randomPlusDense() {
    return (d, h, l) -> new SynthesizedAttention(d, h, l,
        java.util.List.of(new Sources.Random(d, h, l, true), new Sources.Dense(d, h, l)));
  }

  /** The paper's extra parameters per head (Table 1): random l², factorized random 2lk, dense d² + d·l. */
  public static long paperRandom(int l) {
    return (long) l * l;
  }

  public static long paperFactorizedRandom(int l, int k) {
    return 2L * l * k;
  }

  public static long paperDense(int d, int l) {
    return (long) d * d + (long) d * l;
  }

  public static long paperFactorizedDense(int d, int a, int b) {
    return (long) d * d + (long) d * (a + b);
  }
}
