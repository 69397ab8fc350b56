package org.rapaio.jupyter.kernel.core.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jdk.jshell.spi.ExecutionControl.UserException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The replacement execution control, without a kernel around it: an interrupt ends the running cell with the
 * cell's own exception, and the next cell runs (3.0.1 shut its pool down, so every later cell was refused).
 * tools/interrupt_test.py checks the same through Jupyter's protocol.
 */
class RapaioExecutionControlTest {

  /** What the cells below run, as JShell's generated classes would: static methods without arguments. */
  public static final class Cells {
    static volatile boolean spin;

    public static Object sleep() throws InterruptedException {
      Thread.sleep(60_000);
      return "woke up";
    }

    public static Object answer() {
      return 42;
    }

    public static Object busy() {
      long n = 0;
      while (spin) {
        n++;
      }
      return n;
    }
  }

  private final RapaioExecutionControl control = new RapaioExecutionControl(-1);

  @AfterEach
  void close() {
    control.close();
  }

  private Object run(String cell) throws Exception {
    Method m = Cells.class.getMethod(cell);
    return control.takeResult(control.invoke(m));
  }

  @Test
  void anInterruptEndsTheCellWithItsOwnExceptionAndTheNextCellRuns() throws Exception {
    CompletableFuture<Object> sleeping = CompletableFuture.supplyAsync(() -> {
      try {
        return run("sleep");
      } catch (Exception e) {
        return e;
      }
    });
    Thread.sleep(300);
    long t0 = System.nanoTime();
    control.interrupt();
    Object outcome = sleeping.get(10, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(outcome instanceof UserException, "the cell ends with an error: " + outcome);
    assertEquals(InterruptedException.class.getName(), ((UserException) outcome).causeExceptionClass());
    assertTrue(seconds < 2, "answered " + seconds + " s after the interrupt");
    assertEquals(42, run("answer"), "the next cell runs: the pool is alive");
    control.stop(); // JShell's stop with nothing running is harmless too
    assertEquals(42, run("answer"));
  }

  @Test
  void codeThatIgnoresTheInterruptIsStoppedByForceAfterTheGrace() throws Exception {
    System.setProperty("course.kernel.interruptGraceSeconds", "1");
    try {
      Cells.spin = true;
      CompletableFuture<Object> spinning = CompletableFuture.supplyAsync(() -> {
        try {
          return run("busy");
        } catch (Exception e) {
          return e;
        }
      });
      Thread.sleep(300);
      control.interrupt();
      Object outcome = spinning.get(15, TimeUnit.SECONDS);
      assertTrue(outcome instanceof UserException, "the cell ends with an error: " + outcome);
      // JDK 17 to 19 still have Thread.stop: the loop is stopped; later JDKs can only leave it running
      String expected = Runtime.version().feature() < 20 ? "stopped by force" : "may still be running";
      assertTrue(((UserException) outcome).getMessage().contains(expected), outcome.toString());
      assertEquals(42, run("answer"));
    } finally {
      Cells.spin = false;
      System.clearProperty("course.kernel.interruptGraceSeconds");
    }
  }

  @Test
  void aClosedControlRefusesWork() throws Exception {
    control.close();
    assertThrows(Exception.class, () -> run("answer"));
  }
}
