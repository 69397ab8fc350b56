package org.attentioncourse.papa;

/** One attention head: layer and head index, both 0-based. Printed as {@code L1H3}. */
public record HeadId(int layer, int head) implements Comparable<HeadId> {

  public HeadId {
    if (layer < 0 || head < 0) {
      throw new IllegalArgumentException("layer and head must be >= 0, got layer " + layer + ", head " + head);
    }
  }

  /** Parses {@code L1H3} (any case). */
  public static HeadId parse(String s) {
    String t = s.trim().toUpperCase(java.util.Locale.ROOT);
    int h = t.indexOf('H');
    if (!t.startsWith("L") || h < 2 || h == t.length() - 1) {
      throw new IllegalArgumentException("a head is written L<layer>H<head>, like L0H3; got '" + s + "'");
    }
    try {
      return new HeadId(Integer.parseInt(t.substring(1, h)), Integer.parseInt(t.substring(h + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a head is written L<layer>H<head>, like L0H3; got '" + s + "'", e);
    }
  }

  @Override
  public int compareTo(HeadId o) {
    return layer != o.layer ? Integer.compare(layer, o.layer) : Integer.compare(head, o.head);
  }

  @Override
  public String toString() {
    return "L" + layer + "H" + head;
  }
}
