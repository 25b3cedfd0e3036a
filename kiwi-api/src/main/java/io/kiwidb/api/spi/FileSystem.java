package io.kiwidb.api.spi;

import java.io.IOException;
import java.nio.file.AccessMode;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The seam through which every module does its file I/O, so tests can swap in an in-memory or
 * fault-injecting file system (kiwi-testkit) and simulate crashes, failed operations and full
 * disks. Production uses the local one ({@code io.kiwidb.fs.FileSystems.local()}, module {@code
 * io.kiwidb.fs}).
 *
 * <p>Durability model (the one POSIX gives, and the one the test file systems simulate): bytes
 * appended to a file are durable only after {@link WritableFile#sync()}; a file's creation, a
 * rename and a delete are durable only after {@link #syncDirectory(Path)} on the parent directory.
 * A crash may drop anything not yet durable.
 *
 * <p>Files are written once, front to back ({@link #create} then appends), and read with positional
 * reads. That is all an LSM tree needs, and it keeps crash states simple: a file is always a
 * durable prefix plus possibly-lost tail.
 *
 * <p>Thread safety: implementations are safe for concurrent use by many threads; individual {@link
 * WritableFile}s are for one writer at a time, {@link ReadableFile}s for any number of readers.
 */
public interface FileSystem {
  /**
   * Creates a file for writing, replacing an existing one. The parent directory must exist.
   *
   * @throws NoSuchFileException if the parent directory does not exist
   */
  WritableFile create(Path file) throws IOException;

  /**
   * Opens an existing file for positional reads.
   *
   * @throws NoSuchFileException if it does not exist
   */
  ReadableFile openRead(Path file) throws IOException;

  /**
   * Opens an existing file that nobody writes, truncates or extends while it is open (an SSTable),
   * for positional reads. An implementation may map it into memory, so a read costs a copy rather
   * than a system call; the default opens it with {@link #openRead}, so a file system that wraps or
   * fakes {@code openRead} sees these opens too.
   *
   * @throws NoSuchFileException if it does not exist
   */
  default ReadableFile openImmutable(Path file) throws IOException {
    return openRead(file);
  }

  /**
   * The size of a file in bytes.
   *
   * @throws NoSuchFileException if it does not exist
   */
  long size(Path file) throws IOException;

  /** Whether a file or directory exists. */
  boolean exists(Path path);

  /**
   * Renames a file, atomically replacing {@code target} if it exists. A directory may be renamed
   * too (with everything in it); it may replace an empty directory, never a file or a directory
   * that holds anything.
   *
   * @throws NoSuchFileException if {@code source} does not exist
   */
  void rename(Path source, Path target) throws IOException;

  /**
   * Deletes a file.
   *
   * @throws NoSuchFileException if it does not exist
   */
  void delete(Path file) throws IOException;

  /**
   * Deletes a file if it exists.
   *
   * @return whether it existed
   */
  default boolean deleteIfExists(Path file) throws IOException {
    try {
      delete(file);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /**
   * The entries (files and directories) directly inside a directory, sorted by name.
   *
   * @throws NoSuchFileException if it does not exist
   */
  List<Path> list(Path dir) throws IOException;

  /** Creates a directory and any missing parents. Does nothing if it exists. */
  void createDirectories(Path dir) throws IOException;

  /** Makes the directory's entries (creates, renames, deletes inside it) durable. */
  void syncDirectory(Path dir) throws IOException;

  /**
   * Takes an exclusive lock on {@code file} (created if absent), held until the returned lock is
   * closed. It excludes other processes and other holders in this JVM.
   *
   * @throws IOException whose message says the file is locked, if someone else holds it
   */
  FileLock lock(Path file) throws IOException;

  /**
   * Takes a shared lock on {@code file}, held until the returned lock is closed. Any number of
   * shared locks on a file may be held at once, in this JVM and in other processes, but never
   * together with an exclusive {@link #lock}: each excludes the other. The file is created if it is
   * absent (and the directory allows it); otherwise it is only read.
   *
   * @throws IOException whose message says the file is locked, if an exclusive lock is held on it;
   *     an {@link java.nio.file.AccessDeniedException} if it can neither be read nor created
   * @throws UnsupportedOperationException if this file system has no shared locks (the default)
   */
  default FileLock lockShared(Path file) throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " has no shared locks");
  }

  /**
   * Makes {@code link} a second name of the existing file {@code existing} (a hard link): both
   * names then refer to the same bytes, and deleting one leaves the other. Checkpoints link table
   * files, which nobody writes once they are finished, instead of copying them. Like a create, the
   * new name is durable only after {@link #syncDirectory} on its parent.
   *
   * @throws NoSuchFileException if {@code existing} does not exist
   * @throws java.nio.file.FileAlreadyExistsException if {@code link} exists
   * @throws IOException if they cannot be linked, for example because they are on different file
   *     systems (copy the file instead)
   * @throws UnsupportedOperationException if this file system has no hard links (the default)
   */
  default void link(Path existing, Path link) throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " has no hard links");
  }

  /**
   * What keeps this process from accessing an existing {@code path} in each of {@code modes}, in
   * words, for error messages: a failed operation's exception names the file but rarely the
   * permission it lacked. For example {@code "no write permission"} or {@code "the file system is
   * read-only"}.
   *
   * @return what is missing, or empty if nothing is (or this file system has no permissions, the
   *     default)
   */
  default Optional<String> accessProblem(Path path, AccessMode... modes) {
    return Optional.empty();
  }
}
