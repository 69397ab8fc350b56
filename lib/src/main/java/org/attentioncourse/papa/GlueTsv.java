package org.attentioncourse.papa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Readers for three GLUE tasks' TSV files, for users who download GLUE themselves (the course ships none of
 * it). Every error names the file and the line.
 *
 * <ul>
 *   <li><b>SST-2</b> {@code train.tsv}, {@code dev.tsv}: header {@code sentence TAB label}, label 0/1;
 *       {@code test.tsv}: header {@code index TAB sentence}, no label.
 *   <li><b>CoLA</b> {@code train.tsv}, {@code dev.tsv}: no header, four columns {@code source TAB label TAB
 *       original-mark TAB sentence}, label 0/1 (1 = acceptable); {@code test.tsv}: header {@code index TAB
 *       sentence}.
 *   <li><b>MRPC</b> {@code train.tsv}, {@code dev.tsv}: header {@code Quality TAB #1 ID TAB #2 ID TAB #1 String
 *       TAB #2 String}, quality 0/1 (1 = paraphrase); {@code test.tsv}: the same with {@code index} first.
 * </ul>
 *
 * Quotes are ordinary characters (GLUE's files are not quoted CSV).
 *
 * <pre>{@code
 * List<GlueTsv.Row> sst = GlueTsv.sst2(Path.of("glue/SST-2/train.tsv"));
 * }</pre>
 */
public final class GlueTsv {

  private GlueTsv() {}

  /**
   * One row: the sentence (or first sentence), the second sentence for pair tasks (else null), the label (-1 for
   * unlabelled test files) and the id GLUE gives the row (the index, or the line number when there is none).
   */
  public record Row(String id, String text, String textB, int label) {}

  /** SST-2 (binary sentiment). */
  public static List<Row> sst2(Path file) {
    List<Line> lines = lines(file);
    Line header = lines.get(0);
    boolean test = header.is("index", "sentence");
    if (!test) {
      header.expect(file, "sentence", "label");
    }
    List<Row> out = new ArrayList<>();
    for (Line l : lines.subList(1, lines.size())) {
      l.columns(file, 2);
      out.add(test
          ? new Row(l.fields[0], l.text(file, 1, "sentence"), null, -1)
          : new Row(Integer.toString(l.number), l.text(file, 0, "sentence"), null, l.label(file, 1)));
    }
    return out;
  }

  /** CoLA (acceptability; score it with {@link Metric#MATTHEWS}). */
  public static List<Row> cola(Path file) {
    List<Line> lines = lines(file);
    List<Row> out = new ArrayList<>();
    if (lines.get(0).is("index", "sentence")) {
      for (Line l : lines.subList(1, lines.size())) {
        l.columns(file, 2);
        out.add(new Row(l.fields[0], l.text(file, 1, "sentence"), null, -1));
      }
      return out;
    }
    for (Line l : lines) { // train and dev have no header
      l.columns(file, 4);
      String mark = l.fields[2];
      if (!mark.isEmpty() && !mark.equals("*") && !mark.equals("?") && !mark.equals("??") && !mark.equals("#")) {
        throw error(file, l.number, "column 3 is the original acceptability mark (empty, *, ?, ?? or #), got '" + mark + "'");
      }
      out.add(new Row(l.fields[0] + ":" + l.number, l.text(file, 3, "sentence"), null, l.label(file, 1)));
    }
    return out;
  }

  /** MRPC (paraphrase pairs). */
  public static List<Row> mrpc(Path file) {
    List<Line> lines = lines(file);
    Line header = lines.get(0);
    boolean test = header.fields.length > 0 && header.fields[0].equals("index");
    header.expect(file, test ? "index" : "Quality", "#1 ID", "#2 ID", "#1 String", "#2 String");
    List<Row> out = new ArrayList<>();
    for (Line l : lines.subList(1, lines.size())) {
      l.columns(file, 5);
      out.add(new Row(
          test ? l.fields[0] : l.fields[1] + "/" + l.fields[2],
          l.text(file, 3, "#1 String"),
          l.text(file, 4, "#2 String"),
          test ? -1 : l.label(file, 0)));
    }
    return out;
  }

  // ---------------------------------------------------------------- shared reading

  /** One line of a TSV file, split on tabs, with its 1-based number. */
  private record Line(int number, String[] fields) {
    boolean is(String... names) {
      return java.util.Arrays.equals(fields, names);
    }

    void expect(Path file, String... names) {
      if (!is(names)) {
        throw error(file, number, "expected the header '" + String.join("<TAB>", names) + "' but found '"
            + String.join("<TAB>", fields) + "'");
      }
    }

    void columns(Path file, int n) {
      if (fields.length != n) {
        throw error(file, number, "expected " + n + " tab-separated columns but found " + fields.length);
      }
    }

    String text(Path file, int column, String what) {
      if (fields[column].isBlank()) {
        throw error(file, number, what + " (column " + (column + 1) + ") is empty");
      }
      return fields[column];
    }

    int label(Path file, int column) {
      return switch (fields[column]) {
        case "0" -> 0;
        case "1" -> 1;
        default -> throw error(
            file, number, "the label (column " + (column + 1) + ") must be 0 or 1, got '" + fields[column] + "'");
      };
    }
  }

  /** The lines of a non-empty file; a trailing empty line is dropped, any other empty line is an error. */
  private static List<Line> lines(Path file) {
    List<String> raw;
    try {
      raw = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no GLUE file at " + file.toAbsolutePath(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    while (!raw.isEmpty() && raw.get(raw.size() - 1).isEmpty()) {
      raw.remove(raw.size() - 1);
    }
    if (raw.isEmpty()) {
      throw new IllegalArgumentException(file + ":1: the file is empty");
    }
    List<Line> out = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      String s = i == 0 && raw.get(0).startsWith("\uFEFF") ? raw.get(0).substring(1) : raw.get(i);
      if (s.isEmpty()) {
        throw error(file, i + 1, "empty line");
      }
      out.add(new Line(i + 1, s.split("\t", -1)));
    }
    return out;
  }

  private static IllegalArgumentException error(Path file, int line, String message) {
    return new IllegalArgumentException(file + ":" + line + ": " + message);
  }
}
