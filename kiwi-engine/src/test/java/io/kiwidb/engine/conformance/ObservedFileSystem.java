package io.kiwidb.engine.conformance;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.testkit.ForwardingFileSystem;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link FileSystem} seam for the conformance tests, over {@link InMemoryFileSystem}: it records
 * every operation (so a test can check that a config update is a temp file, fsync, rename and
 * directory fsync, or that {@code stats()} reads no log), can hold {@code sync()} calls on chosen
 * files until released (a slow disk: a write that is not yet durable, a flush that cannot finish),
 * can make writes to chosen files fail, and counts open readers.
 *
 * <p>Thread safety: safe from any thread; held syncs wait on this object's monitor and end with
 * {@link InterruptedIOException} when their thread is interrupted.
 */
final class ObservedFileSystem extends ForwardingFileSystem {
  private final List<String> ops = new ArrayList<>();
  private final AtomicInteger openReaders = new AtomicInteger();
  private Predicate<Path> held = p -> false;
  private int waiting;
  private volatile Predicate<Path> failing = p -> false;

  ObservedFileSystem() {
    super(new InMemoryFileSystem());
  }

  /** Files under {@code dir}. */
  static Predicate<Path> under(Path dir) {
    return p -> p.startsWith(dir);
  }

  /** Every operation so far, as {@code "<op> <path>"}, in order. */
  synchronized List<String> ops() {
    return new ArrayList<>(ops);
  }

  /** The operations so far on paths containing {@code fragment}. */
  synchronized List<String> ops(String fragment) {
    return ops.stream().filter(o -> o.contains(fragment)).toList();
  }

  synchronized void clearOps() {
    ops.clear();
  }

  private synchronized void record(String op, Path path) {
    ops.add(op + " " + path);
  }

  /** From now on, {@code sync()} on a matching file waits until {@link #releaseSyncs()}. */
  synchronized void holdSyncs(Predicate<Path> which) {
    held = which;
  }

  /** Lets held syncs (and later ones) through. */
  synchronized void releaseSyncs() {
    held = p -> false;
    notifyAll();
  }

  /** Threads waiting in a held sync now. */
  synchronized int heldSyncs() {
    return waiting;
  }

  /** From now on, creating, appending to or syncing a matching file fails. */
  void failWrites(Predicate<Path> which) {
    failing = which;
  }

  /** Readers opened and not yet closed. */
  int openReaders() {
    return openReaders.get();
  }

  private void checkFailure(String op, Path path) throws IOException {
    if (failing.test(path)) {
      record("FAILED " + op, path);
      throw new IOException("injected failure: " + op + " " + path);
    }
  }

  private synchronized void awaitRelease(Path path) throws IOException {
    waiting++;
    try {
      while (held.test(path)) {
        wait();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("sync of " + path + " interrupted while held");
    } finally {
      waiting--;
    }
  }

  @Override
  public WritableFile create(Path file) throws IOException {
    record("create", file);
    checkFailure("create", file);
    WritableFile f = super.create(file);
    return new WritableFile() {
      @Override
      public Path path() {
        return f.path();
      }

      @Override
      public void append(ByteBuffer src) throws IOException {
        checkFailure("append", file);
        f.append(src);
      }

      @Override
      public void sync() throws IOException {
        awaitRelease(file);
        checkFailure("sync", file);
        record("sync", file);
        f.sync();
      }

      @Override
      public long size() {
        return f.size();
      }

      @Override
      public void close() throws IOException {
        record("close", file);
        f.close();
      }
    };
  }

  @Override
  public ReadableFile openRead(Path file) throws IOException {
    record("open", file);
    ReadableFile f = super.openRead(file);
    openReaders.incrementAndGet();
    return new ReadableFile() {
      private boolean closed;

      @Override
      public Path path() {
        return f.path();
      }

      @Override
      public void readFully(long position, ByteBuffer dst) throws IOException {
        f.readFully(position, dst);
      }

      @Override
      public long size() throws IOException {
        return f.size();
      }

      @Override
      public synchronized void close() throws IOException {
        if (!closed) {
          closed = true;
          openReaders.decrementAndGet();
        }
        f.close();
      }
    };
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    record("rename", source);
    checkFailure("rename", source);
    super.rename(source, target);
  }

  @Override
  public void delete(Path file) throws IOException {
    record("delete", file);
    super.delete(file);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    record("syncdir", dir);
    super.syncDirectory(dir);
  }
}
