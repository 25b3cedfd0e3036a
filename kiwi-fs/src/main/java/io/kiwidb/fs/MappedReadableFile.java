package io.kiwidb.fs;

import io.kiwidb.api.spi.ReadableFile;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
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
 * be never for one promoted to the old generation. So {@link #close} releases the mapping at once,
 * in the way the running JDK allows ({@link Unmapper}): on JDK 22 and later the file is mapped in a
 * shared {@code java.lang.foreign.Arena}, closed on close; before that, through {@code
 * sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}; Lucene's MMapDirectory did the
 * same before {@code java.lang.foreign}), which later JDKs deprecate and warn about. Both are
 * reached reflectively, since the build targets Java 17. Touching an unmapped region crashes the
 * JVM, so every read holds a shared lock, and close takes it exclusively: close waits for reads in
 * flight, and a read after close fails with {@link ClosedChannelException}, never touches the
 * unmapped memory.
 *
 * <p>Thread safety: any number of threads may read at once; close may race with reads.
 */
final class MappedReadableFile implements ReadableFile {
  private static final Unmapper UNMAPPER = Unmapper.forThisJdk();

  private final Path path;
  private final ByteBuffer map; // position and limit never change: reads are absolute
  private final Object owner; // what releases the mapping (an Arena on JDK 22+), or null
  private final int size;
  private final StampedLock lock = new StampedLock();
  private volatile boolean closed; // written under the write lock

  private MappedReadableFile(Path path, ByteBuffer map, Object owner) {
    this.path = path;
    this.map = map;
    this.owner = owner;
    this.size = map.capacity();
  }

  /** Whether this JDK lets a mapping be released on close (if not, do not map). */
  static boolean available() {
    return UNMAPPER != null;
  }

  /**
   * Maps {@code size} bytes of an open channel; the mapping outlives the channel.
   *
   * @throws IllegalStateException if {@link #available()} is false
   */
  static MappedReadableFile map(Path path, FileChannel channel, int size) throws IOException {
    if (UNMAPPER == null) {
      throw new IllegalStateException("no way to release a mapping on this JDK");
    }
    return UNMAPPER.map(path, channel, size);
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
    UNMAPPER.release(map, owner);
  }

  /**
   * Maps files and releases mappings with what the running JDK offers; all reflective, because the
   * build targets Java 17.
   */
  private abstract static class Unmapper {
    abstract MappedReadableFile map(Path path, FileChannel channel, int size) throws IOException;

    abstract void release(ByteBuffer map, Object owner);

    /** The arena way on JDK 22+, else Unsafe's cleaner, else null (then tables are not mapped). */
    static Unmapper forThisJdk() {
      try {
        return Runtime.version().feature() >= 22 ? new ArenaUnmapper() : new CleanerUnmapper();
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }

  /** {@code FileChannel.map(mode, 0, size, Arena.ofShared())}; closing the arena unmaps. */
  private static final class ArenaUnmapper extends Unmapper {
    private final MethodHandle ofShared;
    private final MethodHandle mapInArena;
    private final MethodHandle asByteBuffer;
    private final MethodHandle closeArena;

    ArenaUnmapper() throws ReflectiveOperationException {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Class<?> arena = Class.forName("java.lang.foreign.Arena");
      Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
      ofShared = lookup.findStatic(arena, "ofShared", MethodType.methodType(arena));
      mapInArena =
          lookup.findVirtual(
              FileChannel.class,
              "map",
              MethodType.methodType(
                  segment, FileChannel.MapMode.class, long.class, long.class, arena));
      asByteBuffer =
          lookup.findVirtual(segment, "asByteBuffer", MethodType.methodType(ByteBuffer.class));
      closeArena = lookup.findVirtual(arena, "close", MethodType.methodType(void.class));
    }

    @Override
    MappedReadableFile map(Path path, FileChannel channel, int size) throws IOException {
      try {
        Object arena = ofShared.invoke();
        try {
          Object segment =
              mapInArena.invoke(channel, FileChannel.MapMode.READ_ONLY, 0L, (long) size, arena);
          return new MappedReadableFile(path, (ByteBuffer) asByteBuffer.invoke(segment), arena);
        } catch (Throwable e) {
          closeArena.invoke(arena);
          throw e;
        }
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IOException(path + ": map failed", e);
      }
    }

    @Override
    void release(ByteBuffer map, Object arena) {
      try {
        closeArena.invoke(arena);
      } catch (Throwable e) {
        // Not unmapped now: the collector will, when it frees the arena.
      }
    }
  }

  /** {@code FileChannel.map} and {@code sun.misc.Unsafe.invokeCleaner} (JDK 17 to 21). */
  private static final class CleanerUnmapper extends Unmapper {
    private final MethodHandle invokeCleaner;

    CleanerUnmapper() throws ReflectiveOperationException {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      invokeCleaner =
          MethodHandles.lookup()
              .findVirtual(
                  unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
              .bindTo(f.get(null));
    }

    @Override
    MappedReadableFile map(Path path, FileChannel channel, int size) throws IOException {
      return new MappedReadableFile(
          path, channel.map(FileChannel.MapMode.READ_ONLY, 0, size), null);
    }

    @Override
    void release(ByteBuffer map, Object owner) {
      try {
        invokeCleaner.invokeExact(map);
      } catch (Throwable e) {
        // Not unmapped now: the collector will, when it frees the buffer.
      }
    }
  }
}
