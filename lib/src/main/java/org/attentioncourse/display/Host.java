package org.attentioncourse.display;

/**
 * Where rich output goes: a Java Jupyter kernel (found at run time by reflection, so the lib compiles against
 * none of them) or, outside Jupyter, files and standard output.
 */
interface Host {

  /** A short name: {@code rapaio}, {@code ijava}, {@code jjava} or {@code console}. */
  String name();

  /**
   * Shows a bundle.
   *
   * @param displayId an id under which the output can later be replaced, or null
   */
  void show(MimeBundle bundle, String displayId);

  /** Whether {@link #update} replaces an earlier output in place. */
  boolean canUpdate();

  /** Replaces the output shown under {@code displayId}. Only called when {@link #canUpdate()}. */
  void update(MimeBundle bundle, String displayId);
}
