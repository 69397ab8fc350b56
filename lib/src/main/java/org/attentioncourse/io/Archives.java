package org.attentioncourse.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks {@code .zip} and {@code .tar.gz} archives into a folder without letting any entry land outside it.
 *
 * <p>An archive is untrusted input: an entry named {@code ../../.bashrc} or {@code /etc/passwd}, or a symbolic
 * link to {@code /home/you} followed by a file "inside" that link, would write wherever its author chose
 * ("zip slip"). So every entry name is checked before anything is written:
 *
 * <ul>
 *   <li>rejected: empty names, absolute names ({@code /x}, {@code C:x}), names with a {@code ..} segment, names
 *       with a backslash (a separator on Windows) or a NUL;
 *   <li>rejected: symbolic and hard links whose target is absolute or resolves outside the folder;
 *   <li>links that stay inside are <em>not created</em> (the course's datasets have none) and are listed in
 *       {@link Result#skippedLinks()}; since no link is ever created, no later entry can be written through one;
 *   <li>zip entries are always written as plain files: {@link ZipInputStream} does not expose Unix link bits,
 *       so a "link" in a zip becomes a small file holding its target's name, never a link.
 * </ul>
 *
 * Everything is first unpacked into a hidden staging folder inside the target and moved into place only when
 * the whole archive passed: an archive that fails leaves nothing behind. Existing files are never overwritten;
 * a name that already exists in the target is an error naming it.
 *
 * <pre>{@code
 * Archives.Result r = Archives.extract(Path.of("data/enwik8/enwik8.zip"), Path.of("data/enwik8"));
 * }</pre>
 */
public final class Archives {

  private Archives() {}

  /** The archive formats understood. */
  public enum Format {
    ZIP,
    TAR_GZ;

    /** From a file name: {@code .zip}, {@code .tar.gz} or {@code .tgz} (case-insensitive). */
    public static Format of(String fileName) {
      String n = fileName.toLowerCase(Locale.ROOT);
      if (n.endsWith(".zip")) {
        return ZIP;
      }
      if (n.endsWith(".tar.gz") || n.endsWith(".tgz")) {
        return TAR_GZ;
      }
      throw new IllegalArgumentException(
          "cannot tell the archive format of '" + fileName + "': expected a name ending in .zip, .tar.gz or .tgz");
    }
  }

  /** An entry that would escape the target folder; nothing was unpacked. */
  public static final class UnsafeEntryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String entry;

    UnsafeEntryException(String archive, String entry, String why) {
      super("refusing to unpack " + archive + ": entry '" + entry + "' " + why
          + ". Nothing was unpacked; the archive is damaged or was made to write outside its folder");
      this.entry = entry;
    }

    /** The offending entry's name as the archive gives it. */
    public String entry() {
      return entry;
    }
  }

  /**
   * What was unpacked.
   *
   * @param files the regular files written, as paths inside the target folder, in archive order
   * @param skippedLinks links that pointed inside the folder and were not created ({@code name -> target})
   * @param bytes the total size of the files written
   */
  public record Result(List<Path> files, List<String> skippedLinks, long bytes) {}

  /** {@link #extract(Path, Format, Path)} with the format taken from the archive's file name. */
  public static Result extract(Path archive, Path targetDir) {
    return extract(archive, Format.of(archive.getFileName().toString()), targetDir);
  }

  /**
   * Unpacks {@code archive} into {@code targetDir} (created if absent), checking every entry as the class
   * comment describes.
   *
   * @throws UnsafeEntryException for an entry that would escape; nothing is unpacked
   * @throws IllegalStateException if a file or folder of the archive already exists in the target
   * @throws UncheckedIOException if the archive cannot be read (corrupt, truncated) or a file cannot be written
   */
  public static Result extract(Path archive, Format format, Path targetDir) {
    Path root = targetDir.toAbsolutePath().normalize();
    Path staging = null;
    try {
      Files.createDirectories(root);
      staging = Files.createTempDirectory(root, ".unpack-");
      Unpacker u = new Unpacker(archive.getFileName().toString(), staging);
      try (InputStream in = Files.newInputStream(archive)) {
        if (format == Format.ZIP) {
          u.zip(in);
        } else {
          TarGz.forEach(in, u::tarEntry);
        }
      }
      List<Path> top;
      try (Stream<Path> s = Files.list(staging)) {
        top = s.sorted().toList();
      }
      for (Path p : top) {
        Path dest = root.resolve(p.getFileName().toString());
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
          throw new IllegalStateException(
              "cannot unpack " + archive.getFileName() + " into " + root + ": " + dest
                  + " already exists. Nothing was unpacked; delete it (or choose another folder) and run again");
        }
      }
      for (Path p : top) {
        Files.move(p, root.resolve(p.getFileName().toString()));
      }
      Path from = staging;
      List<Path> files = u.files.stream().map(f -> root.resolve(from.relativize(f))).toList();
      return new Result(files, List.copyOf(u.skippedLinks), u.bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not unpack " + archive + " into " + root + ": " + e.getMessage() + ". Nothing was unpacked", e);
    } finally {
      deleteTree(staging);
    }
  }

  /**
   * The entry name {@code name} as a safe path relative to the target folder, or an {@link
   * UnsafeEntryException}. Leading {@code ./} and repeated slashes are tolerated; a trailing slash (a folder)
   * is dropped.
   */
  static String safeRelative(String archive, String name) {
    if (name == null || name.isEmpty()) {
      throw new UnsafeEntryException(archive, String.valueOf(name), "has an empty name");
    }
    if (name.indexOf('\0') >= 0) {
      throw new UnsafeEntryException(archive, name, "contains a NUL character");
    }
    if (name.indexOf('\\') >= 0) {
      throw new UnsafeEntryException(archive, name, "contains a backslash, a path separator on Windows");
    }
    if (name.startsWith("/")) {
      throw new UnsafeEntryException(archive, name, "is an absolute path");
    }
    if (name.length() >= 2 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0))) {
      throw new UnsafeEntryException(archive, name, "starts with a drive letter");
    }
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new UnsafeEntryException(archive, name, "has a '..' segment, which could climb out of the folder");
      }
      parts.add(part);
    }
    if (parts.isEmpty()) {
      return "";
    }
    return String.join("/", parts);
  }

  /** Writes entries into the staging folder, checking each. */
  private static final class Unpacker {
    final String archive;
    final Path staging;
    final List<Path> files = new ArrayList<>();
    final List<String> skippedLinks = new ArrayList<>();
    long bytes;

    Unpacker(String archive, Path staging) {
      this.archive = archive;
      this.staging = staging;
    }

    /** Resolves a checked relative name inside the staging folder (and checks that again, after normalising). */
    Path inside(String name) {
      String rel = safeRelative(archive, name);
      Path p = staging.resolve(rel).normalize();
      if (!p.startsWith(staging)) {
        throw new UnsafeEntryException(archive, name, "resolves outside the folder");
      }
      return p;
    }

    void tarEntry(TarGz.Entry e, InputStream data) throws IOException {
      if (e.isSymbolicLink() || e.isHardLink()) {
        link(e);
        return;
      }
      Path p = inside(e.name());
      if (e.isDirectory()) {
        if (!p.equals(staging)) {
          Files.createDirectories(p);
        }
        return;
      }
      file(e.name(), p, data);
    }

    void link(TarGz.Entry e) {
      Path p = inside(e.name());
      String target = e.linkName();
      if (target == null || target.isEmpty()) {
        throw new UnsafeEntryException(archive, e.name(), "is a link without a target");
      }
      if (target.startsWith("/") || target.indexOf('\\') >= 0
          || (target.length() >= 2 && target.charAt(1) == ':' && Character.isLetter(target.charAt(0)))) {
        throw new UnsafeEntryException(archive, e.name(), "is a link to the absolute path '" + target + "'");
      }
      // A symbolic link's target is relative to the link's folder; a hard link's to the archive's root.
      Path base = e.isSymbolicLink() ? p.getParent() : staging;
      Path resolved = base.resolve(target).normalize();
      if (!resolved.startsWith(staging)) {
        throw new UnsafeEntryException(
            archive, e.name(), "is a link to '" + target + "', which points outside the folder");
      }
      skippedLinks.add(e.name() + " -> " + target);
    }

    void zip(InputStream raw) throws IOException {
      ZipInputStream zin = new ZipInputStream(raw);
      for (ZipEntry z; (z = zin.getNextEntry()) != null; ) {
        Path p = inside(z.getName());
        if (z.isDirectory()) {
          if (!p.equals(staging)) {
            Files.createDirectories(p);
          }
        } else {
          file(z.getName(), p, zin);
        }
        zin.closeEntry();
      }
    }

    void file(String name, Path p, InputStream data) throws IOException {
      if (p.equals(staging)) {
        throw new UnsafeEntryException(archive, name, "names the folder itself, not a file in it");
      }
      Files.createDirectories(p.getParent());
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(p.toString(), null, "entry " + name + " is both a folder and a file");
      }
      try (OutputStream out =
          Files.newOutputStream(
              p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS)) {
        bytes += data.transferTo(out);
      }
      if (!files.contains(p)) {
        files.add(p); // a name repeated in a tar archive: the later copy wins, as with tar itself
      }
    }
  }

  /** Deletes a folder and everything in it; best effort. */
  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // a leftover hidden staging folder is harmless and named as such
        }
      });
    } catch (IOException ignored) {
      // as above
    }
  }
}
