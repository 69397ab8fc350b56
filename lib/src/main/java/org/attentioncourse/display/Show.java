package org.attentioncourse.display;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/**
 * Shows charts, tables and HTML in whatever runs this code: the rapaio, IJava or JJava Jupyter kernel (found at
 * run time), or, outside Jupyter, standard output plus files whose paths are printed.
 *
 * <pre>{@code
 * Show.chart(Charts.line("Loss", "step", "loss", "train", steps, losses));
 * Show.table(results);
 * }</pre>
 *
 * <p>Every method returns nothing, so a call as a cell's last statement adds no extra output.
 */
public final class Show {

  private static volatile Host host;

  private Show() {}

  /** The host output goes to, detected once per JVM. */
  static Host host() {
    Host h = host;
    if (h == null) {
      synchronized (Show.class) {
        h = host;
        if (h == null) {
          h = KernelHost.detect().orElseGet(ConsoleHost::fromSystem);
          host = h;
        }
      }
    }
    return h;
  }

  /** For tests: route output to {@code h}; null restores detection. */
  static void useHost(Host h) {
    host = h;
  }

  /** Which host output goes to: {@code rapaio}, {@code ijava}, {@code jjava} or {@code console}. */
  public static String hostName() {
    return host().name();
  }

  /** Shows a chart as a PNG image. */
  public static void chart(Chart<?, ?> chart) {
    host().show(Charts.bundle(chart), null);
  }

  /** Shows a table as an HTML table (with a plain-text form), at most {@link Tables#DEFAULT_MAX_ROWS} rows. */
  public static void table(Table table) {
    table(table, Tables.DEFAULT_MAX_ROWS);
  }

  /** Shows a table as HTML (with a plain-text form); longer tables show their head and tail. */
  public static void table(Table table, int maxRows) {
    host().show(Tables.bundle(table, maxRows), null);
  }

  /** Shows an HTML fragment; {@code plainText} is what text-only front ends print. */
  public static void html(String html, String plainText) {
    host().show(new MimeBundle("html", plainText, html, null), null);
  }

  /** Shows plain text (also fine for long multi-line text: it is not truncated). */
  public static void text(String text) {
    host().show(MimeBundle.text("text", text), null);
  }

  /** Shows an image as PNG. */
  public static void image(BufferedImage image, String title) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer for image type " + image.getType());
      }
      host()
          .show(
              new MimeBundle(
                  Html.slug(title, "image"),
                  "[image " + title + ", " + image.getWidth() + "x" + image.getHeight() + "]",
                  null,
                  out.toByteArray()),
              null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
