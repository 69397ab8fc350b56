package org.attentioncourse.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.attentioncourse.aft.Afts;
import org.attentioncourse.attention.AttentionFactory;
import org.attentioncourse.cosformer.CosFormerConfig;
import org.attentioncourse.cosformer.CosFormers;
import org.attentioncourse.synthesizer.Synthesizers;

/**
 * The attention mechanisms a config can name in {@code [model] mechanism}, each with the extra keys it accepts
 * and how its cost grows with the sequence length T (used by the dry run when it times a shorter T).
 *
 * <table>
 *   <caption>Mechanisms and their options</caption>
 *   <tr><th>name</th><th>options (default)</th><th>cost in T</th></tr>
 *   <tr><td>softmax</td><td>—</td><td>T²</td></tr>
 *   <tr><td>synthesizer-dense, -random, -fixed-random, -factorized-dense</td><td>—</td><td>T²</td></tr>
 *   <tr><td>synthesizer-factorized-random</td><td>rank (8, the paper's k)</td><td>T²</td></tr>
 *   <tr><td>synthesizer-random-plus-vanilla, -dense-plus-vanilla, -random-plus-dense</td><td>—</td><td>T²</td></tr>
 *   <tr><td>aft-full</td><td>factor_dim (0 = a full T×T bias)</td><td>T²</td></tr>
 *   <tr><td>aft-simple</td><td>—</td><td>T</td></tr>
 *   <tr><td>aft-local</td><td>window (32), factor_dim (0 = full)</td><td>T</td></tr>
 *   <tr><td>aft-conv</td><td>kernel (11), conv_heads (the model's heads)</td><td>T</td></tr>
 *   <tr><td>cosformer, relu-linear</td><td>chunk (256)</td><td>T</td></tr>
 * </table>
 */
public final class Mechanisms {

  private Mechanisms() {}

  /**
   * One mechanism.
   *
   * @param name the config name
   * @param options the extra keys of {@code [model]} it accepts, with their defaults (0 meaning "off" where said)
   * @param lengthExponent 1 when the cost grows linearly with T, 2 when quadratically
   * @param factory builds the factory from the option values
   */
  public record Spec(
      String name, Map<String, Integer> options, int lengthExponent, Function<Map<String, Integer>, AttentionFactory> factory) {

    /** The factory for these option values (every option present, defaults filled in by the config reader). */
    public AttentionFactory create(Map<String, Integer> values) {
      return factory.apply(values);
    }
  }

  private static final Map<String, Spec> ALL = new LinkedHashMap<>();

  private static void add(String name, int exponent, Map<String, Integer> options, Function<Map<String, Integer>, AttentionFactory> f) {
    ALL.put(name, new Spec(name, options, exponent, f));
  }

  static {
    add("softmax", 2, Map.of(), o -> AttentionFactory.softmax());
    add("synthesizer-dense", 2, Map.of(), o -> Synthesizers.dense());
    add("synthesizer-random", 2, Map.of(), o -> Synthesizers.random());
    add("synthesizer-fixed-random", 2, Map.of(), o -> Synthesizers.fixedRandom());
    add("synthesizer-factorized-random", 2, Map.of("rank", 8), o -> Synthesizers.factorizedRandom(o.get("rank")));
    add("synthesizer-factorized-dense", 2, Map.of(), o -> Synthesizers.factorizedDense());
    add("synthesizer-random-plus-vanilla", 2, Map.of(), o -> Synthesizers.randomPlusVanilla());
    add("synthesizer-dense-plus-vanilla", 2, Map.of(), o -> Synthesizers.densePlusVanilla());
    add("synthesizer-random-plus-dense", 2, Map.of(), o -> Synthesizers.randomPlusDense());
    add("aft-full", 2, Map.of("factor_dim", 0),
        o -> o.get("factor_dim") == 0 ? Afts.full() : Afts.fullFactorized(o.get("factor_dim")));
    add("aft-simple", 1, Map.of(), o -> Afts.simple());
    add("aft-local", 1, ordered("window", Afts.DEFAULT_WINDOW, "factor_dim", 0),
        o -> o.get("factor_dim") == 0
            ? Afts.local(o.get("window"))
            : Afts.localFactorized(o.get("window"), o.get("factor_dim")));
    add("aft-conv", 1, ordered("kernel", Afts.DEFAULT_KERNEL, "conv_heads", 0),
        o -> o.get("conv_heads") == 0 ? Afts.conv(o.get("kernel")) : Afts.conv(o.get("conv_heads"), o.get("kernel")));
    add("cosformer", 1, Map.of("chunk", CosFormerConfig.DEFAULT_CHUNK),
        o -> CosFormers.cosFormer(CosFormerConfig.defaults().chunkSize(o.get("chunk"))));
    add("relu-linear", 1, Map.of("chunk", CosFormerConfig.DEFAULT_CHUNK),
        o -> CosFormers.cosFormer(CosFormerConfig.reluLinear().chunkSize(o.get("chunk"))));
  }

  private static Map<String, Integer> ordered(String k1, int v1, String k2, int v2) {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  /** Every mechanism name, in a stable order. */
  public static List<String> names() {
    return List.copyOf(ALL.keySet());
  }

  /** The mechanism called {@code name}, or null. */
  public static Spec get(String name) {
    return ALL.get(name);
  }

  /** Every option key any mechanism accepts (so that a misplaced one gets a precise message). */
  public static java.util.Set<String> allOptionKeys() {
    java.util.Set<String> s = new java.util.TreeSet<>();
    ALL.values().forEach(m -> s.addAll(m.options().keySet()));
    return s;
  }

  /** The mechanisms that accept {@code option}. */
  public static List<String> accepting(String option) {
    return ALL.values().stream().filter(m -> m.options().containsKey(option)).map(Spec::name).toList();
  }
}
