package io.kiwidb.testkit;

import io.kiwidb.api.spi.FileLock;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Wraps a {@link FileSystem} and injects faults, as LevelDB's {@code fault_injection_test} and
 * RocksDB's {@code FaultInjectionTestFS} do:
 *
 * <ul>
 *   <li>{@link #failAt}: the n-th operation of the given kinds fails, once ({@link
 *       Fault#TRANSIENT}), from then on ({@link Fault#PERSISTENT}), or by killing the "process"
 *       ({@link Fault#CRASH}: it and every later operation fail until {@link #crash()}).
 *   <li>{@link #setSpaceLeft}: a full disk. Appends beyond the space left write what fits and fail
 *       with "No space left on device"; deletes give space back.
 *   <li>{@link #crash()}: a power loss, when the delegate is an {@link InMemoryFileSystem}:
 *       unsynced bytes and directory entries are dropped, and injected faults are cleared.
 * </ul>
 *
 * <p>It also counts operations by kind, so a test can run a workload once, read {@link #count(Op)},
 * and then fail or crash at every k up to it.
 *
 * <p>Thread safety: safe for concurrent use; rules and counters are guarded by this object.
 */
public final class FaultInjectingFileSystem implements FileSystem {

  /** Kinds of operation that can be counted and failed. */
  public enum Op {
    CREATE,
    OPEN,
    READ,
    WRITE,
    SYNC,
    CLOSE,
    RENAME,
    DELETE,
    LIST,
    MKDIRS,
    SYNC_DIR,
    LOCK,
    SIZE;

    /** The operations that change durable state: writes, syncs, renames, deletes, creates. */
    public static final Set<Op> MUTATING =
        EnumSet.of(CREATE, WRITE, SYNC, RENAME, DELETE, SYNC_DIR);

    /** Every kind. */
    public static final Set<Op> ALL = EnumSet.allOf(Op.class);
  }

  /** How an injected failure behaves. */
  public enum Fault {
    /** Only the chosen operation fails; later ones succeed. */
    TRANSIENT,
    /** The chosen operation and every later one of the same kinds fail. */
    PERSISTENT,
    /** The chosen operation and every later operation of any kind fail, until {@link #crash()}. */
    CRASH
  }

  private record Rule(Set<Op> kinds, long nth, Fault fault) {}

  private final FileSystem delegate;
  private final Map<Op, Long> counts = new EnumMap<>(Op.class);
  private final List<Rule> rules = new ArrayList<>();
  private long matchingSeen; // operations seen matching the active rule's kinds
  private Set<Op> persistentKinds = EnumSet.noneOf(Op.class);
  private boolean dead;
  private long spaceLeft = Long.MAX_VALUE;
  private long injected;

  /** Wraps {@code delegate}. */
  public FaultInjectingFileSystem(FileSystem delegate) {
    this.delegate = delegate;
  }

  /** Wraps a new {@link InMemoryFileSystem}, so {@link #crash()} works. */
  public static FaultInjectingFileSystem inMemory() {
    return new FaultInjectingFileSystem(new InMemoryFileSystem());
  }

  /** The wrapped file system. */
  public FileSystem delegate() {
    return delegate;
  }

  /**
   * Fails the {@code nth} (1-based, counted from now) operation whose kind is in {@code kinds}.
   * Replaces any earlier rule.
   */
  public synchronized void failAt(Set<Op> kinds, long nth, Fault fault) {
    if (nth < 1) {
      throw new IllegalArgumentException("nth must be >= 1, was " + nth);
    }
    rules.clear();
    rules.add(new Rule(EnumSet.copyOf(kinds), nth, fault));
    matchingSeen = 0;
  }

  /** Fails the {@code nth} operation of one kind. */
  public synchronized void failAt(Op kind, long nth, Fault fault) {
    failAt(EnumSet.of(kind), nth, fault);
  }

  /** Removes every rule and persistent failure, and brings a crashed process back. */
  public synchronized void heal() {
    rules.clear();
    persistentKinds = EnumSet.noneOf(Op.class);
    dead = false;
    spaceLeft = Long.MAX_VALUE;
  }

  /** Limits the bytes that may still be appended (a full disk). {@code Long.MAX_VALUE} lifts it. */
  public synchronized void setSpaceLeft(long bytes) {
    spaceLeft = bytes;
  }

  /** The bytes that may still be appended. */
  public synchronized long spaceLeft() {
    return spaceLeft;
  }

  /** How many operations of {@code kind} have run (successful or failed) since creation. */
  public synchronized long count(Op kind) {
    return counts.getOrDefault(kind, 0L);
  }

  /** How many operations of any of {@code kinds} have run. */
  public synchronized long count(Set<Op> kinds) {
    long sum = 0;
    for (Op k : kinds) {
      sum += count(k);
    }
    return sum;
  }

  /** How many faults were injected so far. */
  public synchronized long injectedFaults() {
    return injected;
  }

  /** Whether a {@link Fault#CRASH} fault has fired and {@link #crash()} has not been called. */
  public synchronized boolean isDead() {
    return dead;
  }

  /**
   * Simulates a power loss: the delegate (an {@link InMemoryFileSystem}) drops everything not
   * durable, and every rule and fault is cleared, as for a machine that restarts.
   *
   * @throws UnsupportedOperationException if the delegate cannot crash
   */
  public void crash() {
    if (!(delegate instanceof InMemoryFileSystem mem)) {
      throw new UnsupportedOperationException("crash needs an InMemoryFileSystem delegate");
    }
    synchronized (this) {
      heal();
    }
    mem.crash();
  }

  /** Counts an operation and throws if a rule says it fails. */
  private synchronized void check(Op op, Path path) throws IOException {
    counts.merge(op, 1L, Long::sum);
    if (dead) {
      throw fault(op, path, "the simulated process has crashed");
    }
    if (persistentKinds.contains(op)) {
      throw fault(op, path, "persistent injected fault");
    }
    Rule fired = null;
    for (Rule r : rules) {
      if (r.kinds.contains(op) && ++matchingSeen == r.nth) {
        fired = r;
        break;
      }
    }
    if (fired != null) {
      rules.clear();
      switch (fired.fault) {
        case TRANSIENT -> {}
        case PERSISTENT -> persistentKinds = EnumSet.copyOf(fired.kinds);
        case CRASH -> dead = true;
      }
      throw fault(op, path, "injected " + fired.fault.name().toLowerCase(Locale.ROOT) + " fault");
    }
  }

  private IOException fault(Op op, Path path, String why) {
    injected++;
    return new IOException(op + " " + path + ": " + why);
  }

  /** Reserves space for an append; returns how many bytes fit. */
  private synchronized int reserve(int n) {
    if (spaceLeft >= n) {
      if (spaceLeft != Long.MAX_VALUE) {
        spaceLeft -= n;
      }
      return n;
    }
    int fits = (int) Math.max(0, spaceLeft);
    spaceLeft = 0;
    return fits;
  }

  private synchronized void release(long n) {
    if (spaceLeft != Long.MAX_VALUE) {
      spaceLeft += n;
    }
  }

  @Override
  public WritableFile create(Path file) throws IOException {
    check(Op.CREATE, file);
    return new FaultyWritableFile(delegate.create(file));
  }

  @Override
  public ReadableFile openRead(Path file) throws IOException {
    check(Op.OPEN, file);
    return new FaultyReadableFile(delegate.openRead(file));
  }

  @Override
  public long size(Path file) throws IOException {
    check(Op.SIZE, file);
    return delegate.size(file);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    check(Op.RENAME, source);
    long replaced = delegate.exists(target) ? delegate.size(target) : 0;
    delegate.rename(source, target);
    release(replaced);
  }

  @Override
  public void delete(Path file) throws IOException {
    check(Op.DELETE, file);
    long size = delegate.exists(file) ? sizeOrZero(file) : 0;
    delegate.delete(file);
    release(size);
  }

  private long sizeOrZero(Path file) {
    try {
      return delegate.size(file);
    } catch (IOException e) {
      return 0; // a directory
    }
  }

  @Override
  public List<Path> list(Path dir) throws IOException {
    check(Op.LIST, dir);
    return delegate.list(dir);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    check(Op.MKDIRS, dir);
    delegate.createDirectories(dir);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    check(Op.SYNC_DIR, dir);
    delegate.syncDirectory(dir);
  }

  @Override
  public FileLock lock(Path file) throws IOException {
    check(Op.LOCK, file);
    return delegate.lock(file);
  }

  @Override
  public FileLock lockShared(Path file) throws IOException {
    check(Op.LOCK, file);
    return delegate.lockShared(file);
  }

  /** A hard link counts as a {@link Op#CREATE} of {@code link}. */
  @Override
  public void link(Path existing, Path link) throws IOException {
    check(Op.CREATE, link);
    delegate.link(existing, link);
  }

  @Override
  public Optional<String> accessProblem(Path path, AccessMode... modes) {
    return delegate.accessProblem(path, modes);
  }

  private final class FaultyWritableFile implements WritableFile {
    private final WritableFile inner;

    FaultyWritableFile(WritableFile inner) {
      this.inner = inner;
    }

    @Override
    public Path path() {
      return inner.path();
    }

    @Override
    public void append(ByteBuffer src) throws IOException {
      check(Op.WRITE, inner.path());
      int n = src.remaining();
      int fits = reserve(n);
      if (fits < n) {
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + fits);
        inner.append(part);
        src.position(src.position() + fits);
        synchronized (FaultInjectingFileSystem.this) {
          injected++;
        }
        throw new IOException(inner.path() + ": No space left on device");
      }
      inner.append(src);
    }

    @Override
    public void sync() throws IOException {
      check(Op.SYNC, inner.path());
      inner.sync();
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public void close() throws IOException {
      check(Op.CLOSE, inner.path());
      inner.close();
    }
  }

  private final class FaultyReadableFile implements ReadableFile {
    private final ReadableFile inner;

    FaultyReadableFile(ReadableFile inner) {
      this.inner = inner;
    }

    @Override
    public Path path() {
      return inner.path();
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
      check(Op.READ, inner.path());
      inner.readFully(position, dst);
    }

    @Override
    public long size() throws IOException {
      return inner.size();
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }
}
