package io.kiwidb.reliability.corruption;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A frozen copy of a data directory (every file under the root, by relative path), so a sweep can
 * build thousands of damaged variants of one store cheaply: each variant is a fresh {@link
 * InMemoryFileSystem} holding the image with one file replaced.
 *
 * <p>Thread safety: immutable.
 */
final class DataDirImage {
  private final Map<String, byte[]> files;

  private DataDirImage(Map<String, byte[]> files) {
    this.files = Collections.unmodifiableMap(files);
  }

  /** Copies every file under {@code root} (logs and the lock file excluded: they hold no data). */
  static DataDirImage capture(InMemoryFileSystem fs, Path root) {
    Map<String, byte[]> out = new TreeMap<>();
    try {
      walk(fs, root, root, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new DataDirImage(out);
  }

  private static void walk(InMemoryFileSystem fs, Path root, Path dir, Map<String, byte[]> out)
      throws IOException {
    for (Path p : fs.list(dir)) {
      String rel = root.relativize(p).toString();
      if (rel.equals("LOCK") || rel.startsWith("logs")) {
        continue;
      }
      if (isDirectory(fs, p)) {
        walk(fs, root, p, out);
      } else {
        out.put(rel, fs.contents(p));
      }
    }
  }

  private static boolean isDirectory(FileSystem fs, Path p) {
    try {
      fs.list(p);
      return true;
    } catch (IOException notADirectory) {
      return false;
    }
  }

  /** Relative paths of the files, sorted. */
  List<String> names() {
    return List.copyOf(files.keySet());
  }

  /** The relative paths starting with {@code prefix}, sorted. */
  List<String> names(String prefix) {
    return files.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
  }

  byte[] bytes(String name) {
    byte[] b = files.get(name);
    if (b == null) {
      throw new IllegalArgumentException("no file " + name + " in " + files.keySet());
    }
    return b.clone();
  }

  /** A fresh file system holding this image under {@code root}, all of it durable. */
  InMemoryFileSystem restore(Path root) {
    return restore(root, Map.of());
  }

  /** A fresh file system holding this image with file {@code name} replaced by {@code edit}. */
  InMemoryFileSystem restore(Path root, String name, UnaryOperator<byte[]> edit) {
    return restore(root, Map.of(name, edit));
  }

  /**
   * A fresh file system holding this image, each file named in {@code edits} replaced by its edit
   * applied to a copy of its bytes (a file named there but absent from the image is created from an
   * empty array).
   */
  InMemoryFileSystem restore(Path root, Map<String, UnaryOperator<byte[]>> edits) {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    Map<String, byte[]> all = new TreeMap<>(files);
    for (String name : edits.keySet()) {
      all.putIfAbsent(name, new byte[0]);
    }
    try {
      fs.createDirectories(root);
      for (Map.Entry<String, byte[]> e : all.entrySet()) {
        Path p = root.resolve(e.getKey());
        fs.createDirectories(p.getParent());
        UnaryOperator<byte[]> edit = edits.get(e.getKey());
        byte[] content = edit == null ? e.getValue() : edit.apply(e.getValue().clone());
        try (WritableFile f = fs.create(p)) {
          f.append(content);
          f.sync();
        }
        fs.syncDirectory(p.getParent());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return fs;
  }
}
