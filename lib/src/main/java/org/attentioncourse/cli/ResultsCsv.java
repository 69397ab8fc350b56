package org.attentioncourse.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.attentioncourse.io.AtomicFiles;
import org.attentioncourse.train.Evaluation;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The results table of a run, {@code results.csv} in the run folder: one row per evaluation on the validation
 * split ({@code split = validation}) and a final row on the test split ({@code split = test}). Every write
 * rewrites the whole file atomically, so a reader (a notebook) never sees half a row; on resume the rows after
 * the checkpoint's step are dropped before training continues, so no step appears twice.
 *
 * <p>Columns: {@code run, mechanism, step, split, train_loss} (mean training loss over the steps since the
 * previous row), {@code bits_per_token} (bits per character for a character or byte model; NaN for
 * classification), {@code accuracy, sequence_accuracy, macro_f1} (NaN for sequence tasks), {@code examples,
 * elapsed_seconds} (training time so far, across resumptions), {@code parameters, device}. Numbers use a dot and
 * {@code NaN} for "not defined", which Tablesaw reads as missing.
 *
 * <pre>{@code
 * Table t = ResultsCsv.read(Path.of("runs/aft-local-enwik8/results.csv"));   // typed columns
 * Table u = Table.read().csv("runs/aft-local-enwik8/results.csv");           // also works
 * }</pre>
 *
 * With plain {@code Table.read().csv}, Tablesaw guesses each column's type from its values and reads a column
 * whose values are all whole numbers ({@code 0.000000}: sequence accuracy early in training) as integers, so
 * read numbers with {@code t.numberColumn("accuracy")}, or use {@link #read}, which fixes the types.
 */
public final class ResultsCsv {

  /** The columns, in order. */
  public static final List<String> COLUMNS = List.of(
      "run", "mechanism", "step", "split", "train_loss", "bits_per_token", "accuracy", "sequence_accuracy", "macro_f1",
      "examples", "elapsed_seconds", "parameters", "device");

  /** One row. */
  public record Row(
      String run, String mechanism, int step, String split, double trainLoss, Evaluation evaluation, double elapsedSeconds,
      long parameters, String device) {

    /** The row as one CSV line. */
    public String csv() {
      return String.join(",", List.of(
          text(run), text(mechanism), Integer.toString(step), split, number(trainLoss),
          number(evaluation.bitsPerToken()), number(evaluation.tokenAccuracy()), number(evaluation.sequenceAccuracy()),
          number(evaluation.macroF1()), Integer.toString(evaluation.examples()),
          String.format(Locale.ROOT, "%.3f", elapsedSeconds), Long.toString(parameters), text(device)));
    }
  }

  private ResultsCsv() {}

  /** The column types {@link #read} uses, in {@link #COLUMNS} order. */
  public static final List<ColumnType> TYPES = List.of(
      ColumnType.STRING, ColumnType.STRING, ColumnType.INTEGER, ColumnType.STRING, ColumnType.DOUBLE,
      ColumnType.DOUBLE, ColumnType.DOUBLE, ColumnType.DOUBLE, ColumnType.DOUBLE, ColumnType.INTEGER,
      ColumnType.DOUBLE, ColumnType.LONG, ColumnType.STRING);

  /** A results file as a table with fixed column types (doubles stay doubles, NaN is missing). */
  public static Table read(Path csv) {
    try {
      return Table.read().usingOptions(CsvReadOptions.builder(csv.toFile())
          .columnTypes(TYPES.toArray(new ColumnType[0]))
          .tableName(csv.getParent() == null ? csv.toString() : csv.getParent().getFileName().toString()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("could not read results file " + csv + ": " + e.getMessage(), e);
    }
  }

  private static String number(double x) {
    return Double.isNaN(x) ? "NaN" : String.format(Locale.ROOT, "%.6f", x);
  }

  /** Text cells never need quoting here, but a comma or quote in a run name must not break the table. */
  private static String text(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"").replace("\n", " ") + "\"";
    }
    return s;
  }

  /** Appends a row (writing the header first if the file is new). */
  static void append(Path csv, Row row) {
    List<String> lines = lines(csv);
    if (lines.isEmpty()) {
      lines.add(String.join(",", COLUMNS));
    }
    lines.add(row.csv());
    write(csv, lines);
  }

  /**
   * Keeps the header and the validation rows up to {@code step}; drops later rows and test rows (a resumed run
   * writes them again).
   */
  static void truncateAfter(Path csv, int step) {
    List<String> lines = lines(csv);
    if (lines.isEmpty()) {
      return;
    }
    int stepColumn = COLUMNS.indexOf("step");
    int splitColumn = COLUMNS.indexOf("split");
    List<String> kept = new ArrayList<>();
    kept.add(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = splitSimple(line);
      if (cells.length == COLUMNS.size() && cells[splitColumn].equals("validation")
          && Integer.parseInt(cells[stepColumn]) <= step) {
        kept.add(line);
      }
    }
    write(csv, kept);
  }

  /** The step of the last row in the file (0 when there is none): where a resumed run's next mean starts. */
  static int lastStep(Path csv) {
    List<String> lines = lines(csv);
    int stepColumn = COLUMNS.indexOf("step");
    int last = 0;
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] cells = splitSimple(line);
      if (cells.length == COLUMNS.size()) {
        last = Math.max(last, Integer.parseInt(cells[stepColumn]));
      }
    }
    return last;
  }

  /** Splits a row written by {@link Row#csv()} (quoted cells may hold commas). */
  static String[] splitSimple(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    cells.add(cur.toString());
    return cells.toArray(new String[0]);
  }

  private static List<String> lines(Path csv) {
    if (!Files.exists(csv)) {
      return new ArrayList<>();
    }
    try {
      List<String> lines = new ArrayList<>(Files.readAllLines(csv, StandardCharsets.UTF_8));
      lines.removeIf(String::isBlank);
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + csv, e);
    }
  }

  private static void write(Path csv, List<String> lines) {
    AtomicFiles.writeString(csv, String.join("\n", lines) + "\n");
  }
}
