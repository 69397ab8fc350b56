package org.attentioncourse.papa;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.attentioncourse.attention.TransformerModel;
import org.attentioncourse.data.Copy;
import org.attentioncourse.data.Lookup;
import org.attentioncourse.data.Reverse;
import org.attentioncourse.data.Splits;
import org.attentioncourse.data.Task;
import org.attentioncourse.train.TrainConfig;
import org.attentioncourse.train.TrainResult;
import org.attentioncourse.train.Training;
import tech.tablesaw.api.Table;

/**
 * PAPA on the course's own tasks, end to end: train a small transformer, average its attention into constant
 * matrices, rank its heads with gates, and sweep the number of constant heads, scored three ways. A task whose
 * answer positions are fixed (Reverse, Copy) should lose little when every head is constant; a task whose
 * attention must follow the input (Lookup) should lose a lot.
 *
 * <pre>
 *   java -cp … org.attentioncourse.papa.PapaDemo --tasks reverse,lookup --steps 400 --out target/papa
 * </pre>
 *
 * Scores: "model as is" is the trained model's own test accuracy with the heads replaced, nothing retrained;
 * "output layer" (token tasks) retrains a fresh output layer on the frozen features at each point; "PAPA probe"
 * (classification tasks such as ListOps) is the paper's pooled probe; "Tribuo linear" is the cheap variant (a
 * linear model on all layers' states, per token or mean-pooled).
 */
public final class PapaDemo {

  private PapaDemo() {}

  /** What one task's run produced. */
  public record Result(Task task, double trainedAccuracy, GateRanking ranking, Map<String, Table> tables,
      Map<String, Double> seconds) {}

  /**
   * Runs PAPA on {@code task}: trains a 2-layer, 4-head, D = 64 softmax model for {@code steps} steps, then sweeps
   * the default points for the gate order and a random order with the three scorers. CSV files (resumable) go
   * to {@code out}, one per task, if it is not null.
   */
  public static Result run(Task task, int steps, Path out) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    Splits data = Splits.generate(task, 4000, 200, 500, Splits.DEFAULT_SEED);
    TransformerModel model =
        TransformerModel.forTask(task, TransformerModel.builder().dModel(64).heads(4).layers(2));
    try (TrainResult trained = Training.run(model, task, data,
        TrainConfig.defaults().steps(steps).batchSize(32).learningRate(3e-3).evalEvery(steps).progress(false))) {
      seconds.put("train model", since(t0));
      ProbedModel probed = ProbedModel.of(model);
      List<ProbeExample> train = ProbeExample.of(data.train());
      List<ProbeExample> test = ProbeExample.of(data.test());

      long t1 = System.nanoTime();
      ConstantMatrices C = ConstantMatrices.compute(probed, task.name() + "-softmax", train, 64);
      seconds.put("constant matrices", since(t1));

      long t2 = System.nanoTime();
      boolean classification = task.kind() == Task.Kind.CLASSIFICATION;
      // PAPA trains the gates with its probe; on token tasks the model's own output layer plays that part
      GateRanking ranking = GateRanking.train(probed, C, classification ? Probe.pooled() : Probe.modelOutput(), train,
          ProbeConfig.defaults().steps(150).learningRate(0.05).classes(task.numClasses()));
      seconds.put("gate ranking", since(t2));
      System.out.println("λ after training: " + java.util.Arrays.deepToString(round(ranking.lambda())));
      System.out.println("order: " + ranking.order());

      Map<String, Scorer> scorers = new LinkedHashMap<>();
      scorers.put("model as is", Scorer.modelOutput(test));
      if (classification) {
        scorers.put("PAPA probe", Scorer.probe(Probe.pooled(), train, test,
            ProbeConfig.defaults().steps(300).learningRate(3e-3).classes(task.numClasses())));
      } else {
        scorers.put("output layer", Scorer.probe(Probe.outputLayer(), train, test,
            ProbeConfig.defaults().steps(200).learningRate(1e-2).classes(task.numClasses())));
      }
      scorers.put("Tribuo linear", Scorer.tribuo(train.subList(0, 1000), test, 5));
      Map<String, Table> tables = new LinkedHashMap<>();
      List<HeadOrder> orders = new ArrayList<>(List.of(ranking.order(), HeadOrder.random(probed, 7)));
      for (HeadOrder order : orders) {
        for (Map.Entry<String, Scorer> s : scorers.entrySet()) {
          long t3 = System.nanoTime();
          Table t = PapaSweep.builder().model(probed).constants(C).order(order).scorer(s.getKey(), s.getValue())
              .csv(out == null ? null : out.resolve("papa-" + task.name() + ".csv")).build().run();
          String key = order.how() + " / " + s.getKey();
          tables.put(key, t);
          seconds.put("sweep " + key, since(t3));
        }
      }
      return new Result(task, trained.test().tokenAccuracy(), ranking, tables, seconds);
    }
  }

  private static double since(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double[][] round(double[][] x) {
    double[][] r = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      r[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        r[i][j] = Math.round(x[i][j] * 1000) / 1000.0;
      }
    }
    return r;
  }

  public static void main(String[] args) {
    List<String> tasks = List.of("reverse", "lookup");
    int steps = 400;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--tasks" -> tasks = List.of(args[++i].split(","));
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException(
            "unknown argument " + args[i] + "; use --tasks reverse,copy,lookup,listops --steps N --out DIR");
      }
    }
    for (String name : tasks) {
      Task task = switch (name) {
        case "reverse" -> Reverse.defaults();
        case "copy" -> Copy.defaults();
        case "lookup" -> Lookup.defaults();
        case "listops" -> org.attentioncourse.data.ListOps.defaults();
        default -> throw new IllegalArgumentException("task " + name + ": choose reverse, copy, lookup or listops");
      };
      Result r = run(task, steps, out);
      System.out.printf(Locale.ROOT, "%n== %s: trained model's test accuracy %.4f (position-only: %s)%n", task.name(),
          r.trainedAccuracy(), task.positionOnly());
      r.tables().forEach((k, t) -> System.out.println(t.printAll()));
      r.seconds().forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-40s %6.1f s%n", k, v));
    }
  }
}
