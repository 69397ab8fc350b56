/**
 * File helpers: atomic writes (a stopped run never leaves half a file behind), SHA-256 checksums, a small reader
 * for gzipped tar archives (what {@code npm pack} produces), and safe unpacking of {@code .zip} and {@code .tar.gz}
 * archives into a folder ({@link org.attentioncourse.io.Archives}: no entry may land outside it), so datasets need
 * no extra dependency.
 */
package org.attentioncourse.io;
