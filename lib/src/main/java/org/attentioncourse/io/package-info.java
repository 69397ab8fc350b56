/**
 * File helpers: atomic writes (a stopped run never leaves half a file behind), SHA-256 checksums, and a small
 * reader for gzipped tar archives (what {@code npm pack} produces), so datasets need no extra dependency.
 */
package org.attentioncourse.io;
