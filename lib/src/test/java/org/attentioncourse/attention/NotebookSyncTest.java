package org.attentioncourse.attention;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The notebooks copy code from the library word for word between {@code // region NAME} and {@code // endregion}
 * (for example {@link Reference#softmax} in notebook 01). This test fails when a notebook's copy and the library's
 * drift apart, so that the code the reader studies is the code the library tests.
 *
 * <p>Every region in a code cell of {@code notebooks/*.ipynb} must have a region of the same name somewhere under
 * {@code lib/src/main/java}, and the two must be equal after whitespace is normalised (runs of spaces, tabs and
 * line breaks count as one space, so indentation may differ). Region names must be unique across the library.
 */
class NotebookSyncTest {

  private static final Pattern START = Pattern.compile("^\\s*//\\s*region\\s+(\\S+)\\s*$");
  private static final Pattern END = Pattern.compile("^\\s*//\\s*endregion\\b.*$");

  /** Regions every version of notebook 01 must show. */
  private static final List<String> NOTEBOOK_01_REGIONS = List.of("softmax", "scores", "weights", "attention");

  /** A region's lines (between the markers, markers excluded) and where it came from. */
  record Region(String name, List<String> lines, String where) {}

  @Test
  void everyNotebookRegionMatchesTheLibrary() {
    Map<String, Region> library = libraryRegions();
    List<String> problems = new ArrayList<>();
    int compared = 0;
    for (Path notebook : notebooks()) {
      for (Region region : notebookRegions(notebook)) {
        Region lib = library.get(region.name());
        if (lib == null) {
          problems.add(
              rel(notebook) + ": region '" + region.name() + "' has no counterpart in lib/src/main/java (library"
                  + " regions: " + new TreeSet<>(library.keySet()) + ")");
          continue;
        }
        compared++;
        String difference = firstDifference(region.lines(), lib.lines());
        if (difference != null) {
          problems.add(
              rel(notebook) + ", " + region.where() + ": region '" + region.name() + "' differs from " + lib.where()
                  + "\n    " + difference);
        }
      }
    }
    if (!problems.isEmpty()) {
      fail(problems.size() + " notebook region(s) out of sync with the library:\n  " + String.join("\n  ", problems));
    }
    assertTrue(compared > 0, "no notebook region was compared: is notebooks/ empty?");
  }

  @Test
  void notebook01ShowsTheCoreRegions() {
    List<Path> ones = notebooks().stream().filter(p -> p.getFileName().toString().startsWith("01_")).toList();
    assertFalse(ones.isEmpty(), "no notebook 01_*.ipynb under " + rel(root().resolve("notebooks")));
    for (Path notebook : ones) {
      Set<String> found = notebookRegions(notebook).stream().map(Region::name).collect(Collectors.toSet());
      List<String> missing = NOTEBOOK_01_REGIONS.stream().filter(n -> !found.contains(n)).toList();
      assertTrue(missing.isEmpty(), rel(notebook) + " lacks the region(s) " + missing + "; it has " + new TreeSet<>(found));
    }
  }

  @Test
  void normalisingIgnoresIndentationButNotCode() {
    assertTrue(firstDifference(List.of("  int x = 1;", "", "\treturn x;"), List.of("int x =   1;  return x;")) == null);
    String d = firstDifference(List.of("int x = 1;", "return x;"), List.of("int x = 1;", "return y;"));
    assertTrue(d != null && d.contains("line 2") && d.contains("return x;") && d.contains("return y;"), d);
  }

  // ---- finding the files

  /** The repository root: the first folder, from the working directory up, that holds {@code notebooks/}. */
  static Path root() {
    Path start = Paths.get("").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("notebooks")) && Files.isDirectory(p.resolve("lib"))) {
        return p;
      }
    }
    throw new IllegalStateException("no folder holding notebooks/ and lib/ at or above " + start);
  }

  static List<Path> notebooks() {
    try (Stream<Path> files = Files.list(root().resolve("notebooks"))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rel(Path p) {
    return root().relativize(p.toAbsolutePath()).toString();
  }

  // ---- collecting regions

  /** Every region of every lib source, by name; a name defined twice is an error. */
  static Map<String, Region> libraryRegions() {
    Path src = root().resolve("lib/src/main/java");
    Map<String, Region> byName = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(src)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        for (Region r : regions(text, rel(file), rel(file))) {
          Region before = byName.putIfAbsent(r.name(), r);
          if (before != null) {
            throw new AssertionError(
                "region '" + r.name() + "' is defined twice in the library: " + before.where() + " and " + r.where()
                    + "; notebooks could not tell which one they copy");
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byName;
  }

  /** The regions of a notebook's code cells, in order. */
  static List<Region> notebookRegions(Path notebook) {
    JsonObject nb;
    try {
      nb = JsonParser.parseString(Files.readString(notebook, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new AssertionError(rel(notebook) + " is not valid notebook JSON: " + e.getMessage(), e);
    }
    List<Region> found = new ArrayList<>();
    JsonArray cells = nb.getAsJsonArray("cells");
    for (int i = 0; i < cells.size(); i++) {
      JsonObject cell = cells.get(i).getAsJsonObject();
      if (!"code".equals(cell.get("cell_type").getAsString())) {
        continue;
      }
      found.addAll(regions(source(cell.get("source")), rel(notebook) + " cell " + i, "cell " + i));
    }
    return found;
  }

  /** A cell's source: nbformat stores it as one string or as a list of lines (each keeping its newline). */
  private static String source(JsonElement source) {
    if (source == null || source.isJsonNull()) {
      return "";
    }
    if (source.isJsonArray()) {
      StringBuilder s = new StringBuilder();
      for (JsonElement line : source.getAsJsonArray()) {
        s.append(line.getAsString());
      }
      return s.toString();
    }
    return source.getAsString();
  }

  /**
   * The {@code // region NAME} … {@code // endregion} blocks of {@code text}. Nested, unterminated and stray end
   * markers are errors, reported with {@code file} and the line number.
   */
  static List<Region> regions(String text, String file, String whereLabel) {
    List<Region> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    String name = null;
    int startLine = 0;
    List<String> body = null;
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      Matcher start = START.matcher(line);
      if (start.matches()) {
        if (name != null) {
          throw new AssertionError(
              file + ", line " + (n + 1) + ": region '" + start.group(1) + "' starts inside region '" + name + "'");
        }
        name = start.group(1);
        startLine = n + 1;
        body = new ArrayList<>();
      } else if (END.matcher(line).matches()) {
        if (name == null) {
          throw new AssertionError(file + ", line " + (n + 1) + ": // endregion without a region");
        }
        out.add(new Region(name, body, whereLabel + ", line " + startLine));
        name = null;
        body = null;
      } else if (body != null) {
        body.add(line);
      }
    }
    if (name != null) {
      throw new AssertionError(file + ", line " + startLine + ": region '" + name + "' has no // endregion");
    }
    return out;
  }

  // ---- comparing

  private static String normalise(String s) {
    return s.replaceAll("\\s+", " ").trim();
  }

  /**
   * Null when the two blocks are equal after whitespace is normalised; otherwise the first differing line (blank
   * lines skipped, each line normalised), numbered from the region's start among its non-blank lines.
   */
  static String firstDifference(List<String> notebook, List<String> library) {
    if (normalise(String.join("\n", notebook)).equals(normalise(String.join("\n", library)))) {
      return null;
    }
    List<String> a = notebook.stream().map(NotebookSyncTest::normalise).filter(s -> !s.isEmpty()).toList();
    List<String> b = library.stream().map(NotebookSyncTest::normalise).filter(s -> !s.isEmpty()).toList();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      String x = i < a.size() ? a.get(i) : "(region ends)";
      String y = i < b.size() ? b.get(i) : "(region ends)";
      if (!x.equals(y)) {
        return "first differing line (line " + (i + 1) + " of the region, blank lines not counted):\n"
            + "      notebook: " + x + "\n"
            + "      library:  " + y;
      }
    }
    // Same lines but split differently: the normalised texts still differ somewhere.
    return "the lines match but are broken differently; notebook: " + normalise(String.join("\n", notebook));
  }
}
