package org.attentioncourse.display;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicInteger;
import org.attentioncourse.io.AtomicFiles;

/**
 * Output outside Jupyter (a student's {@code main}, a test, a script): text goes to standard output; pictures
 * and HTML tables are written as files whose paths are printed, so a cell copied out of a notebook still shows
 * its results somewhere.
 *
 * <p>Files go to the folder named by the system property {@code course.output.dir}, else {@code
 * ./course-output}, as {@code 001-name.png}, {@code 002-name.html}, ...
 */
final class ConsoleHost implements Host {

  /** System property naming the folder for charts and tables shown outside Jupyter. */
  static final String OUTPUT_DIR_PROPERTY = "course.output.dir";

  private final Path dir;
  private final PrintStream out;
  private final AtomicInteger counter = new AtomicInteger();

  ConsoleHost(Path dir, PrintStream out) {
    this.dir = dir;
    this.out = out;
  }

  static ConsoleHost fromSystem() {
    String dir = System.getProperty(OUTPUT_DIR_PROPERTY);
    return new ConsoleHost(
        Paths.get(dir != null && !dir.isBlank() ? dir : "course-output"), System.out);
  }

  Path dir() {
    return dir;
  }

  @Override
  public String name() {
    return "console";
  }

  @Override
  public void show(MimeBundle bundle, String displayId) {
    String stem = String.format("%03d-%s", counter.incrementAndGet(), bundle.name());
    if (bundle.png() != null) {
      Path file = AtomicFiles.write(dir.resolve(stem + ".png"), bundle.png());
      out.println(bundle.text() + " -> " + file);
    } else if (bundle.html() != null) {
      Path file =
          AtomicFiles.writeString(
              dir.resolve(stem + ".html"),
              "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
                  + Html.escape(bundle.name())
                  + "</title></head><body>\n"
                  + bundle.html()
                  + "\n</body></html>\n");
      out.println(bundle.text());
      out.println("(HTML: " + file + ")");
    } else {
      out.println(bundle.text());
    }
  }

  @Override
  public boolean canUpdate() {
    return false;
  }

  @Override
  public void update(MimeBundle bundle, String displayId) {
    throw new UnsupportedOperationException("a console cannot replace earlier output");
  }
}
