package org.attentioncourse.display;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * The chart kinds the course uses, as XChart objects: build one here, add series with XChart's own API if you
 * like, then {@link Show#chart} it. All render headless.
 *
 * <ul>
 *   <li>{@link #line} — curves against a numeric x (loss against step, accuracy against epoch);
 *   <li>{@link #logLog} — scaling plots (time or memory against sequence length), both axes logarithmic;
 *   <li>{@link #bar} — one number per category (accuracy per mechanism);
 *   <li>{@link #heatmap} and {@link #attention} — matrices on a fixed colour scale with labelled axes.
 * </ul>
 */
public final class Charts {

  /** Default size of line and bar charts, in pixels. */
  public static final int WIDTH = 640;

  public static final int HEIGHT = 400;

  private Charts() {}

  /** An empty line chart; add curves with {@code chart.addSeries(name, x, y)}. */
  public static XYChart line(String title, String xTitle, String yTitle) {
    XYChart c =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    c.getStyler().setMarkerSize(4);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    return c;
  }

  /** A line chart with one curve. */
  public static XYChart line(
      String title, String xTitle, String yTitle, String series, double[] x, double[] y) {
    requireSameLength(x, y, series);
    XYChart c = line(title, xTitle, yTitle);
    c.addSeries(series, x, y);
    return c;
  }

  /** An empty chart with both axes logarithmic, for how cost grows with size. */
  public static XYChart logLog(String title, String xTitle, String yTitle) {
    XYChart c = line(title, xTitle, yTitle);
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    return c;
  }

  /** An empty bar chart; add bars with {@code chart.addSeries(name, categories, values)}. */
  public static CategoryChart bar(String title, String xTitle, String yTitle) {
    CategoryChart c =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    return c;
  }

  /** A bar chart with one series. */
  public static CategoryChart bar(
      String title,
      String xTitle,
      String yTitle,
      List<String> categories,
      String series,
      List<? extends Number> values) {
    if (categories.size() != values.size()) {
      throw new IllegalArgumentException(
          "series '"
              + series
              + "': "
              + categories.size()
              + " categories but "
              + values.size()
              + " values");
    }
    CategoryChart c = bar(title, xTitle, yTitle);
    c.addSeries(series, categories, values);
    return c;
  }

  /**
   * A matrix as a heat map on the fixed colour scale [{@code min}, {@code max}], row 0 at the top (as matrices
   * are written). A fixed scale makes two maps comparable by eye; values outside it take the end colours.
   *
   * @param values {@code rows × cols}, rectangular, finite
   * @param colLabels one label per column (x axis)
   * @param rowLabels one label per row (y axis)
   */
  public static HeatMapChart heatmap(
      String title,
      String xTitle,
      String yTitle,
      double[][] values,
      List<String> colLabels,
      List<String> rowLabels,
      double min,
      double max) {
    int side = Math.max(360, Math.min(720, 120 + 24 * Math.max(values.length, values.length == 0 ? 0 : values[0].length)));
    return heatmap(title, xTitle, yTitle, values, colLabels, rowLabels, min, max, side + 90, side);
  }

  /** {@link #heatmap(String, String, String, double[][], List, List, double, double)} at a given size in pixels. */
  public static HeatMapChart heatmap(
      String title,
      String xTitle,
      String yTitle,
      double[][] values,
      List<String> colLabels,
      List<String> rowLabels,
      double min,
      double max,
      int width,
      int height) {
    if (!(min < max)) {
      throw new IllegalArgumentException("colour scale needs min < max, got [" + min + ", " + max + "]");
    }
    int rows = values.length;
    if (rows == 0) {
      throw new IllegalArgumentException("heat map '" + title + "' has no rows");
    }
    int cols = values[0].length;
    if (rowLabels.size() != rows || colLabels.size() != cols) {
      throw new IllegalArgumentException(
          "heat map '"
              + title
              + "' is "
              + rows
              + "×"
              + cols
              + " but has "
              + rowLabels.size()
              + " row labels and "
              + colLabels.size()
              + " column labels");
    }
    List<Number[]> cells = new ArrayList<>(rows * cols);
    for (int i = 0; i < rows; i++) {
      if (values[i].length != cols) {
        throw new IllegalArgumentException(
            "heat map '" + title + "': row " + i + " has " + values[i].length + " values, row 0 has " + cols);
      }
      for (int j = 0; j < cols; j++) {
        double v = values[i][j];
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(
              "heat map '" + title + "': value at (" + i + ", " + j + ") is " + v);
        }
        // XChart puts y index 0 at the bottom; flip so that row 0 is drawn at the top.
        cells.add(new Number[] {j, rows - 1 - i, Math.max(min, Math.min(max, v))});
      }
    }
    List<String> yLabels = new ArrayList<>(rowLabels);
    java.util.Collections.reverse(yLabels);
    HeatMapChart c =
        new HeatMapChartBuilder()
            .width(width)
            .height(height)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setMin(min);
    c.getStyler().setMax(max);
    c.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(0x6b, 0xae, 0xd6), new Color(0x08, 0x30, 0x6b)});
    c.getStyler().setShowValue(false);
    c.getStyler().setLegendVisible(true);
    c.getStyler().setPlotContentSize(1.0);
    // XChart thins tick labels to one per ~74 px by default; a heat map wants one label per cell.
    c.getStyler().setXAxisTickMarkSpacingHint(12);
    c.getStyler().setYAxisTickMarkSpacingHint(12);
    if (Math.max(rows, cols) > 24) {
      c.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 8));
    }
    c.addSeries(title, new ArrayList<>(colLabels), yLabels, cells);
    return c;
  }

  /**
   * An attention matrix: row i = query i, column j = key j, on the fixed scale [0, 1] so that maps of different
   * heads and models can be compared.
   */
  public static HeatMapChart attention(
      String title, double[][] weights, List<String> queryLabels, List<String> keyLabels) {
    return heatmap(title, "key", "query", weights, keyLabels, queryLabels, 0.0, 1.0);
  }

  /** Labels "0", "1", ..., "n-1" for axes. */
  public static List<String> indexLabels(int n) {
    List<String> labels = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      labels.add(Integer.toString(i));
    }
    return labels;
  }

  /** Renders a chart to PNG bytes (headless). */
  public static byte[] png(Chart<?, ?> chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not render chart '" + chart.getTitle() + "'", e);
    }
  }

  /** Renders a chart to an image (headless). */
  public static BufferedImage image(Chart<?, ?> chart) {
    return BitmapEncoder.getBufferedImage(chart);
  }

  /**
   * Several charts as one picture, {@code columns} per row, each in a cell as large as the largest chart: how the
   * notebooks put the heads of a layer, or one map per input, side by side. Show it with {@link Show#image}.
   */
  public static BufferedImage grid(List<? extends Chart<?, ?>> charts, int columns) {
    if (charts == null || charts.isEmpty()) {
      throw new IllegalArgumentException("a grid needs at least one chart");
    }
    if (columns < 1) {
      throw new IllegalArgumentException("a grid needs at least one column, got " + columns);
    }
    List<BufferedImage> images = new ArrayList<>(charts.size());
    int w = 0;
    int h = 0;
    for (Chart<?, ?> c : charts) {
      BufferedImage image = image(c);
      images.add(image);
      w = Math.max(w, image.getWidth());
      h = Math.max(h, image.getHeight());
    }
    int cols = Math.min(columns, images.size());
    int rows = (images.size() + cols - 1) / cols;
    BufferedImage out = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      for (int i = 0; i < images.size(); i++) {
        g.drawImage(images.get(i), (i % cols) * w, (i / cols) * h, null);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  static MimeBundle bundle(Chart<?, ?> chart) {
    String title = chart.getTitle() == null ? "" : chart.getTitle();
    return new MimeBundle(
        Html.slug(title, "chart"),
        "[chart " + (title.isBlank() ? "(untitled)" : "'" + title + "'") + ", " + chart.getWidth() + "x" + chart.getHeight() + " PNG]",
        null,
        png(chart));
  }

  private static void requireSameLength(double[] x, double[] y, String series) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "series '" + series + "': x has " + x.length + " values but y has " + y.length);
    }
  }
}
