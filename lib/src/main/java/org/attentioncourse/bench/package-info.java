/**
 * How the cost of an attention mechanism grows with sequence length: time and memory of one forward pass.
 *
 * <p>{@link org.attentioncourse.bench.AttentionBenchmark} runs any {@link org.attentioncourse.bench.Mechanism}
 * (a name, a {@link org.attentioncourse.bench.Forward} and, optionally, the size of its largest intermediate) at
 * several lengths T and returns one Tablesaw table, so that the softmax baseline and the efficient mechanisms of
 * later notebooks land in the same columns, CSV files and log-log charts. {@link
 * org.attentioncourse.bench.SoftmaxBaseline} is the command-line run of the baseline.
 */
package org.attentioncourse.bench;
