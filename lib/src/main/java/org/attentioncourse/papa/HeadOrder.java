package org.attentioncourse.papa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * The order in which heads are replaced: replacing n heads means replacing the first n of this list.
 *
 * <pre>{@code
 * HeadOrder byGates = HeadOrder.byGates(gates);          // PAPA: ascending λ
 * HeadOrder control = HeadOrder.random(probed, 7);       // the control
 * List<HeadId> half = byGates.first(byGates.size() / 2);
 * }</pre>
 */
public final class HeadOrder {

  private final String how;
  private final List<HeadId> heads;

  private HeadOrder(String how, List<HeadId> heads) {
    this.how = how;
    this.heads = List.copyOf(heads);
    if (heads.stream().distinct().count() != heads.size()) {
      throw new IllegalArgumentException("a head order lists every head once, got " + heads);
    }
  }

  /** PAPA's order: ascending λ, the heads that most prefer their constant matrix first; ties by (layer, head). */
  public static HeadOrder byGates(HeadGates gates) {
    return byValues(gates.values());
  }

  /** Ascending {@code lambda[layer][head]}, ties by (layer, head). */
  public static HeadOrder byValues(double[][] lambda) {
    List<HeadId> all = new ArrayList<>();
    for (int l = 0; l < lambda.length; l++) {
      for (int h = 0; h < lambda[l].length; h++) {
        all.add(new HeadId(l, h));
      }
    }
    all.sort(Comparator.<HeadId>comparingDouble(id -> lambda[id.layer()][id.head()]).thenComparing(id -> id));
    return new HeadOrder("gates", all);
  }

  /** A seeded random order of all heads of {@code model}: the control for the gate ranking. */
  public static HeadOrder random(ProbedModel model, long seed) {
    return random(model.layers(), model.heads(0), seed);
  }

  /** A seeded random order of {@code layers × heads} heads (Fisher-Yates from a {@link SplittableRandom}). */
  public static HeadOrder random(int layers, int heads, long seed) {
    List<HeadId> all = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        all.add(new HeadId(l, h));
      }
    }
    Collections.shuffle(all, new java.util.Random(new SplittableRandom(seed).nextLong()));
    return new HeadOrder("random(seed=" + seed + ")", all);
  }

  /** An explicit order, for example read back from {@link #toString()}'s list: {@code "L1H0 L0H3 ..."}. */
  public static HeadOrder of(String how, List<HeadId> heads) {
    return new HeadOrder(how, heads);
  }

  /** Parses a space-separated list such as {@code "L1H0 L0H3 L0H0"}. */
  public static HeadOrder parse(String how, String list) {
    List<HeadId> ids = new ArrayList<>();
    for (String s : list.trim().split("\\s+")) {
      ids.add(HeadId.parse(s));
    }
    return new HeadOrder(how, ids);
  }

  /** The first {@code n} heads. */
  public List<HeadId> first(int n) {
    if (n < 0 || n > heads.size()) {
      throw new IllegalArgumentException("cannot take " + n + " heads of an order of " + heads.size());
    }
    return heads.subList(0, n);
  }

  /** All heads, in order. */
  public List<HeadId> heads() {
    return heads;
  }

  public int size() {
    return heads.size();
  }

  /** How the order was made: "gates" or "random(seed=…)". */
  public String how() {
    return how;
  }

  /** The heads, space-separated: parseable by {@link #parse}. */
  public String list() {
    StringJoiner j = new StringJoiner(" ");
    heads.forEach(h -> j.add(h.toString()));
    return j.toString();
  }

  @Override
  public String toString() {
    return how + ": " + list();
  }
}
