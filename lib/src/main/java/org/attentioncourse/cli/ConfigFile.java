package org.attentioncourse.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small, strict INI reader: the syntax of the experiment configs, with every entry's line number kept for
 * error messages. No library is needed and nothing is guessed.
 *
 * <pre>
 *   # a comment (also ';'); blank lines are ignored
 *   [model]                 # a section: lower-case letters, digits, '-' and '_'
 *   mechanism = aft-local   # key = value; a comment may follow after whitespace and '#'
 *   window = 32
 * </pre>
 *
 * Errors (with {@code FILE:LINE:}): a line that is neither a comment, a section nor {@code key = value}; a key
 * before the first section; a section given twice; a key given twice in one section; an empty value. Which keys
 * and values are allowed is decided by {@link ExperimentConfig}, not here.
 */
public final class ConfigFile {

  private static final Pattern SECTION = Pattern.compile("\\[\\s*([a-z0-9_-]+)\\s*]");
  private static final Pattern ENTRY = Pattern.compile("([A-Za-z0-9_.-]+)\\s*=(.*)");

  /** One {@code key = value} line. */
  public record Entry(String section, String key, String value, int line) {}

  private final String source;
  private final String text;
  private final Map<String, Map<String, Entry>> sections = new LinkedHashMap<>();
  private final Map<String, Integer> sectionLines = new LinkedHashMap<>();

  private ConfigFile(String source, String text) {
    this.source = source;
    this.text = text;
  }

  /** Reads and parses {@code file}; the file's name is the source in messages. */
  public static ConfigFile read(Path file) {
    try {
      return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no config file at " + file.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read config file " + file.toAbsolutePath(), e);
    }
  }

  /** Parses {@code text}; {@code source} names it in error messages. */
  public static ConfigFile parse(String source, String text) {
    ConfigFile f = new ConfigFile(source, text);
    String section = null;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int n = i + 1;
      String line = lines[i].strip();
      if (n == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1).strip(); // a byte-order mark some editors write
      }
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      line = stripComment(line);
      Matcher s = SECTION.matcher(line);
      if (s.matches()) {
        section = s.group(1);
        Integer before = f.sectionLines.putIfAbsent(section, n);
        if (before != null) {
          throw new ConfigException(source, n, section, null,
              "section given twice (first on line " + before + "); put all its keys under one header");
        }
        f.sections.put(section, new LinkedHashMap<>());
        continue;
      }
      if (line.startsWith("[")) {
        throw new ConfigException(source, n, null, null,
            "'" + line + "' is not a section header; write [name] with lower-case letters, digits, '-' or '_'");
      }
      Matcher e = ENTRY.matcher(line);
      if (!e.matches()) {
        throw new ConfigException(source, n, section, null,
            "'" + line + "' is not 'key = value', a [section] or a comment (# ...)");
      }
      String key = e.group(1);
      String value = e.group(2).strip();
      if (section == null) {
        throw new ConfigException(source, n, null, key,
            "'" + key + "' comes before any section; start the file with [model], [task] or [training]");
      }
      if (value.isEmpty()) {
        throw new ConfigException(source, n, section, key, "has no value; write " + key + " = VALUE or delete the line");
      }
      Entry old = f.sections.get(section).putIfAbsent(key, new Entry(section, key, value, n));
      if (old != null) {
        throw new ConfigException(source, n, section, key,
            "given twice (also on line " + old.line() + "); keep one");
      }
    }
    return f;
  }

  /** A '#' after whitespace starts a comment; a '#' inside a word (a path like a#b) does not. */
  private static String stripComment(String line) {
    for (int i = 1; i < line.length(); i++) {
      if (line.charAt(i) == '#' && Character.isWhitespace(line.charAt(i - 1))) {
        return line.substring(0, i).strip();
      }
    }
    return line;
  }

  /** The file name (or other source) used in messages. */
  public String source() {
    return source;
  }

  /** The text as read. */
  public String text() {
    return text;
  }

  /** The sections in file order. */
  public List<String> sections() {
    return new ArrayList<>(sections.keySet());
  }

  /** The line of a section's header, or 0 if absent. */
  public int sectionLine(String section) {
    return sectionLines.getOrDefault(section, 0);
  }

  /** Whether the section is present. */
  public boolean has(String section) {
    return sections.containsKey(section);
  }

  /** The entries of a section in file order (empty if the section is absent). */
  public Collection<Entry> entries(String section) {
    Map<String, Entry> m = sections.get(section);
    return m == null ? List.of() : m.values();
  }

  /** One entry, if present. */
  public Optional<Entry> get(String section, String key) {
    Map<String, Entry> m = sections.get(section);
    return m == null ? Optional.empty() : Optional.ofNullable(m.get(key));
  }
}
