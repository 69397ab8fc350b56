package org.attentioncourse.papa;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.attentioncourse.attention.AttentionEdit;
import org.attentioncourse.attention.AttentionMechanism;
import org.attentioncourse.io.AtomicFiles;

/**
 * PAPA's constant attention matrices: for every layer l, head h and positions (i, j), the mean attention weight
 * over the examples of a training set in which both i and j are real tokens,
 *
 * <pre>
 *   C[l, h, i, j] = Σₙ A⁽ⁿ⁾[l, h, i, j] mᵢ⁽ⁿ⁾ mⱼ⁽ⁿ⁾  /  Σₙ mᵢ⁽ⁿ⁾ mⱼ⁽ⁿ⁾      (0 where no example has both)
 * </pre>
 *
 * with m⁽ⁿ⁾ the mask of example n. The average is taken over the frozen model (no edit installed) in one pass.
 * At use time ({@link ConstantAttention}) each matrix is restricted to the example's real tokens and its rows
 * renormalised.
 *
 * <p>A file written by {@link #save} names the model's identity ({@link Checksums#modelIdentity}) and the
 * data's checksum ({@link Checksums#ofExamples}); {@link #load(Path, String, String)} refuses a file made for
 * another model or other data.
 *
 * <pre>{@code
 * ConstantMatrices C = ConstantMatrices.compute(probed, "reverse-softmax", ProbeExample.of(splits.train()), 64);
 * }</pre>
 */
public final class ConstantMatrices {

  static final String MAGIC = "papa-constants 1";

  private final String modelIdentity;
  private final String dataChecksum;
  private final int examples;
  private final int layers;
  private final int heads;
  private final int length;
  private final float[][][] mean; // [l][h][i * T + j]
  private final long[] counts; // [i * T + j]

  ConstantMatrices(
      String modelIdentity, String dataChecksum, int examples, float[][][] mean, long[] counts, int length) {
    this.modelIdentity = modelIdentity;
    this.dataChecksum = dataChecksum;
    this.examples = examples;
    this.layers = mean.length;
    this.heads = mean[0].length;
    this.length = length;
    this.mean = mean;
    this.counts = counts;
  }

  /**
   * One pass of the frozen {@code model} over {@code data} (no gradients), averaging every head's attention as in
   * the class comment. Edits installed on the model are removed for the pass and restored afterwards.
   *
   * @param name the caller's name for the model; with a checksum of its parameters it becomes {@link
   *     #modelIdentity()}
   */
  public static ConstantMatrices compute(ProbedModel model, String name, List<ProbeExample> data, int batchSize) {
    return compute(model, name, data, batchSize, () -> false);
  }

  /**
   * {@link #compute(ProbedModel, String, List, int)} that ends with a {@link CancellationException} before the next
   * batch once {@code stop} says so or the thread is interrupted: a pass over a whole GLUE training set takes tens
   * of minutes on a CPU.
   */
  public static ConstantMatrices compute(
      ProbedModel model, String name, List<ProbeExample> data, int batchSize, BooleanSupplier stop) {
    model.requireAttentionMatrices();
    if (data.isEmpty()) {
      throw new IllegalArgumentException("constant matrices need at least one training example");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    int L = model.layers();
    int H = model.heads(0);
    int T = data.get(0).size();
    for (int l = 1; l < L; l++) {
      if (model.heads(l) != H) {
        throw new IllegalArgumentException("layer " + l + " has " + model.heads(l) + " heads but layer 0 has " + H);
      }
    }
    Accumulator acc = new Accumulator(L, H, T);
    List<AttentionEdit> saved = new ArrayList<>();
    float[][] lastMask = new float[1][];
    for (int l = 0; l < L; l++) {
      AttentionMechanism a = model.attention(l);
      saved.add(a.edit());
      int layer = l;
      a.setEdit(
          (w, keyMask) -> {
            acc.add(layer, w.toType(DataType.FLOAT32, false).toFloatArray(), w.getShape().getShape(), lastMask[0]);
            return w;
          });
    }
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      ParameterStore ps = new ParameterStore(m, false);
      for (int start = 0; start < data.size(); start += batchSize) {
        if (Thread.currentThread().isInterrupted() || stop.getAsBoolean()) {
          throw new CancellationException(
              "constant matrices stopped after " + start + " of " + data.size() + " examples (nothing saved)");
        }
        List<ProbeExample> batch = data.subList(start, Math.min(data.size(), start + batchSize));
        try (NDManager scope = m.newSubManager()) {
          NDList in = ProbeExample.toNDList(batch, scope);
          lastMask[0] = in.get(1).toFloatArray();
          acc.count(lastMask[0], batch.size());
          model.hiddenStates(ps, in.get(0), in.get(1), in.get(2), false);
        }
      }
    } finally {
      for (int l = 0; l < L; l++) {
        model.attention(l).setEdit(saved.get(l));
      }
    }
    return acc.build(Checksums.modelIdentity(name, model.block()), Checksums.ofExamples(data), data.size());
  }

