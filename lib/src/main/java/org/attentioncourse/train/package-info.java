/** Training support: device choice and reporting (the training loop grows here). */
package org.attentioncourse.train;
