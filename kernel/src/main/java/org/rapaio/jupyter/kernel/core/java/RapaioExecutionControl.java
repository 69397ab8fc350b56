package org.rapaio.jupyter.kernel.core.java;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.SPIResolutionException;

/**
 * Replacement for {@code RapaioExecutionControl} of rapaio-jupyter-kernel 3.0.1 (MIT): the kernel survives an
 * interrupt.
 *
 * <p><b>The bug.</b> In 3.0.1 an interrupt ({@code JavaEngine.interrupt}) cancels the running task and then calls
 * {@code stop()}, which shuts the execution thread pool down. The interrupted cell ends with {@code
 * StoppedException}, and every later cell is refused by the dead pool, so it "runs" without running until the
 * kernel is restarted. (The other half of the bug, the interrupt request's handler running the shell's pending
 * actions, is fixed in {@code channels.ControlChannel}.)
 *
 * <p><b>What this class does instead.</b> Stopping means interrupting: {@link #interrupt()} (and {@link #stop()},
 * JShell's name for the same request) sets the interrupt flag of the thread that runs the cell and lets the cell end
 * by itself, so its reply carries what the code did: {@code InterruptedException} from a sleep, the course's
 * "training stopped after step N" with its checkpoint saved. The kernel waits for that before it answers, so the
 * next cell never overlaps the end of the interrupted one. Code that ignores the flag (a busy loop) gets {@code
 * Thread.stop} after a grace period ({@value #DEFAULT_GRACE_SECONDS} s, or the system property {@code
 * course.kernel.interruptGraceSeconds}) where the JDK still has it (17 to 19); if it still runs, the cell is
 * answered as interrupted and the thread is left behind, which its error message says. The pool is shut down only
 * by {@link #close()}, when the kernel ends.
 *
 * <p>The public constructor, constants and methods are those of 3.0.1, so the rest of the kernel links to this class
 * unchanged; {@link #interruptAll()} is new and used by the replacement {@code ControlChannel}.
 *
 * <p><b>Dropping it.</b> Once a rapaio release keeps its pool alive after an interrupt, delete this file and run
 * {@code tools/interrupt_test.py}, which fails on the 3.0.1 behaviour.
 */
public class RapaioExecutionControl extends DirectExecutionControl {

  public static final String TIMEOUT_MARKER = "## Timeout Marker ##";
  public static final String INTERRUPTED_MARKER = "## Interrupted Marker ##";
  static final int DEFAULT_GRACE_SECONDS = 10;
  private static final AtomicInteger ID = new AtomicInteger(0);
  /** Every live control of this JVM (a kernel has one), for the control channel's interrupt. */
  private static final Set<RapaioExecutionControl> LIVE = ConcurrentHashMap.newKeySet();

  private final ExecutorService executor;
  private final long timeoutTime;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<String, Object> results = new ConcurrentHashMap<>();

  /** One cell's task and the thread that runs it; {@code stopping} makes a second interrupt a no-op. */
  private record Running(
      Future<Object> future, AtomicReference<Thread> thread, AtomicBoolean stopping, AtomicBoolean forced) {}

  public RapaioExecutionControl(long timeoutTime) {
    this.timeoutTime = timeoutTime;
    this.executor =
        Executors.newCachedThreadPool(r -> new Thread(r, "Engine-thread-" + ID.getAndIncrement()));
    LIVE.add(this);
  }

  /** Interrupts whatever cell runs in this JVM: the control channel's interrupt request. */
  public static void interruptAll() {
    LIVE.forEach(RapaioExecutionControl::interrupt);
  }

  public long getTimeout() {
    return timeoutTime;
  }

  public Object takeResult(String key) {
    Object result = results.remove(key);
    if (result == null) {
      throw new IllegalStateException("No result with key: " + key);
    }
    return result;
  }

  @Override
  protected String invoke(Method methodCall) throws Exception {
    String id = UUID.randomUUID().toString();
    Object value = execute(id, methodCall);
    results.put(id, value);
    return id;
  }

  private Object execute(String id, Method methodCall) throws Exception {
    AtomicReference<Thread> thread = new AtomicReference<>();
    Future<Object> task =
        executor.submit(
            () -> {
              thread.set(Thread.currentThread());
              try {
                return methodCall.invoke(null);
              } finally {
                thread.set(null);
              }
            });
    Running run = new Running(task, thread, new AtomicBoolean(), new AtomicBoolean());
    running.put(id, run);
    try {
      return timeoutTime > 0 ? task.get(timeoutTime, TimeUnit.MILLISECONDS) : task.get();
    } catch (CancellationException e) {
      throw new UserException(
          "The cell did not stop within " + graceSeconds() + " s of the interrupt and may still be running"
              + " in the background (it never checks Thread.interrupted()); restart the kernel if it uses the CPU.",
          INTERRUPTED_MARKER, e.getStackTrace());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvocationTargetException) {
        cause = cause.getCause();
      }
      if (cause instanceof ThreadDeath && run.forced().get()) {
        throw new UserException(
            "The cell did not stop within " + graceSeconds() + " s of the interrupt (its code never checks"
                + " Thread.interrupted()), so it was stopped by force; objects it was changing may be half-updated.",
            cause.getClass().getName(), cause.getStackTrace());
      } else if (cause == null) {
        throw new UserException("null", "Unknown Invocation Exception", e.getStackTrace());
      } else if (cause instanceof SPIResolutionException spi) {
        throw new ResolutionException(spi.id(), cause.getStackTrace());
      } else {
        throw new UserException(cause.getMessage(), cause.getClass().getName(), cause.getStackTrace());
      }
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new UserException("Execution timed out", TIMEOUT_MARKER, e.getStackTrace());
    } finally {
      running.remove(id, run);
    }
  }

  /** Interrupts the running cells and, after the grace period, forces the ones that ignore it. */
  public void interrupt() {
    running.values().forEach(this::interrupt);
  }

  private void interrupt(Running run) {
    if (!run.stopping().compareAndSet(false, true)) {
      return; // already being stopped: the escalation below is running
    }
    Thread t = run.thread().get();
    if (t != null) {
      t.interrupt();
    }
    Thread watchdog =
        new Thread(
            () -> {
              if (finishes(run.future(), graceSeconds())) {
                return;
              }
              Thread still = run.thread().get();
              if (still != null) {
                run.forced().set(true);
                forceStop(still);
              }
              if (!finishes(run.future(), 2)) {
                run.future().cancel(true); // the cell is answered; the thread is left behind
              }
            },
            "interrupt-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private static boolean finishes(Future<?> f, long seconds) {
    try {
      f.get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    } catch (ExecutionException | CancellationException e) {
      return true; // it ended, with an error: that error is the cell's reply
    }
  }

  @SuppressWarnings({"deprecation", "removal"})
  private static void forceStop(Thread t) {
    try {
      t.stop(); // JDK 17 to 19; later JDKs throw UnsupportedOperationException
    } catch (UnsupportedOperationException e) {
      // nothing more can be done from inside the JVM; the cell is answered as interrupted
    }
  }

  private static long graceSeconds() {
    return Long.getLong("course.kernel.interruptGraceSeconds", DEFAULT_GRACE_SECONDS);
  }

  /** JShell's "stop the running snippet": the same as an interrupt (3.0.1 shut the pool down here). */
  @Override
  public void stop() {
    interrupt();
  }

  @Override
  public void close() {
    LIVE.remove(this);
    executor.shutdownNow();
    super.close();
  }
}
