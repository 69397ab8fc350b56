package org.attentioncourse.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.attentioncourse.io.AtomicFiles;

/**
 * Saving and loading a block's parameters. Saves are atomic (a temporary file renamed over the target): a run
 * stopped in the middle of a save keeps the previous checkpoint intact.
 */
public final class Checkpoints {

  private Checkpoints() {}

  /** Writes the parameters of {@code block} to {@code file}. */
  public static Path save(Block block, Path file) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      block.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException("could not serialise the parameters for " + file, e);
    }
    return AtomicFiles.write(file, bytes.toByteArray());
  }

  /** Reads parameters saved by {@link #save} into an initialised block of the same architecture. */
  public static void load(Block block, Path file, NDManager manager) {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
      block.loadParameters(manager, in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no checkpoint at " + file.toAbsolutePath(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read checkpoint " + file.toAbsolutePath(), e);
    } catch (MalformedModelException e) {
      throw new IllegalArgumentException(
          "checkpoint " + file.toAbsolutePath() + " does not fit this model: " + e.getMessage(), e);
    }
  }
}
