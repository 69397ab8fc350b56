package org.attentioncourse.display;

import java.util.Locale;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * A progress bar for long loops (epochs, batches, passes over a corpus).
 *
 * <pre>{@code
 * try (Progress bar = Progress.start("epochs", epochs)) {
 *   for (int e = 0; e < epochs; e++) {
 *     double loss = trainOneEpoch();
 *     bar.step(String.format("loss %.3f", loss));
 *   }
 * }
 * }</pre>
 *
 * <p>In a kernel that can replace an output (rapaio, IJava, JJava) one bar is updated in place, at most every
 * {@value #UPDATE_MILLIS} ms; it is plain HTML, no JavaScript. Elsewhere (a console, a CI log) a line is printed
 * at the first step, then at most every {@value #LINE_MILLIS} ms, and at the end. Closing the bar always draws
 * its final state, including "stopped at" when the loop ended early.
 */
public final class Progress implements AutoCloseable {

  /** Least time between two in-place updates. */
  public static final long UPDATE_MILLIS = 250;

  /** Least time between two printed lines when updates in place are not possible. */
  public static final long LINE_MILLIS = 5_000;

  private static final int BAR_CELLS = 24;

  private final Host host;
  private final LongSupplier nanoClock;
  private final String label;
  private final long total;
  private final String displayId;
  private final long startNanos;
  private long done;
  private String status = "";
  private long lastDrawNanos;
  private boolean drawnOnce;
  private boolean closed;

  Progress(Host host, LongSupplier nanoClock, String label, long total) {
    if (total < 0) {
      throw new IllegalArgumentException("progress '" + label + "': total must be >= 0, got " + total);
    }
    this.host = host;
    this.nanoClock = nanoClock;
    this.label = label;
    this.total = total;
    this.startNanos = nanoClock.getAsLong();
    this.displayId = host.canUpdate() ? "progress-" + UUID.randomUUID() : null;
    if (displayId != null) {
      host.show(bundle(false), displayId);
      drawnOnce = true;
      lastDrawNanos = startNanos;
    }
  }

  /** Starts a bar of {@code total} steps, shown where this code runs. */
  public static Progress start(String label, long total) {
    return new Progress(Show.host(), System::nanoTime, label, total);
  }

  /** One step done. */
  public void step() {
    advance(1, null);
  }

  /** One step done; {@code status} (for example "loss 0.412") is shown beside the bar. */
  public void step(String status) {
    advance(1, status);
  }

  /** {@code n} steps done. */
  public void advance(long n, String newStatus) {
    if (closed) {
      throw new IllegalStateException("progress '" + label + "' is already closed");
    }
    if (n < 0) {
      throw new IllegalArgumentException("progress '" + label + "': cannot go back " + n + " steps");
    }
    done += n;
    if (newStatus != null) {
      status = newStatus;
    }
    maybeDraw();
  }

  /** Replaces the status text without advancing. */
  public void status(String newStatus) {
    status = newStatus == null ? "" : newStatus;
    maybeDraw();
  }

  /** Steps done so far. */
  public long done() {
    return done;
  }

  /** Draws the final state. Safe to call twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    draw(true);
  }

  private void maybeDraw() {
    long now = nanoClock.getAsLong();
    long minGap = (displayId != null ? UPDATE_MILLIS : LINE_MILLIS) * 1_000_000L;
    if (!drawnOnce || now - lastDrawNanos >= minGap) {
      draw(false);
    }
  }

  private void draw(boolean last) {
    lastDrawNanos = nanoClock.getAsLong();
    if (displayId != null) {
      host.update(bundle(last), displayId);
    } else {
      host.show(MimeBundle.text("progress", text(last)), null);
    }
    drawnOnce = true;
  }

  private MimeBundle bundle(boolean last) {
    return new MimeBundle("progress", text(last), html(last), null);
  }

  private double fraction() {
    return total == 0 ? 1.0 : Math.min(1.0, (double) done / total);
  }

  private String timing(boolean last) {
    double elapsed = (nanoClock.getAsLong() - startNanos) / 1e9;
    StringBuilder s = new StringBuilder(clock(elapsed));
    if (!last && done > 0 && done < total) {
      s.append(" < ").append(clock(elapsed / done * (total - done)));
    }
    return s.toString();
  }

  /** The plain-text form, for example {@code epochs [##########--------------]  40%  4/10  0:03 < 0:05  loss 0.42}. */
  String text(boolean last) {
    int filled = (int) Math.round(fraction() * BAR_CELLS);
    String bar = "#".repeat(filled) + "-".repeat(BAR_CELLS - filled);
    String end = last && done < total ? "  (stopped at " + done + " of " + total + ")" : "";
    return String.format(
            Locale.ROOT,
            "%s [%s] %3d%%  %d/%d  %s%s",
            label,
            bar,
            (int) Math.floor(fraction() * 100),
            done,
            total,
            timing(last),
            status.isEmpty() ? "" : "  " + status)
        + end;
  }

  String html(boolean last) {
    double pct = fraction() * 100;
    String colour = last && done < total ? "#d9822b" : "#4a90d9";
    String end = last && done < total ? " (stopped at " + done + " of " + total + ")" : "";
    return String.format(
        Locale.ROOT,
        "<div style=\"font-family:monospace;white-space:nowrap\">%s "
            + "<span style=\"display:inline-block;width:16em;height:0.9em;border:1px solid #999;"
            + "vertical-align:middle;background:#f4f4f4\"><span style=\"display:block;height:100%%;"
            + "width:%.1f%%;background:%s\"></span></span> %d%% %d/%d %s %s%s</div>",
        Html.escape(label),
        pct,
        colour,
        (int) Math.floor(pct),
        done,
        total,
        Html.escape(timing(last)),
        Html.escape(status),
        Html.escape(end));
  }

  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
