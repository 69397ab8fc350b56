package org.rapaio.jupyter.kernel.channels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.java.RapaioExecutionControl;
import org.rapaio.jupyter.kernel.message.HMACDigest;
import org.rapaio.jupyter.kernel.message.Message;
import org.rapaio.jupyter.kernel.message.MessageType;
import org.rapaio.jupyter.kernel.message.messages.ControlInterruptReply;
import org.rapaio.org.zeromq.SocketType;
import org.rapaio.org.zeromq.ZMQ;

/**
 * Replacement for {@code ControlChannel} of rapaio-jupyter-kernel 3.0.1 (MIT): an interrupt request no longer
 * disturbs the cell it interrupts.
 *
 * <p><b>The bug.</b> The kernel keeps one "current message" and one stack of pending actions in {@code Channels},
 * shared by the shell and control channels. In 3.0.1 the interrupt request's handler replaces the current message
 * with itself, and when it returns, the control channel runs the whole stack, which holds the running cell's pending
 * actions: its "idle" status (so Jupyter shows the kernel idle at once), the restoring of {@code System.out}, and the
 * clearing of the current message, after which the interrupted cell's error and reply go out with no parent and the
 * front end waits for that reply forever. The interrupt reply itself went out on the shell socket.
 *
 * <p><b>What this class does instead.</b> An interrupt request is answered here, on the control socket, with the
 * request as its parent, and {@link RapaioExecutionControl#interruptAll()} interrupts the running cell; the shared
 * state is not touched, so the cell ends with its own error and reply, and then the kernel goes idle. Every other
 * control message (shutdown) is handled as in 3.0.1.
 *
 * <p>Same class name, constructor and public methods as 3.0.1 (it is a permitted subclass of the sealed {@code
 * AbstractChannel}), so the rest of the kernel links to it unchanged.
 */
public final class ControlChannel extends AbstractChannel {

  private static final Logger LOGGER = Logger.getLogger(ControlChannel.class.getSimpleName());
  private static final long LOOP_SLEEP = 50;
  private static final AtomicInteger ID = new AtomicInteger();

  private final Channels channels;
  private volatile LoopThread loopThread;

  public ControlChannel(Channels channels, ZMQ.Context context, HMACDigest hmacGenerator) {
    super(channels, "ControlChannel", context, SocketType.ROUTER, hmacGenerator);
    this.channels = channels;
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public void bind(ConnectionProperties connProps) {
    if (loopThread != null) {
      throw new IllegalStateException("Channel already bound.");
    }
    String addr = connProps.formatAddress(connProps.controlPort());
    LOGGER.info(logPrefix + "Binding to " + addr);
    socket.bind(addr);
    ZMQ.Poller poller = ctx.poller(1);
    poller.register(socket, ZMQ.Poller.POLLIN);
    this.loopThread =
        new LoopThread(
            "Control-" + ID.getAndIncrement(),
            LOOP_SLEEP,
            () -> {
              if (poller.poll(0) <= 0) {
                return;
              }
              Message<?> message = readMessage();
              var type = message.header().type();
              if (type == MessageType.CONTROL_INTERRUPT_REQUEST) {
                // the reply first: a client may wait for it before it expects the cell to end
                sendMessage(
                    new Message<>(message.getId(), MessageType.CONTROL_INTERRUPT_REPLY, new ControlInterruptReply()));
                RapaioExecutionControl.interruptAll();
                return;
              }
              MessageHandler handler = channels.getHandler(type);
              if (handler == null) {
                LOGGER.severe(logPrefix + "Unhandled message: " + type.name());
                return;
              }
              channels.setMsgId(message.getId());
              try {
                handler.handle(message);
              } catch (Exception e) {
                LOGGER.severe(logPrefix + "Exception handling " + type.name() + ". "
                    + e.getClass().getSimpleName() + ": " + e.getLocalizedMessage());
              } finally {
                channels.runAfterActions();
              }
              if (channels.isMarkedForShutdown()) {
                channels.close();
              }
            });
    loopThread.start();
  }

  @Override
  public void close() {
    if (loopThread != null) {
      loopThread.shutdown();
    }
    super.close();
  }

  @Override
  public void joinUntilClose() {
    if (loopThread != null) {
      try {
        loopThread.join();
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
