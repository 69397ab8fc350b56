package org.attentioncourse;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The course's size knob: how big every notebook and every lib default runs.
 *
 * <ul>
 *   <li>{@link #CI} — seconds per notebook; what the test command runs on a 2-core machine.
 *   <li>{@link #DEFAULT} — minutes per notebook on a laptop or a 2 GB Binder; big enough to see the effects.
 *   <li>{@link #FULL} — the sizes the text talks about; meant for a workstation or a GPU.
 * </ul>
 *
 * <p>Read from the system property {@code course.scale}, else the environment variable {@code COURSE_SCALE},
 * else {@code default}. Notebooks pick sizes with {@link #pick}:
 *
 * <pre>{@code
 * int steps = CourseScale.current().pick(50, 2_000, 20_000);
 * }</pre>
 */
public enum CourseScale {
  CI,
  DEFAULT,
  FULL;

  /** System property that selects the scale; wins over the environment variable. */
  public static final String PROPERTY = "course.scale";

  /** Environment variable that selects the scale. */
  public static final String ENV = "COURSE_SCALE";

  /** The scale this JVM runs at. Fails with a clear message on an unknown value. */
  public static CourseScale current() {
    String prop = System.getProperty(PROPERTY);
    if (prop != null && !prop.isBlank()) {
      return parse(prop, "system property " + PROPERTY);
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return parse(env, "environment variable " + ENV);
    }
    return DEFAULT;
  }

  /** Parses {@code ci}, {@code default} or {@code full} (any case). */
  public static CourseScale parse(String value, String source) {
    String v = value.trim().toUpperCase(Locale.ROOT);
    for (CourseScale s : values()) {
      if (s.name().equals(v)) {
        return s;
      }
    }
    String allowed =
        Arrays.stream(values()).map(CourseScale::toString).collect(Collectors.joining(", "));
    throw new IllegalArgumentException(
        source + " is '" + value + "' but must be one of: " + allowed);
  }

  /** Chooses the value for this scale. */
  public int pick(int ci, int normal, int full) {
    return switch (this) {
      case CI -> ci;
      case DEFAULT -> normal;
      case FULL -> full;
    };
  }

  /** Chooses the value for this scale. */
  public double pick(double ci, double normal, double full) {
    return switch (this) {
      case CI -> ci;
      case DEFAULT -> normal;
      case FULL -> full;
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
