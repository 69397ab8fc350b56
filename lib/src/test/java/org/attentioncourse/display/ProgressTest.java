package org.attentioncourse.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressTest {

  /** A clock the test moves by hand, in milliseconds. */
  static final class FakeClock {
    long nanos;

    void advanceMillis(long ms) {
      nanos += ms * 1_000_000L;
    }
  }

  @Test
  void updatesInPlaceAtMostEveryUpdateInterval() {
    RecordingHost host = new RecordingHost(true);
    FakeClock clock = new FakeClock();
    try (Progress p = new Progress(host, () -> clock.nanos, "epochs", 100)) {
      for (int i = 0; i < 100; i++) {
        clock.advanceMillis(10); // 100 steps over 1 s: at most 4 updates at 250 ms
        p.step("loss " + (100 - i));
      }
    }
    assertEquals("show", host.events.get(0).kind());
    String id = host.events.get(0).displayId();
    assertNotNull(id);
    long updates = host.events.stream().filter(e -> e.kind().equals("update")).count();
    assertTrue(updates >= 4 && updates <= 6, "updates: " + updates);
    assertTrue(host.events.stream().skip(1).allMatch(e -> id.equals(e.displayId())));
    var last = host.events.get(host.events.size() - 1).bundle();
    assertTrue(last.text().contains("100%  100/100"), last.text());
    assertTrue(last.text().contains("loss 1"), last.text());
    assertTrue(last.html().contains("width:100.0%"), last.html());
    assertFalse(last.html().contains("<script"), "no JavaScript in the bar");
  }

  @Test
  void printsThrottledLinesWhereItCannotUpdate() {
    RecordingHost host = new RecordingHost(false);
    FakeClock clock = new FakeClock();
    Progress p = new Progress(host, () -> clock.nanos, "batches", 1000);
    for (int i = 0; i < 1000; i++) {
      clock.advanceMillis(20); // 20 s in all: first step, then every 5 s
      p.step();
    }
    p.close();
    p.close(); // harmless
    assertTrue(host.events.stream().allMatch(e -> e.kind().equals("show") && e.bundle().html() == null));
    int lines = host.events.size();
    assertTrue(lines >= 5 && lines <= 7, "lines: " + lines);
    assertTrue(host.events.get(lines - 1).bundle().text().contains("1000/1000"));
  }

  @Test
  void anEarlyEndSaysWhereItStopped() {
    RecordingHost host = new RecordingHost(true);
    Progress p = new Progress(host, System::nanoTime, "epochs", 10);
    p.step();
    p.step();
    p.close();
    String text = host.events.get(host.events.size() - 1).bundle().text();
    assertTrue(text.contains("stopped at 2 of 10"), text);
    assertThrows(IllegalStateException.class, p::step);
  }

  @Test
  void badArgumentsAreRejected() {
    RecordingHost host = new RecordingHost(false);
    assertThrows(IllegalArgumentException.class, () -> new Progress(host, System::nanoTime, "x", -1));
    Progress p = new Progress(host, System::nanoTime, "x", 3);
    assertThrows(IllegalArgumentException.class, () -> p.advance(-1, null));
  }

  @Test
  void labelsAreEscapedInHtml() {
    RecordingHost host = new RecordingHost(true);
    new Progress(host, System::nanoTime, "<b>x</b>", 1).close();
    String html = host.events.get(host.events.size() - 1).bundle().html();
    assertTrue(html.contains("&lt;b&gt;x&lt;/b&gt;"), html);
  }
}
