package org.attentioncourse.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowTest {

  @AfterEach
  void restore() {
    Show.useHost(null);
  }

  @Test
  void outsideJupyterTheHostIsTheConsole() {
    assertTrue(KernelHost.detect().isEmpty(), "no kernel runs inside a unit test");
    assertEquals("console", Show.hostName());
  }

  @Test
  void theConsoleWritesFilesAndPrintsTheirPaths(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Show.useHost(new ConsoleHost(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    Show.chart(ChartsTest.everyChartKind().get("line"));
    Show.table(TablesTest.results(3));
    Show.text("hello");
    String out = bytes.toString(StandardCharsets.UTF_8);
    Path png = dir.resolve("001-loss.png");
    Path html = dir.resolve("002-results-v1.html");
    assertTrue(Files.size(png) > 1000, "chart file");
    assertTrue(Files.readString(html).contains("<table"), "table file");
    assertTrue(out.contains(png.toString()) && out.contains(html.toString()), out);
    assertTrue(out.contains("mechanism") && out.contains("hello"), out);
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "no temporary files left behind");
    }
  }
}
