package org.attentioncourse.cli;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.attentioncourse.io.AtomicFiles;
import org.attentioncourse.train.ResumableAdam;

/**
 * One file that holds everything a run needs to continue: the step reached, the training time so far, the loss
 * of every step, the config's fingerprint, the model's parameters and Adam's state (m, v and t of every
 * parameter). Written atomically ({@link AtomicFiles}): a crash during a save leaves the previous checkpoint.
 *
 * <pre>
 *   "attention-course checkpoint" (UTF)  version (int = 1)
 *   fingerprint (UTF)  step (int)  seconds so far (double)
 *   losses: count (int), then one double per step
 *   parameters: DJL's Block.saveParameters stream
 *   Adam: {@link ResumableAdam#write}
 * </pre>
 *
 * Files are {@code checkpoints/step-NNNNNNNNN.ckpt} in the run folder; the newest readable one is resumed.
 */
final class RunCheckpoint {

  static final String MAGIC = "attention-course checkpoint";
  static final int VERSION = 1;
  private static final Pattern NAME = Pattern.compile("step-(\\d{9})\\.ckpt");

  /** The header of a checkpoint (what is needed before the model exists). */
  record Header(Path file, String fingerprint, int step, double seconds, List<Double> losses) {}

  private RunCheckpoint() {}

  static Path fileFor(Path dir, int step) {
    return dir.resolve(String.format(Locale.ROOT, "step-%09d.ckpt", step));
  }

  /** Writes a checkpoint for {@code step} and deletes all but the newest {@code keep}. */
  static Path save(Path dir, int step, double seconds, List<Double> losses, String fingerprint, Block block,
      ResumableAdam adam, int keep) {
    Path file = fileFor(dir, step);
    AtomicFiles.write(file, raw -> {
      DataOutputStream out = new DataOutputStream(raw);
      out.writeUTF(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(fingerprint);
      out.writeInt(step);
      out.writeDouble(seconds);
      out.writeInt(losses.size());
      for (double l : losses) {
        out.writeDouble(l);
      }
      block.saveParameters(out);
      adam.write(out);
      out.flush();
    });
    prune(dir, keep);
    return file;
  }

  /** Checkpoint files in {@code dir}, oldest first. */
  static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + dir, e);
    }
  }

  static int stepOf(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a checkpoint file name: " + file);
    }
    return Integer.parseInt(m.group(1));
  }

  private static void prune(Path dir, int keep) {
    List<Path> all = list(dir);
    for (int i = 0; i < all.size() - keep; i++) {
      try {
        Files.deleteIfExists(all.get(i));
      } catch (IOException ignored) {
        // an old checkpoint left behind costs disk space, nothing else
      }
    }
  }

  /** Reads the header of {@code file}. */
  static Header header(Path file) {
    try (DataInputStream in = open(file)) {
      return readHeader(file, in);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = Files.newInputStream(file);
    return new DataInputStream(new BufferedInputStream(raw, 1 << 16));
  }

  private static Header readHeader(Path file, DataInputStream in) throws IOException {
    String magic = in.readUTF();
    if (!magic.equals(MAGIC)) {
      throw new IOException(file + " is not a checkpoint of this course (it starts with '" + magic + "')");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException(file + " has checkpoint version " + version + "; this build reads version " + VERSION);
    }
    String fingerprint = in.readUTF();
    int step = in.readInt();
    double seconds = in.readDouble();
    int n = in.readInt();
    if (n < 0 || n > step) {
      throw new IOException(file + " is corrupt: " + n + " losses for step " + step);
    }
    List<Double> losses = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      losses.add(in.readDouble());
    }
    return new Header(file, fingerprint, step, seconds, losses);
  }

  /**
   * Loads the parameters of {@code file} into {@code block} (initialised, same architecture) and Adam's state
   * into {@code adam}.
   */
  static Header load(Path file, Block block, ResumableAdam adam, NDManager manager) {
    try (DataInputStream in = open(file)) {
      Header h = readHeader(file, in);
      block.loadParameters(manager, in);
      adam.restore(in, manager);
      return h;
    } catch (MalformedModelException e) {
      throw new IllegalArgumentException("checkpoint " + file + " does not fit this model: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read checkpoint " + file + ": " + e.getMessage(), e);
    }
  }
}