  /**
   * Sums A mᵢ mⱼ and counts mᵢ mⱼ, batch by batch, then divides. Public so that the averaging can be checked on
   * hand-made maps.
   */
  public static final class Accumulator {
    private final int L;
    private final int H;
    private final int T;
    private final double[][][] sums;
    private final long[] counts;

    public Accumulator(int layers, int heads, int length) {
      if (layers < 1 || heads < 1 || length < 1) {
        throw new IllegalArgumentException(
            "layers, heads and length must be positive: " + layers + ", " + heads + ", " + length);
      }
      L = layers;
      H = heads;
      T = length;
      sums = new double[L][H][T * T];
      counts = new long[T * T];
    }

    /** Adds Σ_b mᵢ mⱼ to the counts, for a batch's mask (B × T, row-major, 0/1). Once per batch. */
    public void count(float[] mask, int batch) {
      checkMask(mask, batch);
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < T; i++) {
          if (mask[b * T + i] == 0) {
            continue;
          }
          for (int j = 0; j < T; j++) {
            if (mask[b * T + j] != 0) {
              counts[i * T + j]++;
            }
          }
        }
      }
    }

    /**
     * Adds Σ_b A[b, h, i, j] mᵢ mⱼ for one layer.
     *
     * @param weights (B, H, T, T) row-major
     * @param shape {B, H, T, T}
     * @param mask (B, T) row-major, 0/1
     */
    public void add(int layer, float[] weights, long[] shape, float[] mask) {
      if (shape.length != 4 || shape[1] != H || shape[2] != T || shape[3] != T) {
        throw new IllegalArgumentException(
            "attention weights of shape " + java.util.Arrays.toString(shape) + " do not fit " + H + " heads and T="
                + T + " (expected (B, " + H + ", " + T + ", " + T + "))");
      }
      if (layer < 0 || layer >= L) {
        throw new IndexOutOfBoundsException("layer " + layer + " of " + L);
      }
      int B = (int) shape[0];
      checkMask(mask, B);
      for (int b = 0; b < B; b++) {
        for (int h = 0; h < H; h++) {
          double[] s = sums[layer][h];
          int base = (b * H + h) * T * T;
          for (int i = 0; i < T; i++) {
            if (mask[b * T + i] == 0) {
              continue;
            }
            for (int j = 0; j < T; j++) {
              if (mask[b * T + j] != 0) {
                s[i * T + j] += weights[base + i * T + j];
              }
            }
          }
        }
      }
    }

    private void checkMask(float[] mask, int B) {
      if (mask == null || mask.length != B * T) {
        throw new IllegalArgumentException(
            "mask has " + (mask == null ? "no" : mask.length) + " values but a batch of " + B + " × T=" + T
                + " needs " + B * T);
      }
    }

    /** The means; cells no example covered are 0. */
    public ConstantMatrices build(String modelIdentity, String dataChecksum, int examples) {
      float[][][] mean = new float[L][H][T * T];
      for (int l = 0; l < L; l++) {
        for (int h = 0; h < H; h++) {
          for (int k = 0; k < T * T; k++) {
            mean[l][h][k] = counts[k] == 0 ? 0f : (float) (sums[l][h][k] / counts[k]);
          }
        }
      }
      return new ConstantMatrices(modelIdentity, dataChecksum, examples, mean, counts.clone(), T);
    }
  }

  /** The model identity this was computed with. */
  public String modelIdentity() {
    return modelIdentity;
  }

  /** SHA-256 of the training examples it was computed from. */
  public String dataChecksum() {
    return dataChecksum;
  }

  /** Number of examples averaged. */
  public int examples() {
    return examples;
  }

  public int layers() {
    return layers;
  }

  public int heads() {
    return heads;
  }

  /** T. */
  public int length() {
    return length;
  }

  /** C[l, h] as a T × T matrix (a copy). */
  public double[][] matrix(int layer, int head) {
    float[] f = flat(layer, head);
    double[][] out = new double[length][length];
    for (int i = 0; i < length; i++) {
      for (int j = 0; j < length; j++) {
        out[i][j] = f[i * length + j];
      }
    }
    return out;
  }

  /** Number of examples in which both i and j are real tokens. */
  public long count(int i, int j) {
    return counts[i * length + j];
  }

  /** C[l, h] row-major, not copied: read only. */
  float[] flat(int layer, int head) {
    if (layer < 0 || layer >= layers || head < 0 || head >= heads) {
      throw new IndexOutOfBoundsException(
          "layer " + layer + ", head " + head + " of constants with " + layers + " layers and " + heads + " heads");
    }
    return mean[layer][head];
  }

  /** Fails unless this was made for a model of {@code model}'s shape. */
  void requireFits(ProbedModel model) {
    if (model.layers() != layers || model.heads(0) != heads) {
      throw new IllegalArgumentException(
          "constant matrices for " + layers + " layers × " + heads + " heads do not fit " + model.name() + " ("
              + model.layers() + " layers × " + model.heads(0) + " heads)");
    }
  }

  /**
   * Fails with a message naming both values unless this was computed for {@code identity} and {@code checksum}.
   * A null expectation is not checked.
   */
  public void requireMatches(String identity, String checksum, String where) {
    if (identity != null && !identity.equals(modelIdentity)) {
      throw new IllegalArgumentException(
          where + ": constant matrices were computed for model '" + modelIdentity + "' but this is '" + identity
              + "'; compute them again for this model");
    }
    if (checksum != null && !checksum.equals(dataChecksum)) {
      throw new IllegalArgumentException(
          where + ": constant matrices were computed from data with checksum " + dataChecksum + " but this data has "
              + checksum + "; compute them again for this training set");
    }
  }

  // ---------------------------------------------------------------- files

  /** Writes a text file (atomically): a header, the counts, then one block of T lines per (layer, head). */
  public Path save(Path file) {
    StringBuilder s = new StringBuilder(64 + layers * heads * length * length * 12);
    s.append(MAGIC).append('\n');
    s.append("model ").append(modelIdentity).append('\n');
    s.append("data ").append(dataChecksum).append('\n');
    s.append("examples ").append(examples).append('\n');
    s.append("shape ").append(layers).append(' ').append(heads).append(' ').append(length).append('\n');
    s.append("counts\n");
    for (int i = 0; i < length; i++) {
      for (int j = 0; j < length; j++) {
        s.append(j == 0 ? "" : " ").append(counts[i * length + j]);
      }
      s.append('\n');
    }
    for (int l = 0; l < layers; l++) {
      for (int h = 0; h < heads; h++) {
        s.append("matrix ").append(l).append(' ').append(h).append('\n');
        for (int i = 0; i < length; i++) {
          for (int j = 0; j < length; j++) {
            s.append(j == 0 ? "" : " ").append(mean[l][h][i * length + j]); // Float.toString round-trips
          }
          s.append('\n');
        }
      }
    }
    s.append("end\n");
    return AtomicFiles.writeString(file, s.toString());
  }

  /**
   * Reads a file written by {@link #save}, checking it was made for {@code modelIdentity} and the data with
   * {@code dataChecksum} (either may be null to skip that check).
   */
  public static ConstantMatrices load(Path file, String modelIdentity, String dataChecksum) {
    ConstantMatrices c = load(file);
    c.requireMatches(modelIdentity, dataChecksum, file.toString());
    return c;
  }

  /** Reads a file written by {@link #save} without checking what it was made for. */
  public static ConstantMatrices load(Path file) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new Reader(file, r).read();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no constant matrices at " + file.toAbsolutePath(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file.toAbsolutePath(), e);
    }
  }

  /**
   * Loads {@code file} if it exists (it must match this model and data), else computes and saves it.
   */
  public static ConstantMatrices loadOrCompute(
      Path file, ProbedModel model, String name, List<ProbeExample> data, int batchSize) {
    return loadOrCompute(file, model, name, data, batchSize, () -> false);
  }

  /** {@link #loadOrCompute(Path, ProbedModel, String, List, int)}, computing with a stop condition. */
  public static ConstantMatrices loadOrCompute(
      Path file, ProbedModel model, String name, List<ProbeExample> data, int batchSize, BooleanSupplier stop) {
    if (Files.exists(file)) {
      ConstantMatrices c =
          load(file, Checksums.modelIdentity(name, model.block()), Checksums.ofExamples(data));
      c.requireFits(model);
      return c;
    }
    ConstantMatrices c = compute(model, name, data, batchSize, stop);
    c.save(file);
    return c;
  }

  /** A line-numbered reader: every error names the file and the line. */
  private static final class Reader {
    private final Path file;
    private final BufferedReader in;
    private int line;

    Reader(Path file, BufferedReader in) {
      this.file = file;
      this.in = in;
    }

    private String next(String expecting) throws IOException {
      String s = in.readLine();
      line++;
      if (s == null) {
        throw error("the file ends early; expected " + expecting);
      }
      return s;
    }

    private IllegalArgumentException error(String message) {
      return new IllegalArgumentException(file + ":" + line + ": " + message);
    }

    private String field(String key) throws IOException {
      String s = next("'" + key + " …'");
      if (!s.startsWith(key + " ")) {
        throw error("expected '" + key + " …' but found '" + abbreviate(s) + "'");
      }
      return s.substring(key.length() + 1);
    }

    private int positive(String text, String what) {
      try {
        int v = Integer.parseInt(text.trim());
        if (v < 1) {
          throw error(what + " must be positive, got " + v);
        }
        return v;
      } catch (NumberFormatException e) {
        throw error(what + " must be an integer, got '" + text + "'");
      }
    }

    ConstantMatrices read() throws IOException {
      String magic = next("'" + MAGIC + "'");
      if (!magic.equals(MAGIC)) {
        throw error("not a constant-matrix file: expected '" + MAGIC + "' but found '" + abbreviate(magic) + "'");
      }
      String model = field("model");
      String data = field("data");
      int examples = positive(field("examples"), "examples");
      String[] shape = field("shape").trim().split(" ");
      if (shape.length != 3) {
        throw error("shape needs three numbers (layers heads length), got " + shape.length);
      }
      int L = positive(shape[0], "layers");
      int H = positive(shape[1], "heads");
      int T = positive(shape[2], "length");
      expect("counts");
      long[] counts = new long[T * T];
      for (int i = 0; i < T; i++) {
        String[] v = row(T);
        for (int j = 0; j < T; j++) {
          try {
            counts[i * T + j] = Long.parseLong(v[j]);
          } catch (NumberFormatException e) {
            throw error("count " + (j + 1) + " is not an integer: '" + v[j] + "'");
          }
          if (counts[i * T + j] < 0) {
            throw error("count " + (j + 1) + " is negative: " + counts[i * T + j]);
          }
        }
      }
      float[][][] mean = new float[L][H][T * T];
      for (int l = 0; l < L; l++) {
        for (int h = 0; h < H; h++) {
          expect("matrix " + l + " " + h);
          for (int i = 0; i < T; i++) {
            String[] v = row(T);
            for (int j = 0; j < T; j++) {
              float f;
              try {
                f = Float.parseFloat(v[j]);
              } catch (NumberFormatException e) {
                throw error("value " + (j + 1) + " is not a number: '" + v[j] + "'");
              }
              if (!(f >= 0 && f <= 1)) {
                throw error("value " + (j + 1) + " is " + f + "; a mean attention weight lies in [0, 1]");
              }
              mean[l][h][i * T + j] = f;
            }
          }
        }
      }
      expect("end");
      return new ConstantMatrices(model, data, examples, mean, counts, T);
    }

    private void expect(String what) throws IOException {
      String s = next("'" + what + "'");
      if (!s.equals(what)) {
        throw error("expected '" + what + "' but found '" + abbreviate(s) + "'");
      }
    }

    private String[] row(int T) throws IOException {
      String s = next("a row of " + T + " values");
      String[] v = s.trim().isEmpty() ? new String[0] : s.trim().split(" +");
      if (v.length != T) {
        throw error("expected " + T + " values but found " + v.length);
      }
      return v;
    }

    private static String abbreviate(String s) {
      return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
  }
}
