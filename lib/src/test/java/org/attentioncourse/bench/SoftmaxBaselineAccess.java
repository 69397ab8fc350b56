package org.attentioncourse.bench;

import java.io.PrintStream;

/** Lets tests in other packages run the benchmark main with their own streams. */
public final class SoftmaxBaselineAccess {

  private SoftmaxBaselineAccess() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return SoftmaxBaseline.run(args, out, err);
  }
}
