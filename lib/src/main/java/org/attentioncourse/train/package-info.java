/**
 * Training support: the training loop, evaluation (accuracy, macro F1, bits per token), checkpoints, device
 * choice, and text generation from a trained causal character model.
 */
package org.attentioncourse.train;
