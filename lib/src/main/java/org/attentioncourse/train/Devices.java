package org.attentioncourse.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Locale;

/**
 * Which device training runs on, chosen explicitly and reported honestly.
 *
 * <p>Requests: {@code auto} (the first GPU when the engine sees one, else the CPU), {@code cpu}, {@code gpu}
 * (= {@code gpu:0}) or {@code gpu:N}. Asking for a GPU that is not there fails with a message saying why,
 * instead of silently running on the CPU. The default request comes from the system property {@code
 * course.device}, else the environment variable {@code COURSE_DEVICE}, else {@code auto}.
 */
public final class Devices {

  /** System property holding the default device request. */
  public static final String PROPERTY = "course.device";

  /** Environment variable holding the default device request. */
  public static final String ENV = "COURSE_DEVICE";

  private Devices() {}

  /** The device for the default request (see class comment). */
  public static Device choose() {
    String prop = System.getProperty(PROPERTY);
    if (prop != null && !prop.isBlank()) {
      return choose(prop);
    }
    String env = System.getenv(ENV);
    return choose(env != null && !env.isBlank() ? env : "auto");
  }

  /** The device for {@code request}: {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}. */
  public static Device choose(String request) {
    return choose(request, Engine.getInstance().getGpuCount());
  }

  static Device choose(String request, int gpuCount) {
    String r = request == null ? "" : request.trim().toLowerCase(Locale.ROOT);
    if (r.equals("auto")) {
      return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (r.equals("cpu")) {
      return Device.cpu();
    }
    if (r.equals("gpu") || r.equals("cuda") || r.startsWith("gpu:") || r.startsWith("cuda:")) {
      int id = 0;
      int colon = r.indexOf(':');
      if (colon >= 0) {
        try {
          id = Integer.parseInt(r.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "device request '" + request + "': the GPU number after ':' must be an integer");
        }
      }
      if (gpuCount == 0) {
        throw new IllegalStateException(
            "A GPU was asked for ('"
                + request
                + "') but the PyTorch engine sees none. Either this machine has no CUDA device, or the"
                + " CPU build of libtorch is loaded (the default build bundles it; build with -Dgpu and"
                + " see README, 'Running on a GPU'). Use 'cpu' or 'auto' to run on the CPU.");
      }
      if (id < 0 || id >= gpuCount) {
        throw new IllegalArgumentException(
            "device request '" + request + "': GPU " + id + " does not exist; the engine sees " + gpuCount
                + (gpuCount == 1 ? " GPU (gpu:0)" : " GPUs (gpu:0 .. gpu:" + (gpuCount - 1) + ")"));
      }
      return Device.gpu(id);
    }
    throw new IllegalArgumentException(
        "device request '" + request + "' is not one of: auto, cpu, gpu, gpu:N"
            + (r.equals(ALL_GPUS) ? " (all-gpus is accepted where several devices can be used: Devices.chooseAll)" : ""));
  }

  /** The request that trains on every GPU of the machine at once (DJL's multi-device training). */
  public static final String ALL_GPUS = "all-gpus";

  /**
   * The devices for {@code request}: every GPU the engine sees for {@value #ALL_GPUS} (each batch is split across
   * them and the gradients are summed), otherwise the one device of {@link #choose(String)}. Asking for all GPUs
   * on a machine without one fails with a message saying so.
   */
  public static Device[] chooseAll(String request) {
    String r = request == null ? "" : request.trim().toLowerCase(Locale.ROOT);
    return chooseAll(r, r.equals(ALL_GPUS) ? Engine.getInstance().getGpuCount() : -1);
  }

  static Device[] chooseAll(String request, int gpuCount) {
    String r = request == null ? "" : request.trim().toLowerCase(Locale.ROOT);
    if (!r.equals(ALL_GPUS)) {
      return new Device[] {gpuCount < 0 ? choose(request) : choose(request, gpuCount)};
    }
    if (gpuCount <= 0) {
      throw new IllegalStateException(
          "device '" + ALL_GPUS + "' asks for every GPU of the machine, but the PyTorch engine sees no GPU here."
              + " Either this machine has no CUDA device, or the CPU build of libtorch is loaded (the default build"
              + " bundles it; build with -Dgpu and see README, 'Running on a GPU'). Use 'cpu' or 'auto' to train"
              + " on the CPU.");
    }
    Device[] all = new Device[gpuCount];
    for (int i = 0; i < gpuCount; i++) {
      all[i] = Device.gpu(i);
    }
    return all;
  }

  /** What the engine offers and what is really used, measured by placing an array on the device. */
  public record Report(
      String java,
      String djl,
      String engine,
      String engineVersion,
      int gpuCount,
      Device device,
      boolean cudaInUse) {

    /** A few lines for the top of a notebook. */
    public String banner() {
      String cuda =
          cudaInUse
              ? "CUDA in use: yes (arrays live on " + device + ")"
              : gpuCount > 0
                  ? "CUDA in use: no (a GPU is visible but " + device + " was chosen)"
                  : "CUDA in use: no (no GPU visible to the engine; running on the CPU)";
      return String.format(
          Locale.ROOT,
          "Java %s | DJL %s | engine %s %s%nGPUs visible: %d | device: %s%n%s",
          java,
          djl,
          engine,
          engineVersion,
          gpuCount,
          device,
          cuda);
    }
  }

  /** Reports on the default device request. */
  public static Report report() {
    return report(choose());
  }

  /** Reports on {@code device}: creates one array there and reads back where it lives. */
  public static Report report(Device device) {
    Engine engine = Engine.getInstance();
    boolean onGpu;
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray probe = m.ones(new ai.djl.ndarray.types.Shape(2, 2)).matMul(m.ones(new ai.djl.ndarray.types.Shape(2, 2)));
      onGpu = probe.getDevice().isGpu();
    }
    return new Report(
        System.getProperty("java.version"),
        Engine.getDjlVersion(),
        engine.getEngineName(),
        engine.getVersion(),
        engine.getGpuCount(),
        device,
        onGpu);
  }
}
