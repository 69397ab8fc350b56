/**
 * Showing results under any Java Jupyter kernel, or none: {@link org.attentioncourse.display.Show} (charts as
 * PNG, tables as HTML with a text form), {@link org.attentioncourse.display.Charts} (the chart kinds the course
 * uses), {@link org.attentioncourse.display.Progress} (a bar updated in place where the kernel allows).
 */
package org.attentioncourse.display;
