package org.attentioncourse.display;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Output through a Java Jupyter kernel running in this JVM, reached by reflection.
 *
 * <p>The three kernels' user-facing {@code display(...)} helpers differ (rapaio: {@code display(String mime,
 * Object)}; IJava/JJava: {@code display(Object, String... mimes)}) and none passes a ready-made multi-format
 * bundle through. So this class goes one level down, to the kernel object itself: each kernel has a {@code
 * DisplayData} type (a mime → data map with an optional display id) and a {@code display(DisplayData)} method on
 * its kernel instance. Images travel as base64 PNG strings.
 */
final class KernelHost implements Host {

  /** How to reach one kernel: where its instance lives and how updates are sent. */
  private record Flavor(
      String name, String instanceClass, String instanceMember, boolean isField, String displayDataClass) {}

  private static final List<Flavor> FLAVORS =
      List.of(
          new Flavor(
              "rapaio",
              "org.rapaio.jupyter.kernel.MainApp",
              "kernel",
              true,
              "org.rapaio.jupyter.kernel.display.DisplayData"),
          new Flavor(
              "ijava",
              "io.github.spencerpark.ijava.IJava",
              "getKernelInstance",
              false,
              "io.github.spencerpark.jupyter.kernel.display.DisplayData"),
          new Flavor(
              "jjava",
              "org.dflib.jjava.jupyter.kernel.BaseKernel",
              "notebookKernel",
              false,
              "org.dflib.jjava.jupyter.kernel.display.DisplayData"),
          new Flavor(
              "jjava",
              "org.dflib.jjava.JJava",
              "getKernelInstance",
              false,
              "org.dflib.jjava.jupyter.kernel.display.DisplayData"));

  private final Flavor flavor;
  private final Object kernel;
  private final Class<?> displayData;

  private KernelHost(Flavor flavor, Object kernel, Class<?> displayData) {
    this.flavor = flavor;
    this.kernel = kernel;
    this.displayData = displayData;
  }

  /** The kernel this JVM runs inside, if any. */
  static Optional<Host> detect() {
    for (Flavor f : FLAVORS) {
      try {
        ClassLoader loader = loader();
        Class<?> owner = Class.forName(f.instanceClass(), true, loader);
        Object kernel =
            f.isField()
                ? owner.getField(f.instanceMember()).get(null)
                : owner.getMethod(f.instanceMember()).invoke(null);
        if (kernel != null) {
          return Optional.of(
              new KernelHost(f, kernel, Class.forName(f.displayDataClass(), true, loader)));
        }
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        // not this kernel (absent, or present as a library with no running instance): try the next
      }
    }
    return Optional.empty();
  }

  private static ClassLoader loader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : KernelHost.class.getClassLoader();
  }

  @Override
  public String name() {
    return flavor.name();
  }

  @Override
  public void show(MimeBundle bundle, String displayId) {
    Object data = toDisplayData(bundle, displayId);
    invoke(kernel, "display", new Class<?>[] {displayData}, data);
  }

  @Override
  public boolean canUpdate() {
    return true;
  }

  @Override
  public void update(MimeBundle bundle, String displayId) {
    Object data = toDisplayData(bundle, displayId);
    if (flavor.name().equals("rapaio")) {
      invoke(kernel, "updateDisplay", new Class<?>[] {displayData}, data);
    } else {
      // IJava and JJava: kernel.getIO().display.updateDisplay(id, data)
      try {
        Object io = kernel.getClass().getMethod("getIO").invoke(kernel);
        Object stream = io.getClass().getField("display").get(io);
        invoke(stream, "updateDisplay", new Class<?>[] {String.class, displayData}, displayId, data);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Cannot update a display in the " + name() + " kernel", e);
      }
    }
  }

  private Object toDisplayData(MimeBundle bundle, String displayId) {
    try {
      Object data;
      if (flavor.name().equals("rapaio")) {
        data = displayData.getMethod("fromText", String.class).invoke(null, bundle.text());
      } else {
        data = displayData.getConstructor(String.class).newInstance(bundle.text());
      }
      Method put = displayData.getMethod("putData", String.class, Object.class);
      if (bundle.html() != null) {
        put.invoke(data, "text/html", bundle.html());
      }
      if (bundle.png() != null) {
        put.invoke(data, "image/png", Base64.getEncoder().encodeToString(bundle.png()));
      }
      if (displayId != null) {
        displayData.getMethod("setDisplayId", String.class).invoke(data, displayId);
      }
      return data;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot build display data for the " + name() + " kernel", e);
    }
  }

  private void invoke(Object target, String method, Class<?>[] types, Object... args) {
    try {
      target.getClass().getMethod(method, types).invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("The " + name() + " kernel failed to " + method, cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "The " + name() + " kernel has no usable " + method + " method", e);
    }
  }
}
