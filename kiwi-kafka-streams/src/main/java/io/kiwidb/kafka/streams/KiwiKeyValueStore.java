package io.kiwidb.kafka.streams;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.Limits;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.ChangelogRecordDeserializationHelper;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.ResultOrder;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams key-value bytes store on one kiwi-db engine, in {@code
 * <state.dir>/<application.id>/<task>/kiwi/<store name>}.
 *
 * <h2>Writes and commits</h2>
 *
 * Writes ({@code put}, {@code putAll}, {@code delete}, ...) go to an in-memory {@link WriteBuffer};
 * reads see them at once (the buffer is consulted before the engine). Kafka Streams' commit ({@link
 * #commit(Map)}) writes the whole buffer, the changelog offsets it covers and the store's {@link
 * Position} to the engine as <em>one</em> {@link WriteBatch}, so the engine holds either all of a
 * commit or none of it, and the offsets it reports ({@link #committedOffset(TopicPartition)}) never
 * run ahead of the data it holds. The store therefore manages its own offsets ({@link
 * #managesOffsets()} is true) and Kafka Streams writes no {@code .checkpoint} file for it.
 *
 * <p>Durability: each commit is one engine write, durable when it returns under the engine's
 * default {@code wal_sync_mode=always} (one fsync per commit, not per record). Under {@code
 * wal_sync_mode=none} a commit survives a crash of the process; after a power loss the engine keeps
 * a prefix of its log, so the store comes back at an earlier commit, offsets and data together, and
 * Kafka Streams restores the rest from the changelog.
 *
 * <p>If the buffer outgrows its limit ({@code statestore.uncommitted.max.bytes}, 64 MiB by default)
 * between commits, it is written early ("spilled") and the store is marked as holding uncommitted
 * data until the next commit. Under exactly-once such a store is wiped at its next open (its data
 * may belong to an aborted transaction) and rebuilt from the changelog; under at-least-once it is
 * kept.
 *
 * <h2>Restore</h2>
 *
 * Changelog records arrive through a batching restore callback and go straight to the engine in
 * large write batches (they are committed data), bypassing the buffer, <em>without the WAL</em>
 * ({@link WriteOptions#NO_WAL}): the changelog is their log. Until a flush has put them in tables
 * the engine is in an <em>unlogged phase</em>, and the store keeps one rule through it: no logged
 * write follows an unlogged one before {@link StorageEngine#flush(boolean) flush(true)} has made
 * the unlogged ones durable. The engine installs flushed memtables strictly in write order, so
 * after a crash at any moment the engine holds a prefix of the store's writes: the offsets it holds
 * are those of a commit whose data it holds too, and Kafka Streams restores the rest from the
 * changelog. In the unlogged phase:
 *
 * <ul>
 *   <li>a commit that only records offsets (no buffered writes) while restore batches keep coming
 *       is written without the WAL too, in one batch with its offsets and position (Kafka Streams'
 *       state updater commits restoring tasks every {@code commit.interval.ms}, 100 ms under
 *       exactly-once, and a flush at each would cut the restore into tiny tables). Lost in a crash,
 *       it is lost together with the data it covers;
 *   <li>any other write, and a commit after which no restore batch came (restore is over or idle),
 *       first calls {@code flush(true)}, then goes to the WAL as usual;
 *   <li>{@link #close()} calls {@code flush(true)} before closing the engine.
 * </ul>
 *
 * <h2>Thread safety</h2>
 *
 * One thread writes at a time (the stream thread, or the state updater while restoring); any number
 * of interactive-query threads may read concurrently. A read-write lock guards the buffer and the
 * engine together: readers share it, a write or commit holds it exclusively, so a reader sees a
 * commit entirely or not at all. Iterators are for one thread each.
 */
class KiwiKeyValueStore implements KeyValueStore<Bytes, byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(KiwiKeyValueStore.class);

  /**
   * Default bound of the uncommitted buffer, as Kafka Streams' statestore.uncommitted.max.bytes.
   */
  static final long DEFAULT_MAX_UNCOMMITTED_BYTES = 64L << 20;

  /** Hard bound, so a commit always fits one kiwi-db write batch (256 MiB). */
  static final long MAX_UNCOMMITTED_BYTES = 128L << 20;

  /** A restore batch is written once it reaches this size (or at the next read, write, commit). */
  static final long RESTORE_BATCH_BYTES = 32L << 20;

  /** The values of the state metadata key. */
  private static final byte[] STATE_COMMITTED = "committed".getBytes(StandardCharsets.UTF_8);

  private static final byte[] STATE_SPILLED = "spilled".getBytes(StandardCharsets.UTF_8);

  private final String name;
  private final Map<String, Object> storeConfig;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Set<MergedKeyValueIterator> openIterators =
      Collections.newSetFromMap(new WeakHashMap<>());

  // Guarded by lock (write lock to change, read lock to read), except where noted.
  private final WriteBuffer buffer = new WriteBuffer();
  private final Map<TopicPartition, Long> committedOffsets = new HashMap<>();
  private final RestoreBatch restoreBatch = new RestoreBatch();
  private volatile boolean restorePending;

  /** The engine holds writes made without the WAL that no flush has made durable yet. */
  private boolean unlogged;

  /** A restore batch arrived since the last commit. */
  private boolean restoredSinceCommit;

  private boolean spilled;
  private boolean stateKeyStored;
  private byte[] committedPosition;
  private long maxUncommittedBytes = DEFAULT_MAX_UNCOMMITTED_BYTES;

  /** Updated under its own monitor, as Kafka's stores do (query handling reads it). */
  private final Position position = Position.emptyPosition();

  private volatile StorageEngine engine;
  private volatile boolean open;
  private volatile String closedReason = "";
  private StateStoreContext context;
  private Path dir;
  private boolean exactlyOnce;
  private boolean consistencyEnabled;

  KiwiKeyValueStore(String name, Map<String, Object> storeConfig) {
    this.name = name;
    this.storeConfig = storeConfig;
  }

  /** The format recorded in the store, so a plain store is never opened as a timestamped one. */
  String format() {
    return "kiwi-kv/1";
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /**
   * True: the offsets live in the engine, written with the data they cover. (Deprecated in Kafka
   * 4.4 because every store is to manage its offsets; until then Kafka Streams asks.)
   */
  @Override
  @SuppressWarnings("deprecation")
  public boolean managesOffsets() {
    return true;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void init(StateStoreContext context, StateStore root) {
    if (open) {
      throw new IllegalStateException("kiwi store '" + name + "' is already open");
    }
    this.context = context;
    Map<String, Object> appConfigs = context.appConfigs();
    this.exactlyOnce =
        StreamsConfig.EXACTLY_ONCE_V2.equals(
            appConfigs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    this.consistencyEnabled =
        StreamsConfig.InternalConfig.getBoolean(
            appConfigs, StreamsConfig.InternalConfig.IQ_CONSISTENCY_OFFSET_VECTOR_ENABLED, false);
    this.maxUncommittedBytes = maxUncommittedBytes(appConfigs);
    this.dir = context.stateDir().toPath().resolve("kiwi").resolve(name);
    KiwiStoreConfig config = KiwiStoreConfig.resolve(name, appConfigs, storeConfig);

    StorageEngine opened = openEngine(config);
    try {
      loadMetadata(opened);
      if (spilled && exactlyOnce) {
        LOG.warn(
            "kiwi store '{}' in {} holds writes that were never committed (written early when"
                + " its uncommitted buffer overflowed); under exactly-once they may belong to an"
                + " aborted transaction, so the store is wiped and restored from its changelog",
            name,
            dir);
        opened.close();
        deleteRecursively(dir);
        opened = openEngine(config);
        loadMetadata(opened);
      }
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
    this.engine = opened;
    this.open = true;
    this.closedReason = "";
    context.register(root, (RecordBatchingStateRestoreCallback) this::restoreBatch);
    LOG.debug(
        "kiwi store '{}' opened in {}: offsets {}, position {}",
        name,
        dir,
        committedOffsets,
        position);
  }

  private StorageEngine openEngine(KiwiStoreConfig config) {
    try {
      Files.createDirectories(dir);
      config.writeTo(dir);
    } catch (IOException e) {
      throw new ProcessorStateException(
          "kiwi store '" + name + "': cannot prepare its directory " + dir, e);
    }
    try {
      return KiwiDb.open(dir);
    } catch (InvalidConfigException e) {
      throw configError(config, e);
    } catch (KiwiException e) {
      throw new ProcessorStateException(
          "kiwi store '" + name + "': cannot open kiwi-db in " + dir + ": " + e.getMessage(), e);
    }
  }

  private ConfigException configError(KiwiStoreConfig config, InvalidConfigException e) {
    KiwiStoreConfig.Setting setting = e.key() == null ? null : config.setting(e.key());
    if (setting == null) {
      return new ConfigException(
          "kiwi store '" + name + "': kiwi-db refused its config: " + e.getMessage());
    }
    return new ConfigException(
        "kiwi store '"
            + name
            + "': bad kiwi-db config '"
            + setting.property()
            + "' = "
            + setting.value()
            + " (from "
            + setting.source()
            + "): "
            + e.getMessage());
  }

  private void loadMetadata(StorageEngine db) {
    committedOffsets.clear();
    spilled = false;
    committedPosition = null;
    byte[] format = db.get(KeyCodec.FORMAT_KEY).orElse(null);
    byte[] expected = format().getBytes(StandardCharsets.UTF_8);
    if (format == null) {
      boolean empty;
      try (KiwiIterator it = db.iterator(ScanOptions.all())) {
        it.seekToFirst();
        empty = !it.isValid();
      }
      if (!empty) {
        throw new ProcessorStateException(
            "kiwi store '"
                + name
                + "': "
                + dir
                + " holds a kiwi-db store that was not written by kiwi-kafka-streams");
      }
      db.write(new WriteBatch().put(KeyCodec.FORMAT_KEY, expected));
    } else if (!Arrays.equals(format, expected)) {
      throw new ProcessorStateException(
          "kiwi store '"
              + name
              + "': "
              + dir
              + " was written as a '"
              + new String(format, StandardCharsets.UTF_8)
              + "' store, but it is opened as '"
              + format()
              + "' (a plain and a timestamped key-value store keep values differently). Delete the"
              + " directory to rebuild the store from its changelog, or go back to the store type"
              + " that wrote it");
    }
    byte[] state = db.get(KeyCodec.STATE_KEY).orElse(null);
    stateKeyStored = state != null;
    spilled = state != null && Arrays.equals(state, STATE_SPILLED);
    try (KiwiIterator it = db.iterator(ScanOptions.prefix(KeyCodec.OFFSET_PREFIX))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        committedOffsets.put(KeyCodec.offsetPartition(it.key()), KeyCodec.decodeLong(it.value()));
      }
    }
    committedPosition = db.get(KeyCodec.POSITION_KEY).orElse(null);
    synchronized (position) {
      if (committedPosition != null) {
        position.merge(PositionCodec.decode(committedPosition));
      }
    }
  }

  private static long maxUncommittedBytes(Map<String, Object> appConfigs) {
    Object v = appConfigs.get(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG);
    long configured = DEFAULT_MAX_UNCOMMITTED_BYTES;
    if (v instanceof Number n) {
      configured = n.longValue();
    } else if (v != null) {
      try {
        configured = Long.parseLong(v.toString().trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(
            StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, v, "not a number");
      }
    }
    return configured < 0 ? MAX_UNCOMMITTED_BYTES : Math.min(configured, MAX_UNCOMMITTED_BYTES);
  }

  /**
   * Closes the engine. Writes not yet committed are dropped: Kafka Streams commits before a clean
   * close, and after a failure they are reprocessed. Iterators still open are closed.
   */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!open) {
        return;
      }
      open = false;
      closedReason = " (the store was closed)";
      List<MergedKeyValueIterator> left;
      synchronized (openIterators) {
        left = new ArrayList<>(openIterators);
        openIterators.clear();
      }
      if (!left.isEmpty()) {
        LOG.warn("kiwi store '{}' closes {} iterator(s) its callers left open", name, left.size());
        left.forEach(MergedKeyValueIterator::closeFromStore);
      }
      try {
        drainRestoreBatch();
        if (unlogged) {
          try {
            makeUnloggedDurable("close");
          } catch (ProcessorStateException e) {
            // Consistent all the same: the offsets written since the last flush were unlogged
            // too, so a reopen finds an earlier commit and Kafka Streams restores from there.
            LOG.warn("kiwi store '{}': {}; the next open restores it again", name, e.getMessage());
          }
        }
      } finally {
        if (!buffer.isEmpty()) {
          LOG.debug("kiwi store '{}' drops {} uncommitted write(s) at close", name, buffer.size());
        }
        buffer.clear();
        StorageEngine db = engine;
        engine = null;
        db.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ---------------------------------------------------------------- commit

  @Override
  public Long committedOffset(TopicPartition partition) {
    lock.readLock().lock();
    try {
      checkOpen();
      return committedOffsets.get(partition);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Writes the buffer, the offsets and the position as one engine write batch. An empty map means
   * the store has no changelog offsets to keep (it is not logged), so stored ones are removed.
   */
  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    lock.writeLock().lock();
    try {
      checkOpen();
      // An offsets-only commit while restore batches keep coming stays in the unlogged phase, and
      // its batch carries the pending restore records with the offsets that cover them; anything
      // else ends the phase first (see the class comment).
      boolean staysUnlogged =
          (unlogged || restorePending) && restoredSinceCommit && buffer.isEmpty() && !spilled;
      restoredSinceCommit = false;
      WriteBatch batch = new WriteBatch();
      boolean carriesRestore = staysUnlogged && !restoreBatch.isEmpty();
      if (staysUnlogged) {
        restoreBatch.addTo(batch);
        restoreBatch.clear();
        restorePending = false;
      } else {
        drainRestoreBatch();
        if (unlogged) {
          makeUnloggedDurable("commit");
        }
      }
      Map<TopicPartition, Long> next = new HashMap<>(committedOffsets);
      if (changelogOffsets.isEmpty()) {
        for (TopicPartition tp : committedOffsets.keySet()) {
          batch.delete(KeyCodec.offsetKey(tp));
        }
        next.clear();
      } else {
        changelogOffsets.forEach(
            (tp, offset) -> {
              if (offset == null) {
                batch.delete(KeyCodec.offsetKey(tp));
                next.remove(tp);
              } else {
                batch.put(KeyCodec.offsetKey(tp), KeyCodec.encodeLong(offset));
                next.put(tp, offset);
              }
            });
      }
      byte[] positionBytes;
      synchronized (position) {
        positionBytes = PositionCodec.encode(position);
      }
      boolean positionChanged = !Arrays.equals(positionBytes, committedPosition);
      if (!carriesRestore
          && buffer.isEmpty()
          && next.equals(committedOffsets)
          && !positionChanged
          && !spilled) {
        return; // nothing new: no write, no fsync
      }
      addBuffer(batch);
      if (positionChanged) {
        batch.put(KeyCodec.POSITION_KEY, positionBytes);
      }
      if (spilled) {
        batch.put(KeyCodec.STATE_KEY, STATE_COMMITTED);
      }
      write(batch, "commit", staysUnlogged ? WriteOptions.NO_WAL : WriteOptions.DEFAULTS);
      buffer.clear();
      committedOffsets.clear();
      committedOffsets.putAll(next);
      committedPosition = positionBytes;
      spilled = false;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Writes the buffered writes to the engine now, without offsets (the engine then holds data that
   * no commit covers yet; see the class comment on spilling). Kafka Streams 4.4 deprecates {@code
   * flush} in favour of {@link #commit(Map)} and no longer calls it.
   */
  @Override
  @SuppressWarnings("deprecation")
  public void flush() {
    lock.writeLock().lock();
    try {
      checkOpen();
      drainRestoreBatch();
      spill();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public long approximateNumUncommittedBytes() {
    lock.readLock().lock();
    try {
      return buffer.bytes();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Caller holds the write lock. */
  private void spill() {
    if (buffer.isEmpty()) {
      return;
    }
    WriteBatch batch = new WriteBatch();
    // The marker goes first in the same batch: the engine never holds spilled data without it.
    batch.put(KeyCodec.STATE_KEY, STATE_SPILLED);
    addBuffer(batch);
    write(batch, "early write of uncommitted data", WriteOptions.DEFAULTS);
    buffer.clear();
    spilled = true;
    stateKeyStored = true;
  }

  private void addBuffer(WriteBatch batch) {
    for (Map.Entry<Bytes, byte[]> e : buffer.view().entrySet()) {
      byte[] key = KeyCodec.dataKey(name, e.getKey().get());
      if (e.getValue() == WriteBuffer.TOMBSTONE) {
        batch.delete(key);
      } else {
        batch.put(key, e.getValue());
      }
    }
  }

  /** Caller holds the write lock. */
  private void write(WriteBatch batch, String what, WriteOptions options) {
    if (!options.disableWal() && unlogged) {
      makeUnloggedDurable(what); // never a logged write after an unflushed unlogged one
    }
    try {
      engine.write(batch, options);
    } catch (KiwiException e) {
      throw new ProcessorStateException(
          "kiwi store '" + name + "': " + what + " failed: " + e.getMessage(), e);
    }
    if (options.disableWal()) {
      unlogged = true;
    }
  }

  /**
   * Ends the unlogged phase: returns once every write made without the WAL is in tables. Caller
   * holds the write lock.
   */
  private void makeUnloggedDurable(String before) {
    long start = System.nanoTime();
    try {
      engine.flush(true);
    } catch (KiwiException e) {
      throw new ProcessorStateException(
          "kiwi store '"
              + name
              + "': flushing the restored data (written without the WAL) before the "
              + before
              + " failed: "
              + e.getMessage(),
          e);
    }
    unlogged = false;
    LOG.debug(
        "kiwi store '{}': restored data flushed before the {} in {} ms",
        name,
        before,
        (System.nanoTime() - start) / 1_000_000);
  }

  /** Whether the engine holds unlogged writes no flush has made durable yet (for tests). */
  boolean inUnloggedPhase() {
    lock.readLock().lock();
    try {
      return unlogged;
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---------------------------------------------------------------- restore

  /**
   * Applies changelog records (already converted to the store's value format) in large engine
   * batches written without the WAL. The records are committed data, so they skip the buffer.
   */
  void restoreBatch(Collection<ConsumerRecord<byte[], byte[]>> records) {
    lock.writeLock().lock();
    try {
      checkOpen();
      if (!records.isEmpty()) {
        restoredSinceCommit = true;
      }
      for (ConsumerRecord<byte[], byte[]> record : records) {
        synchronized (position) {
          ChangelogRecordDeserializationHelper.applyChecksAndUpdatePosition(
              record, consistencyEnabled, position);
        }
        byte[] key = KeyCodec.dataKey(name, record.key());
        restoreBatch.add(key, record.value()); // a null value is a delete
        if (restoreBatch.bytes() >= RESTORE_BATCH_BYTES) {
          drainRestoreBatch();
        }
      }
      restorePending = !restoreBatch.isEmpty();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Caller holds the write lock. */
  private void drainRestoreBatch() {
    if (!restoreBatch.isEmpty()) {
      WriteBatch batch = restoreBatch.toWriteBatch();
      restoreBatch.clear();
      restorePending = false;
      write(batch, "restore", WriteOptions.NO_WAL);
    }
    restorePending = false;
  }

  /** Makes restored records visible before the first read or write that follows a restore. */
  private void ensureRestored() {
    if (restorePending) {
      lock.writeLock().lock();
      try {
        if (open) {
          drainRestoreBatch();
        }
      } finally {
        lock.writeLock().unlock();
      }
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(Bytes key, byte[] value) {
    Objects.requireNonNull(key, "key cannot be null");
    ensureRestored();
    lock.writeLock().lock();
    try {
      checkOpen();
      buffer(key, value);
      maybeSpill();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public byte[] putIfAbsent(Bytes key, byte[] value) {
    Objects.requireNonNull(key, "key cannot be null");
    ensureRestored();
    lock.writeLock().lock();
    try {
      checkOpen();
      byte[] existing = read(key, true);
      if (existing == null) {
        buffer(key, value);
        maybeSpill();
      }
      return existing;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Buffers all entries at once: readers see all of them or none, and the next commit writes them
   * in its one batch.
   */
  @Override
  public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
    for (KeyValue<Bytes, byte[]> kv : entries) {
      Objects.requireNonNull(kv.key, "key cannot be null");
      checkSizes(kv.key, kv.value);
    }
    ensureRestored();
    lock.writeLock().lock();
    try {
      checkOpen();
      for (KeyValue<Bytes, byte[]> kv : entries) {
        buffer(kv.key, kv.value);
      }
      maybeSpill();
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public byte[] delete(Bytes key) {
    Objects.requireNonNull(key, "key cannot be null");
    ensureRestored();
    lock.writeLock().lock();
    try {
      checkOpen();
      byte[] old = read(key, true);
      buffer(key, null);
      maybeSpill();
      return old;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Caller holds the write lock. A null value is a delete, as everywhere in Kafka Streams. */
  private void buffer(Bytes key, byte[] value) {
    checkSizes(key, value);
    buffer.put(key, value == null ? WriteBuffer.TOMBSTONE : value);
    Optional<RecordMetadata> meta = context.recordMetadata();
    if (meta.isPresent() && meta.get().topic() != null) {
      synchronized (position) {
        position.withComponent(meta.get().topic(), meta.get().partition(), meta.get().offset());
      }
    }
  }

  private void checkSizes(Bytes key, byte[] value) {
    if (key.get().length > KeyCodec.MAX_USER_KEY_BYTES) {
      throw new IllegalArgumentException(
          "kiwi store '"
              + name
              + "': key is "
              + key.get().length
              + " bytes, the limit is "
              + KeyCodec.MAX_USER_KEY_BYTES
              + " bytes");
    }
    if (value != null && value.length > Limits.MAX_VALUE_BYTES) {
      throw new IllegalArgumentException(
          "kiwi store '"
              + name
              + "': value is "
              + value.length
              + " bytes, the limit is "
              + Limits.MAX_VALUE_BYTES
              + " bytes");
    }
  }

  private void maybeSpill() {
    if (buffer.bytes() > maxUncommittedBytes) {
      LOG.info(
          "kiwi store '{}': {} bytes of uncommitted writes exceed {} (statestore.uncommitted.max.bytes);"
              + " writing them before the commit",
          name,
          buffer.bytes(),
          maxUncommittedBytes);
      spill();
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public byte[] get(Bytes key) {
    return get(key, true);
  }

  byte[] get(Bytes key, boolean uncommitted) {
    Objects.requireNonNull(key, "key cannot be null");
    ensureRestored();
    lock.readLock().lock();
    try {
      checkOpen();
      return read(key, uncommitted);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Caller holds the lock. */
  private byte[] read(Bytes key, boolean uncommitted) {
    if (uncommitted) {
      byte[] buffered = buffer.get(key);
      if (buffered != null) {
        return buffered == WriteBuffer.TOMBSTONE ? null : buffered;
      }
    }
    if (key.get().length > KeyCodec.MAX_USER_KEY_BYTES) {
      return null; // cannot have been stored
    }
    try {
      return engine.get(KeyCodec.dataKey(name, key.get())).orElse(null);
    } catch (KiwiException e) {
      throw new ProcessorStateException(
          "kiwi store '" + name + "': get failed: " + e.getMessage(), e);
    }
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    return range(from, to, true, true);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
    return range(from, to, false, true);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> all() {
    return range(null, null, true, true);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseAll() {
    return range(null, null, false, true);
  }

  KeyValueIterator<Bytes, byte[]> range(
      Bytes from, Bytes to, boolean forward, boolean uncommitted) {
    if (from != null && to != null && from.compareTo(to) > 0) {
      LOG.warn(
          "kiwi store '{}': returning an empty iterator for a range whose lower bound {} is above"
              + " its upper bound {}; Kafka Streams' RocksDB store does the same",
          name,
          from,
          to);
      checkOpen();
      return emptyIterator();
    }
    ScanOptions scan =
        ScanOptions.range(KeyCodec.lowerBound(from), KeyCodec.upperBoundInclusive(to));
    return open(scan, () -> uncommitted ? buffer.copyRange(from, to, forward) : List.of(), forward);
  }

  @Override
  public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(
      P prefix, PS prefixKeySerializer) {
    Objects.requireNonNull(prefix, "prefix cannot be null");
    Objects.requireNonNull(prefixKeySerializer, "prefixKeySerializer cannot be null");
    byte[] prefixBytes = prefixKeySerializer.serialize(null, prefix);
    if (prefixBytes.length > KeyCodec.MAX_USER_KEY_BYTES) {
      checkOpen();
      return emptyIterator();
    }
    ScanOptions scan = ScanOptions.prefix(KeyCodec.dataKey(name, prefixBytes));
    return open(scan, () -> buffer.copyPrefix(prefixBytes), true);
  }

  private KeyValueIterator<Bytes, byte[]> open(
      ScanOptions scan,
      java.util.function.Supplier<List<Map.Entry<Bytes, byte[]>>> pending,
      boolean forward) {
    ensureRestored();
    lock.readLock().lock();
    try {
      checkOpen();
      // Both halves under one lock hold: the buffer copy and the engine snapshot are of the same
      // moment, so a commit running next cannot make an entry vanish from or repeat in the view.
      List<Map.Entry<Bytes, byte[]>> copy = pending.get();
      KiwiIterator committed;
      try {
        committed = engine.iterator(scan);
      } catch (KiwiException e) {
        throw new ProcessorStateException(
            "kiwi store '" + name + "': cannot open an iterator: " + e.getMessage(), e);
      }
      MergedKeyValueIterator it = new MergedKeyValueIterator(this, copy, committed, forward);
      synchronized (openIterators) {
        openIterators.add(it);
      }
      return it;
    } finally {
      lock.readLock().unlock();
    }
  }

  void iteratorClosed(MergedKeyValueIterator it) {
    synchronized (openIterators) {
      openIterators.remove(it);
    }
  }

  /** Iterators handed out and not closed yet (for tests). */
  int openIteratorCount() {
    synchronized (openIterators) {
      return openIterators.size();
    }
  }

  /**
   * An estimate: the engine's estimate of its keys (which counts a key once per layer holding it)
   * plus the uncommitted writes, less the store's own metadata keys. Never negative.
   */
  @Override
  public long approximateNumEntries() {
    lock.readLock().lock();
    try {
      checkOpen();
      long estimate = engine.stats().estimatedKeyCount() + buffer.size() - metadataKeyCount();
      return Math.max(0, estimate);
    } finally {
      lock.readLock().unlock();
    }
  }

  private long metadataKeyCount() {
    return 1L
        + committedOffsets.size()
        + (committedPosition == null ? 0 : 1)
        + (stateKeyStored ? 1 : 0);
  }

  // ---------------------------------------------------------------- queries

  @Override
  public ReadOnlyKeyValueStore<Bytes, byte[]> readOnly(IsolationLevel isolationLevel) {
    return isolationLevel == IsolationLevel.READ_COMMITTED ? new CommittedView() : this;
  }

  @Override
  public Position getPosition() {
    return position;
  }

  /**
   * Interactive queries (IQv2): {@link KeyQuery} and {@link RangeQuery} over the store's bytes, at
   * the query's isolation level; any other query type is answered as unknown. A query whose
   * position bound is ahead of what this store has seen fails with {@code NOT_UP_TO_BOUND}.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
    long start = config.isCollectExecutionInfo() ? System.nanoTime() : 0;
    QueryResult<R> result;
    ensureRestored();
    // Lock order everywhere: the store lock, then the position monitor. Holding the read lock keeps
    // writers out, so the result and the position reported with it are of the same moment.
    lock.readLock().lock();
    try {
      synchronized (position) {
        Integer partition = context == null ? null : context.taskId().partition();
        if (!(query instanceof KeyQuery) && !(query instanceof RangeQuery)) {
          result = QueryResult.forUnknownQueryType(query, this);
        } else if (partition == null || !positionPermits(bound, partition)) {
          result = QueryResult.notUpToBound(position, bound, partition);
        } else {
          ReadOnlyKeyValueStore<Bytes, byte[]> view = readOnly(config.getIsolationLevel());
          try {
            if (query instanceof KeyQuery<?, ?> keyQuery) {
              result = (QueryResult<R>) QueryResult.forResult(view.get((Bytes) keyQuery.getKey()));
            } else {
              RangeQuery<Bytes, byte[]> range = (RangeQuery<Bytes, byte[]>) query;
              Bytes lower = range.getLowerBound().orElse(null);
              Bytes upper = range.getUpperBound().orElse(null);
              KeyValueIterator<Bytes, byte[]> it =
                  range.resultOrder() == ResultOrder.DESCENDING
                      ? view.reverseRange(lower, upper)
                      : view.range(lower, upper);
              result = (QueryResult<R>) QueryResult.forResult(it);
            }
          } catch (RuntimeException e) {
            result =
                QueryResult.forFailure(
                    FailureReason.STORE_EXCEPTION,
                    "kiwi store '" + name + "' failed " + query + ": " + e);
          }
        }
        if (config.isCollectExecutionInfo()) {
          result.addExecutionInfo(
              "Handled in " + getClass().getName() + " in " + (System.nanoTime() - start) + "ns");
        }
        result.setPosition(position.copy());
      }
    } finally {
      lock.readLock().unlock();
    }
    return result;
  }

  /** Whether this store has seen every offset the bound asks for, on its own partition. */
  private boolean positionPermits(PositionBound bound, int partition) {
    Position wanted = bound.position();
    for (String topic : wanted.getTopics()) {
      Long need = wanted.getPartitionPositions(topic).get(partition);
      if (need != null) {
        Long seen = position.getPartitionPositions(topic).get(partition);
        if (seen == null || seen < need) {
          return false;
        }
      }
    }
    return true;
  }

  /** The committed state only: what {@code READ_COMMITTED} queries see. */
  private final class CommittedView implements ReadOnlyKeyValueStore<Bytes, byte[]> {
    @Override
    public byte[] get(Bytes key) {
      return KiwiKeyValueStore.this.get(key, false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
      return KiwiKeyValueStore.this.range(from, to, true, false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
      return KiwiKeyValueStore.this.range(from, to, false, false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
      return KiwiKeyValueStore.this.range(null, null, true, false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
      return KiwiKeyValueStore.this.range(null, null, false, false);
    }

    @Override
    public long approximateNumEntries() {
      return KiwiKeyValueStore.this.approximateNumEntries();
    }
  }

  // ---------------------------------------------------------------- helpers

  StorageEngine engineForTests() {
    return engine;
  }

  Path directory() {
    return dir;
  }

  String closedSuffix() {
    return closedReason;
  }

  private void checkOpen() {
    if (!open) {
      throw new InvalidStateStoreException("kiwi store '" + name + "' is not open" + closedReason);
    }
  }

  private KeyValueIterator<Bytes, byte[]> emptyIterator() {
    return new KeyValueIterator<>() {
      @Override
      public boolean hasNext() {
        return false;
      }

      @Override
      public KeyValue<Bytes, byte[]> next() {
        throw new java.util.NoSuchElementException();
      }

      @Override
      public Bytes peekNextKey() {
        throw new java.util.NoSuchElementException();
      }

      @Override
      public void close() {}
    };
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
