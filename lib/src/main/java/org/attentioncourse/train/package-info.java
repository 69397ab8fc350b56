/**
 * Training support: the training loop, evaluation (accuracy, macro F1, bits per token), checkpoints, device
 * choice (including {@code all-gpus} for multi-device training, {@link org.attentioncourse.train.Devices#chooseAll}),
 * an Adam whose state can be saved and restored ({@link org.attentioncourse.train.ResumableAdam}, what makes the
 * command line's runs resumable), and text generation from a trained causal character model.
 */
package org.attentioncourse.train;
