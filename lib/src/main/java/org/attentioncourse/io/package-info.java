/** File helpers: atomic writes, so a stopped run never leaves half a file behind. */
package org.attentioncourse.io;
