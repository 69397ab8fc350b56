package org.attentioncourse.synthesizer;

import java.util.List;

/**
 * Random Synthesizer: B = R, one l×l matrix of logits per head, the same for every input. Trainable ("Random",
 * l² parameters per head) or fixed at its random initial value ("Fixed Random": no gradient, no update). It can
 * only learn where to look by position, never by content.
 */
public final class RandomSynthesizer extends SynthesizedAttention {

  public RandomSynthesizer(int dModel, int heads, int maxLength, boolean trainable) {
    super(dModel, heads, maxLength, List.of(new Sources.Random(dModel, heads, maxLength, trainable)));
  }

  /** The logit matrix of head {@code h}, (l, l), as numbers (for heat maps). */
  public double[][] logits(int h) {
    return ((Sources.Random) sources().get(0)).matrix(h);
  }
}
