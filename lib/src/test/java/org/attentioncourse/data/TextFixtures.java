package org.attentioncourse.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Small committed texts for tests, so that no unit test touches the network. */
public final class TextFixtures {

  private TextFixtures() {}

  /**
   * The first 7.6 KB of Moby Dick's chapter 1 (public domain), whole paragraphs, as {@link TextDatasets} writes
   * them (one paragraph per line, a blank line between paragraphs).
   */
  public static String mobyDickExcerpt() {
    try (InputStream in = TextFixtures.class.getResourceAsStream("moby-dick-excerpt.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
