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
}
