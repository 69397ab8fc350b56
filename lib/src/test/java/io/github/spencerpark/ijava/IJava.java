package io.github.spencerpark.ijava;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.util.ArrayList;
import java.util.List;

/**
 * Stand-in for IJava's entry class: {@code getKernelInstance()} returns null until a test installs a kernel,
 * as outside a running IJava kernel.
 */
public final class IJava {
  public static volatile Kernel instance;

  public static Kernel getKernelInstance() {
    return instance;
  }

  /** The kernel's display surface: {@code display(DisplayData)} and {@code getIO().display.updateDisplay}. */
  public static final class Kernel {
    public final List<DisplayData> shown = new ArrayList<>();
    public final List<String> updatedIds = new ArrayList<>();
    private final IO io = new IO();

    public void display(DisplayData data) {
      shown.add(data);
    }

    public IO getIO() {
      return io;
    }

    public final class IO {
      public final Stream display = new Stream();
    }

    public final class Stream {
      public void updateDisplay(String id, DisplayData data) {
        updatedIds.add(id);
        shown.add(data);
      }
    }
  }
}
