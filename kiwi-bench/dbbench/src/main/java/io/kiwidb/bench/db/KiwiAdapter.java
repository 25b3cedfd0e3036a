package io.kiwidb.bench.db;

import io.kiwidb.api.EngineCounters;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteBatch;
import java.nio.file.Path;
import java.util.Map;

/**
 * kiwi-db through its public API only: {@link KiwiDb#open(Path, Path)} with a config file the
 * runner wrote, so the engine is found through ServiceLoader as an application would find it.
 *
 * <p>Thread safety: as {@link StorageEngine}.
 */
final class KiwiAdapter implements DbAdapter {
  /** Polling period while waiting for background work to settle. */
  private static final long POLL_MILLIS = 50;

  private final StorageEngine db;
  private final Path dir;
  private final long quietMillis;

  private KiwiAdapter(StorageEngine db, Path dir, long quietMillis) {
    this.db = db;
    this.dir = dir;
    this.quietMillis = quietMillis;
  }

  /** Opens (or creates) a store in {@code dir} with the config at {@code configFile}. */
  static KiwiAdapter open(Path dir, Path configFile) {
    StorageEngine db = KiwiDb.open(dir, configFile);
    // Compaction is checked every compaction_check_interval seconds (and after each flush), so
    // two quiet periods in a row mean no compaction was pending.
    double interval = toDouble(db.config().get("compaction_check_interval"), 0.5);
    long quiet = Math.max(300, (long) (2.5 * interval * 1000));
    return new KiwiAdapter(db, dir, quiet);
  }

  /** The live configuration of an open store: every key with its effective value. */
  Map<String, Object> config() {
    return db.config();
  }

  @Override
  public void put(byte[] key, byte[] value) {
    db.put(key, value);
  }

  @Override
  public byte[] get(byte[] key) {
    return db.get(key).orElse(null);
  }

  @Override
  public void delete(byte[] key) {
    db.delete(key);
  }

  @Override
  public void writeBatch(byte[][] keys, byte[][] values, int count) {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < count; i++) {
      if (values[i] == null) {
        batch.delete(keys[i]);
      } else {
        batch.put(keys[i], values[i]);
      }
    }
    db.write(batch);
  }

  @Override
  public Cursor cursor() {
    return new KiwiCursor(db.iterator(ScanOptions.all()));
  }

  @Override
  public void flushAndSettle() {
    db.flush();
    // No "compaction pending" signal in the public API: wait until the flush queue is empty and
    // the flush and compaction counters have not moved for a quiet period.
    long deadline = System.nanoTime() + 120_000_000_000L;
    EngineStats last = db.stats();
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      sleep(POLL_MILLIS);
      EngineStats now = db.stats();
      if (now.immutableQueueLen() > 0 || moved(last.counters(), now.counters())) {
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince >= quietMillis * 1_000_000L) {
        return;
      }
      last = now;
    }
  }

  private static boolean moved(EngineCounters a, EngineCounters b) {
    return a.flushes() != b.flushes()
        || a.compactions() != b.compactions()
        || a.bytesFlushed() != b.bytesFlushed()
        || a.bytesCompacted() != b.bytesCompacted();
  }

  @Override
  public long diskBytes() {
    return DiskUsage.bytesUnder(dir);
  }

  @Override
  public BackgroundWrites backgroundWrites() {
    EngineCounters c = db.stats().counters();
    return new BackgroundWrites(c.bytesFlushed(), c.bytesCompacted(), c.walBytesWritten());
  }

  @Override
  public long fileCount() {
    return DiskUsage.filesUnder(dir);
  }

  @Override
  public void close() {
    db.close();
  }

  private static double toDouble(Object value, double fallback) {
    return value instanceof Number n ? n.doubleValue() : fallback;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for background work", e);
    }
  }

  /** Adapts {@link KiwiIterator}; its {@code key()} and {@code value()} return fresh copies. */
  private static final class KiwiCursor implements Cursor {
    private final KiwiIterator it;

    KiwiCursor(KiwiIterator it) {
      this.it = it;
    }

    @Override
    public void seekToFirst() {
      it.seekToFirst();
    }

    @Override
    public void seekToLast() {
      it.seekToLast();
    }

    @Override
    public void seek(byte[] target) {
      it.seek(target);
    }

    @Override
    public void next() {
      it.next();
    }

    @Override
    public void prev() {
      it.prev();
    }

    @Override
    public boolean isValid() {
      return it.isValid();
    }

    @Override
    public byte[] key() {
      return it.key();
    }

    @Override
    public byte[] value() {
      return it.value();
    }

    @Override
    public void close() {
      it.close();
    }
  }
}
