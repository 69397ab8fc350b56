package org.attentioncourse.bench;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The process's resident memory (RSS) and its high-water mark, read from Linux's /proc.
 *
 * <p>Why RSS and not the Java heap: DJL's arrays live in native memory that libtorch allocates, so the JVM's
 * own counters do not see them. The kernel's per-process high-water mark, VmHWM, does; writing "5" to
 * /proc/self/clear_refs resets it to the current RSS (Linux ≥ 4.0), so the peak of one call is
 * {@code VmHWM after − VmRSS before}.
 *
 * <p>One trap: glibc keeps freed blocks below its mmap threshold (which grows up to 32 MiB) inside the process
 * and hands them out again, so a second forward pass may reuse pages that are already resident and appear to
 * cost nothing. {@link #reset} therefore first asks glibc to return free memory to the kernel ({@code
 * malloc_trim(0)}, through JNA) when it can. Measured for softmax attention at T = 2048: 16 MB without the
 * trim, 48.6 MB with it (three 16 MB score-sized arrays). Even so, arrays of a few MB or less may still land in
 * pages that stayed resident, so the peak for small T is a lower bound; above 32 MiB glibc maps every array
 * afresh and the measurement is exact up to page rounding and JVM noise.
 */
public final class ResidentMemory {

  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private final String unavailable; // null when usable
  private final Function mallocTrim; // null when glibc's malloc_trim cannot be called

  private ResidentMemory(String unavailable, Function mallocTrim) {
    this.unavailable = unavailable;
    this.mallocTrim = mallocTrim;
  }

  /** Checks once that /proc can be read and the high-water mark reset. */
  public static ResidentMemory probe() {
    String reason = null;
    try {
      readKb("VmRSS");
      readKb("VmHWM");
      Files.write(CLEAR_REFS, "5".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
    } catch (IOException | RuntimeException e) {
      reason = "peak memory not measured: /proc unavailable (" + e.getMessage() + ")";
    }
    Function trim = null;
    if (reason == null) {
      try {
        trim = NativeLibrary.getInstance("c").getFunction("malloc_trim");
      } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError: not glibc, or no JNA
        trim = null;
      }
    }
    return new ResidentMemory(reason, trim);
  }

  /** Null when peaks can be measured, otherwise why not (for the table's note column). */
  public String unavailableReason() {
    return unavailable;
  }

  /** Whether free heap memory is returned to the kernel before each measurement. */
  public boolean trims() {
    return mallocTrim != null;
  }

  /** Returns free malloc memory to the kernel and resets the high-water mark; returns RSS in bytes after. */
  public long reset() throws IOException {
    if (mallocTrim != null) {
      mallocTrim.invokeInt(new Object[] {0});
    }
    Files.write(CLEAR_REFS, "5".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
    return readKb("VmRSS") * 1024;
  }

  /** The high-water mark of RSS since the last {@link #reset}, in bytes. */
  public long peak() throws IOException {
    return readKb("VmHWM") * 1024;
  }

  /** A "Name:   1234 kB" line of /proc/self/status, in kB. */
  private static long readKb(String field) throws IOException {
    for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
      if (line.startsWith(field + ":")) {
        String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]);
      }
    }
    throw new IOException(STATUS + " has no " + field + " line");
  }
}
