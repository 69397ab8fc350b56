/**
 * The command line for full-scale experiments: train any course model from a config file, at the papers' sizes,
 * on the CPU, one GPU or every GPU of the machine, with checkpoints, resume, progress and a results CSV; run PAPA's
 * sweep on the pretrained all-MiniLM-L6-v2 encoder with a GLUE task ({@link org.attentioncourse.cli.PapaRun});
 * estimate a run first with a dry run; fetch the corpora with checked, safe download steps.
 *
 * <h2>Running it</h2>
 *
 * <pre>
 *   mvn -B -ntp -DskipTests package            # builds lib/target/attention-course-lib.jar and lib/target/dependency/
 *   java -jar lib/target/attention-course-lib.jar --help
 *   # or, equivalently:
 *   java -cp "lib/target/attention-course-lib.jar:lib/target/dependency/*" org.attentioncourse.cli.Main --help
 * </pre>
 *
 * The jar's manifest names its main class ({@link org.attentioncourse.cli.Main}) and lists the jars of {@code
 * dependency/} beside it, so the two folders must stay together. The engine runs offline by default (as in the
 * notebooks; {@code COURSE_DJL_OFFLINE=false} lets DJL download a CUDA libtorch at first use) and unpacks its native
 * library into {@code ~/.djl.ai} unless {@code DJL_CACHE_DIR} names another folder.
 *
 * <h2>Commands</h2>
 *
 * <pre>
 *   configs [NAME]                       list the built-in configs, or print one (configs NAME &gt; my.ini)
 *   check --config FILE|NAME             check a config; print every effective setting
 *   dry-run --config FILE|NAME           parameters, memory and time of the full run, in seconds, writing nothing
 *   download DATASET --to DIR            enwik8 | wikitext-103 | glue-TASK, with --sha256 HEX or --trust-first-download
 *   train --config FILE|NAME [--out DIR] [--resume] [--device auto|cpu|gpu|gpu:N|all-gpus]
 * </pre>
 *
 * Exit status: 0 done; 1 failed while running (missing data included: the message names the file and the download
 * command); 2 bad command line or config (nothing ran); 130 stopped by Ctrl-C or SIGTERM after saving a checkpoint
 * (PAPA: after the finished points).
 *
 * <h2>A full-scale run, step by step</h2>
 *
 * <pre>
 *   java -jar lib/target/attention-course-lib.jar dry-run --config aft-local-enwik8
 *   java -jar lib/target/attention-course-lib.jar download enwik8 --to data/enwik8 --trust-first-download
 *   java -jar lib/target/attention-course-lib.jar train --config aft-local-enwik8 --device all-gpus
 *   # ... interrupted, crashed or stopped with Ctrl-C:
 *   java -jar lib/target/attention-course-lib.jar train --config aft-local-enwik8 --device all-gpus --resume
 * </pre>
 *
 * The run folder ({@code --out}, default {@code runs/NAME}) holds {@code config.ini} (the config as started),
 * {@code results.csv} ({@link org.attentioncourse.cli.ResultsCsv}: one row per evaluation on the validation split,
 * a final row on the test split), {@code checkpoints/step-NNNNNNNNN.ckpt} and, at the end, {@code final.params}
 * (readable with {@code train.Checkpoints.load}). In a notebook:
 *
 * <pre>{@code
 * Table results = ResultsCsv.read(Path.of("runs/aft-local-enwik8/results.csv"));
 * }</pre>
 *
 * <h2>Config files</h2>
 *
 * INI syntax ({@link org.attentioncourse.cli.ConfigFile}): {@code [section]} headers, {@code key = value} lines,
 * comments after {@code #}. Three sections are required, {@code [model]}, {@code [task]} and {@code [training]};
 * {@code [papa]} belongs to GLUE configs. Every key and its default is listed in {@link
 * org.attentioncourse.cli.ExperimentConfig}; the mechanisms and their options in {@link
 * org.attentioncourse.cli.Mechanisms}. Nothing is guessed: an unknown key, a value of the wrong type or out of
 * range, a missing required setting, a key given twice, all stop the command before anything runs, with a message
 * such as
 *
 * <pre>
 *   config error: my.ini:3: [model] windw: unknown key for mechanism aft-local (did you mean 'window'?);
 *   allowed keys: mechanism, layers, width, heads, ffn, max_length, window, factor_dim
 * </pre>
 *
 * Built-in configs (the papers' headline setups; values that papers.md does not give are marked "course choice" in
 * the files): {@code aft-local-enwik8} (AFT-local-32, 24 × 256, T = 1024, d′ = 256, batch 128), {@code
 * softmax-enwik8} and {@code cosformer-enwik8} (the same size and training), {@code synthesizer-dense-enwik8},
 * {@code -random-}, {@code -factorized-random-} (k = 8) and {@code -random-plus-vanilla-enwik8} (12 × 512, 8 heads,
 * the size of the AFT paper's Synthesizer row), {@code cosformer-wikitext103-bytes} (a byte-level course variant),
 * {@code papa-minilm-sst2}, {@code -cola}, {@code -mrpc} (PAPA on all-MiniLM-L6-v2 at T = 64 with the README's
 * fractions, 15 gate epochs at 2e-5), and {@code demo-reverse} (a demo of a minute or two).
 *
 * <h2>PAPA runs</h2>
 *
 * A GLUE config runs notebook 06's pipeline on the whole task: train.tsv and dev.tsv from {@code
 * data_dir/TASK/} (all rows, or a seeded sample of {@code train_examples}), the constant matrices averaged over the
 * training examples, the head gates trained with PAPA's pooled probe, then one point per static fraction, each with
 * a fresh probe scored on dev.tsv (Matthews correlation for CoLA, accuracy for SST-2 and MRPC). Epochs become steps
 * as ceil(epochs × examples / batch), printed. The run folder keeps {@code config.ini}, {@code train.constants},
 * {@code gates.csv} and {@code sweep.csv}, each written atomically when finished; {@code --resume} reads them back
 * and scores only the missing points.
 *
 * <h2>Resuming</h2>
 *
 * A checkpoint ({@link org.attentioncourse.cli.RunCheckpoint}) holds the parameters, Adam's state (m, v and the step
 * count t of every parameter, {@link org.attentioncourse.train.ResumableAdam}), the step reached, the loss of every
 * step and the training time. The batch of step s is a pure function of (seed, s) ({@link
 * org.attentioncourse.cli.BatchSchedule}), so nothing else needs saving: a resumed run's loss curve equals the
 * uninterrupted one exactly on the CPU (tested bit for bit). Checkpoints are written atomically every {@code
 * checkpoint_every} steps: a crash loses at most that many steps; Ctrl-C loses none. Resuming with a config that
 * changes the model, the task or the loss curve (seed, batch, lr, clip_grad) is refused with the differences
 * listed; steps, intervals and the device may change.
 *
 * <h2>Datasets</h2>
 *
 * {@link org.attentioncourse.cli.Datasets}: the archive streams into {@code DIR/NAME.part}, hashed on the way, and
 * is kept only when complete and matching the expected SHA-256 (otherwise the {@code .part} file is deleted and the
 * message says so); it is unpacked by {@link org.attentioncourse.io.Archives}, which refuses entries that would land
 * outside the folder. The course pins no SHA-256 for enwik8, WikiText-103 or GLUE (none could be confirmed), so the
 * first download needs {@code --sha256 HEX} or {@code --trust-first-download}, which records what arrived in {@code
 * DIR/sha256.lock} ({@code sha256sum -c} format) and holds later downloads to it. enwik8 must unpack to exactly 10⁸
 * bytes. Configs look for {@code data/enwik8/enwik8}, {@code data/wikitext-103/wikitext-103-raw/wiki.*.raw} and
 * {@code data/glue/TASK/train.tsv} (relative to {@code --data-root}, default the working directory).
 *
 * <h2>Dry run</h2>
 *
 * {@link org.attentioncourse.cli.DryRun}: builds the full model (exact parameter count), trains a one-layer slice at
 * the full sequence length for a few steps at batch 1 (and 8 when steps are short), and scales by layers and batch.
 * Memory = 16 bytes per parameter + measured activations × batch. Works before any download (random tokens of the
 * same shape).
 */
package org.attentioncourse.cli;
