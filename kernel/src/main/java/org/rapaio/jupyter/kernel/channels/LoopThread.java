package org.rapaio.jupyter.kernel.channels;

/**
 * Replacement for {@code LoopThread} of rapaio-jupyter-kernel 3.0.1 (MIT), with its start-up race fixed.
 *
 * <p><b>The bug.</b> In 3.0.1, {@code start()} calls {@code super.start()} and only then sets {@code running =
 * true}. The new thread may reach {@code while (running)} first, read {@code false} and end at once. When that
 * thread serves the shell channel, the kernel never answers and Jupyter reports "Kernel didn't respond in 60
 * seconds". Measured on a 2-core machine: 17 hangs in 94 starts.
 *
 * <p><b>The fix.</b> Set the flag before the thread starts. Nothing else changes: same class name, same public
 * constructor and methods, so the rest of the kernel links to this class unchanged.
 *
 * <p><b>How it is used.</b> This module builds a one-class jar, {@code kernel/target/kernel-startup-fix.jar}; the
 * course's kernel installer puts it <i>ahead of</i> the unchanged kernel jar on the class path, so the JVM loads
 * this class instead of the original. {@code tools/kernel_stress.py} starts the kernel repeatedly to prove it.
 *
 * <p><b>Dropping it.</b> Once a kernel release sets the flag before {@code super.start()}, delete the {@code
 * kernel/src} folder and the fix jar from the class path in {@code tools/install_kernel.sh}; the stress script
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
      loopBody.run();
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

  public void shutdown() {
    running = false;
  }
}
