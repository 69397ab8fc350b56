package org.attentioncourse.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.internal.chartpart.Chart;

/** Renders every chart kind the lib offers, headless, and checks the pictures are real. */
class ChartsTest {

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  static Map<String, Chart<?, ?>> everyChartKind() {
    double[] x = {1, 2, 3, 4, 5};
    double[] y = {2.3, 1.7, 1.2, 0.9, 0.8};
    var line = Charts.line("Loss", "step", "loss", "train", x, y);
    line.addSeries("validation", x, new double[] {2.4, 1.9, 1.5, 1.3, 1.25});
    var logLog = Charts.logLog("Cost of the score matrix", "T", "ms");
    logLog.addSeries("T^2", new double[] {64, 128, 256, 512}, new double[] {1, 4, 16, 64});
    var bar =
        Charts.bar("Accuracy", "mechanism", "accuracy", List.of("softmax", "random", "dense"), "reverse", List.of(0.99, 1.0, 0.7));
    double[][] w = new double[6][6];
    for (double[] row : w) {
      Arrays.fill(row, 1.0 / 6);
    }
    w[2][4] = 0.9;
    var heat =
        Charts.heatmap("Scores", "key", "query", w, Charts.indexLabels(6), Charts.indexLabels(6), -1, 1);
    var attention =
        Charts.attention("Head 0", w, List.of("a", "b", "c", "d", "e", "f"), Charts.indexLabels(6));
    return Map.of("line", line, "logLog", logLog, "bar", bar, "heatmap", heat, "attention", attention);
  }

  @Test
  void everyKindRendersHeadlessToAValidPng() throws IOException {
    assertTrue(GraphicsEnvironment.isHeadless(), "tests must run headless, as the kernel does");
    Path out = Path.of(System.getProperty("course.output.dir", "target/test-output"), "charts");
    Files.createDirectories(out);
    for (var e : everyChartKind().entrySet()) {
      Chart<?, ?> chart = e.getValue();
      byte[] png = Charts.png(chart);
      assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, 8), e.getKey() + " is not a PNG");
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
      assertEquals(chart.getWidth(), img.getWidth(), e.getKey());
      assertEquals(chart.getHeight(), img.getHeight(), e.getKey());
      assertTrue(distinctColours(img) > 4, e.getKey() + " looks blank");
      Files.write(out.resolve(e.getKey() + ".png"), png); // kept for a look by eye
    }
  }

  @Test
  void heatmapDrawsRowZeroAtTheTop() {
    double[][] w = new double[4][4];
    w[0][0] = 1.0; // only the top-left cell is dark
    BufferedImage img = Charts.image(Charts.attention("corner", w, Charts.indexLabels(4), Charts.indexLabels(4)));
    int darkTop = 0;
    int darkBottom = 0;
    for (int yy = 0; yy < img.getHeight(); yy++) {
      for (int xx = 0; xx < img.getWidth() * 3 / 4; xx++) {
        int rgb = img.getRGB(xx, yy);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (b > 80 && r < 30 && g < 70) { // the dark end of the scale
          if (yy < img.getHeight() / 2) {
            darkTop++;
          } else {
            darkBottom++;
          }
        }
      }
    }
    assertTrue(darkTop > 100 && darkTop > 10 * darkBottom, "top " + darkTop + ", bottom " + darkBottom);
  }

  @Test
  void gridPlacesChartsInRowsOfTheGivenWidth() {
    List<Chart<?, ?>> charts = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      charts.add(Charts.line("c" + i, "x", "y", "s", new double[] {0, 1}, new double[] {i, i + 1}));
    }
    BufferedImage one = Charts.image(charts.get(0));
    BufferedImage g = Charts.grid(charts, 2);
    assertEquals(2 * one.getWidth(), g.getWidth());
    assertEquals(2 * one.getHeight(), g.getHeight());
    assertEquals(0xFFFFFFFF, g.getRGB(g.getWidth() - 1, g.getHeight() - 1), "the empty cell is white");
    assertEquals(3 * one.getWidth(), Charts.grid(charts, 5).getWidth(), "never wider than the charts");
    assertThrows(IllegalArgumentException.class, () -> Charts.grid(List.of(), 2));
    assertThrows(IllegalArgumentException.class, () -> Charts.grid(charts, 0));
  }

  @Test
  void badInputGetsAClearError() {
    var labels = Charts.indexLabels(2);
    var ragged =
        assertThrows(
            IllegalArgumentException.class,
            () -> Charts.attention("r", new double[][] {{0.5, 0.5}, {1.0}}, labels, labels));
    assertTrue(ragged.getMessage().contains("row 1 has 1 values"), ragged.getMessage());
    var nan =
        assertThrows(
            IllegalArgumentException.class,
            () -> Charts.attention("n", new double[][] {{0.5, Double.NaN}, {1, 0}}, labels, labels));
    assertTrue(nan.getMessage().contains("(0, 1) is NaN"), nan.getMessage());
    var count =
        assertThrows(
            IllegalArgumentException.class,
            () -> Charts.attention("c", new double[][] {{1, 0}, {0, 1}}, Charts.indexLabels(3), labels));
    assertTrue(count.getMessage().contains("3 row labels"), count.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Charts.heatmap("s", "x", "y", new double[][] {{1}}, List.of("a"), List.of("b"), 1, 1));
    var xy =
        assertThrows(
            IllegalArgumentException.class,
            () -> Charts.line("l", "x", "y", "s", new double[3], new double[2]));
    assertTrue(xy.getMessage().contains("x has 3 values but y has 2"), xy.getMessage());
  }

  private static int distinctColours(BufferedImage img) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int yy = 0; yy < img.getHeight(); yy += 3) {
      for (int xx = 0; xx < img.getWidth(); xx += 3) {
        seen.add(img.getRGB(xx, yy));
      }
    }
    return seen.size();
  }
}
