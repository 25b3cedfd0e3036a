package io.kiwidb.api.spi;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.concurrent.locks.StampedLock;

/**
 * A whole file mapped read-only, for files that do not change while open (tables).
 *
 * <p>Why: a table read that misses the block cache used to cost a {@code pread} system call, a copy
 * into a per-thread direct buffer and a second copy into the heap array, a fifth of a random seek
 * (JFR, {@code docs/benchmarks.md}). From a mapping it is one copy, and no system call once the
 * page is mapped. The reference engine reads its tables through mmap too.
 *
 * <p>Release: Java 17 has no public way to unmap. Waiting for the garbage collector would keep the
 * disk space of every table deleted by compaction until the mapping object is collected, which may
 * be never for one promoted to the old generation. So {@link #close} unmaps at once through {@code
 * sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}; Lucene's MMapDirectory did the
 * same before {@code java.lang.foreign}), falling back to the collector where that is not
 * available. Touching an unmapped region crashes the JVM, so every read holds a shared lock, and
 * close takes it exclusively: close waits for reads in flight, and a read after close fails with
 * {@link ClosedChannelException}, never touches the unmapped memory.
 *
 * <p>Thread safety: any number of threads may read at once; close may race with reads.
 */
final class MappedReadableFile implements ReadableFile {
  private static final MethodHandle INVOKE_CLEANER = findInvokeCleaner();

  private final Path path;
  private final MappedByteBuffer map; // position and limit never change: reads are absolute
  private final int size;
  private final StampedLock lock = new StampedLock();
  private volatile boolean closed; // written under the write lock

  MappedReadableFile(Path path, MappedByteBuffer map) {
    this.path = path;
    this.map = map;
    this.size = map.capacity();
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    int len = dst.remaining();
    long stamp = lockForRead(position, len);
    try {
      dst.put(dst.position(), map, (int) position, len);
      dst.position(dst.position() + len);
    } catch (InternalError e) {
      throw pageFault(position, len, e);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  @Override
  public void readFully(long position, byte[] b, int off, int len) throws IOException {
    long stamp = lockForRead(position, len);
    try {
      map.get((int) position, b, off, len);
    } catch (InternalError e) {
      throw pageFault(position, len, e);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Takes the shared lock for a read of {@code len} bytes at {@code position}, or throws. */
  private long lockForRead(long position, int len) throws IOException {
    if (position < 0 || position > size - (long) len) {
      throw new EOFException(
          path
              + ": read of "
              + len
              + " bytes at "
              + position
              + " passes the end of the file ("
              + size
              + " bytes)");
    }
    long stamp = lock.readLock();
    if (closed) {
      lock.unlockRead(stamp);
      throw new ClosedChannelException();
    }
    return stamp;
  }

  /**
   * The JVM reports a fault on a mapped page (SIGBUS: the file was truncated underneath us, or the
   * disk failed) as an {@link InternalError}; the caller gets the I/O error it is.
   */
  private IOException pageFault(long position, int len, InternalError e) {
    return new IOException(
        path + ": mapped read of " + len + " bytes at " + position + " faulted (file truncated?)",
        e);
  }

  @Override
  public long size() throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
    return size;
  }

  @Override
  public void close() {
    long stamp = lock.writeLock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      lock.unlockWrite(stamp);
    }
    unmap(map);
  }

  private static void unmap(MappedByteBuffer map) {
    try {
      INVOKE_CLEANER.invokeExact((ByteBuffer) map);
    } catch (Throwable e) {
      // Not unmapped now: the collector will, when it frees the buffer.
    }
  }

  /** Whether a mapping can be released on close on this JDK (else do not map). */
  static boolean canUnmap() {
    return INVOKE_CLEANER != null;
  }

  private static MethodHandle findInvokeCleaner() {
    if (Runtime.version().feature() >= 23) {
      return null;
    }
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      Object unsafe = f.get(null);
      return MethodHandles.lookup()
          .findVirtual(
              unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
