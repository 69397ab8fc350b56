/**
 * Companion library of the attention course.
 *
 * <p>Packages: {@code display} (charts, tables and progress under any Java kernel or none), {@code train}
 * (devices, training), and one package per paper as the course grows. {@link org.attentioncourse.CourseScale}
 * is the size knob every notebook honours.
 */
package org.attentioncourse;
