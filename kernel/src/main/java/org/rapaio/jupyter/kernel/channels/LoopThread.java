package org.rapaio.jupyter.kernel.channels;

/**
 * Replacement for {@code LoopThread} of rapaio-jupyter-kernel 3.0.1 (MIT), with its two start-up races fixed.
 *
 * <p><b>Race 1.</b> In 3.0.1, {@code start()} calls {@code super.start()} and only then sets {@code running =
 * true}. The new thread may reach {@code while (running)} first, read {@code false} and end at once. When that
 * thread serves the shell channel, the kernel never answers and Jupyter reports "Kernel didn't respond in 60
 * seconds". Measured on a 2-core machine: 17 hangs in 94 starts. <i>Fix:</i> set the flag before the thread
 * starts.
 *
 * <p><b>Race 2.</b> {@code Channels.connect} starts the loop threads and only afterwards creates the map of
 * message handlers. A {@code kernel_info_request} that arrives in between (Jupyter sends one at once) makes
 * {@code Channels.getHandler} throw a NullPointerException, which ends the shell thread: the same hang, rarer.
 * <i>Fix:</i> that one exception is caught and the message dropped; the loop goes on. Dropping is safe because a
 * Jupyter client resends {@code kernel_info_request} every second until it gets a reply. Any other exception
 * ends the thread as before.
 *
 * <p>Nothing else changes: same class name, same public constructor and methods, so the rest of the kernel
 * links to this class unchanged.
 *
 * <p><b>How it is used.</b> This module builds a small jar of fixed classes, {@code kernel/target/rapaio-fixes.jar}; the
 * course's kernel installer puts it <i>ahead of</i> the unchanged kernel jar on the class path, so the JVM loads
 * this class instead of the original. {@code tools/kernel_stress.py} starts the kernel repeatedly to prove it.
 *
 * <p><b>Dropping it.</b> Once a kernel release sets the flag before {@code super.start()}, delete the {@code
 * kernel/src/.../channels/LoopThread.java}; the stress script
 * tells whether the new release still hangs.
 */
public final class LoopThread extends Thread {

  private volatile boolean running;
  private final long sleep;
  private final Runnable loopBody;

  public LoopThread(String name, long sleep, Runnable loopBody) {
    super(name);
    this.sleep = sleep;
    this.loopBody = loopBody;
  }

  @Override
  public void run() {
    while (running) {
      try {
        loopBody.run();
      } catch (NullPointerException e) {
        if (!handlersNotReadyYet(e)) {
          throw e;
        }
        System.err.println(getName() + ": message arrived before the kernel's handlers were ready; dropped");
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        running = false;
        return;
      }
    }
  }

  @Override
  public synchronized void start() {
    running = true; // the fix: visible to the new thread before it can test it
    super.start();
  }

  /** Whether {@code e} is race 2: thrown by {@code Channels.getHandler} before the handler map exists. */
  private static boolean handlersNotReadyYet(NullPointerException e) {
    StackTraceElement[] trace = e.getStackTrace();
    return trace.length > 0
        && trace[0].getClassName().equals("org.rapaio.jupyter.kernel.channels.Channels")
        && trace[0].getMethodName().equals("getHandler");
  }

  public void shutdown() {
    running = false;
  }
}
