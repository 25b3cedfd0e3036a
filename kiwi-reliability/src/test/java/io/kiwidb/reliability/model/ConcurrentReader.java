package io.kiwidb.reliability.model;

import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.spi.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A second thread that reads while the model run writes, and checks what it reads against the
 * model's <em>history</em>: every write is recorded with the sequence number the engine gives it
 * (one per operation, a batch's in order), so the state at any sequence can be rebuilt.
 *
 * <ul>
 *   <li>A snapshot at {@code s} (a full or prefix scan, or gets) must equal the state at {@code s}
 *       exactly.
 *   <li>A latest-state {@code get} or scan must equal the state at some sequence between the last
 *       acknowledged write before it started and the last issued write after it ended: a read never
 *       goes back past an acknowledged write, never sees a write not yet issued, and (for a scan)
 *       sees one state, so never half a batch.
 * </ul>
 *
 * <p>The writer records a write in the history before handing it to the engine (the engine may make
 * it visible before the call returns), bumps {@code issued} before and {@code acked} after. Engine
 * swaps (reopen, crash) take the write side of {@link #pause}; each read holds the read side.
 *
 * <p>Thread safety: the history is guarded by its own monitor; counters are atomic.
 */
final class ConcurrentReader implements Runnable {
  private static final byte[] TOMBSTONE = new byte[0];

  private final TreeMap<byte[], TreeMap<Long, byte[]>> history =
      new TreeMap<>(Arrays::compareUnsigned);
  private final java.util.TreeSet<Long> boundaries = new java.util.TreeSet<>();
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final AtomicLong reads = new AtomicLong();
  private final ReadWriteLock pause = new ReentrantReadWriteLock();
  private final Supplier<StorageEngine> engine;
  private final Random random;
  private volatile boolean stopped;

  ConcurrentReader(Supplier<StorageEngine> engine, long seed) {
    this.engine = engine;
    this.random = new Random(seed);
  }

  /** The writer's side: records {@code value} ({@code null} for a delete) at {@code seq}. */
  void record(long seq, byte[] key, byte[] value) {
    synchronized (history) {
      history
          .computeIfAbsent(key, k -> new TreeMap<>())
          .put(seq, value == null ? TOMBSTONE : value);
    }
  }

  /** The writer is about to write up to {@code seq} (the last sequence of its batch). */
  void issuing(long seq) {
    synchronized (history) {
      boundaries.add(seq);
    }
    issued.set(seq);
  }

  /** The writer's write up to {@code seq} returned. */
  void acknowledged(long seq) {
    acked.set(seq);
  }

  /** Sets the sequences after an open (nothing is in flight then). */
  void opened(long seq) {
    synchronized (history) {
      boundaries.add(seq);
    }
    issued.set(seq);
    acked.set(seq);
  }

  ReadWriteLock pause() {
    return pause;
  }

  /** The first inconsistency seen, if any. */
  String failure() {
    String f = failure.get();
    return f == null ? null : "concurrent reader: " + f;
  }

  long reads() {
    return reads.get();
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    while (!stopped && failure.get() == null) {
      pause.readLock().lock();
      try {
        readOnce();
        reads.incrementAndGet();
      } catch (RuntimeException | AssertionError e) {
        failure.compareAndSet(null, "failed: " + e);
      } finally {
        pause.readLock().unlock();
      }
      try {
        Thread.sleep(0, 200_000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void readOnce() {
    StorageEngine db = engine.get();
    byte[] prefix = randomPrefix();
    switch (random.nextInt(4)) {
      case 0 -> {
        try (Snapshot snap = db.snapshot()) {
          long s = snap.sequence();
          List<byte[][]> got = scan(db, ScanOptions.prefix(prefix).withSnapshot(snap));
          if (!matches(got, s, prefix)) {
            failure.compareAndSet(
                null,
                "snapshot scan at " + s + " of prefix " + Bytes.hex(prefix) + " read " + show(got));
          }
        }
      }
      case 1 -> {
        long lo = acked.get();
        List<byte[][]> got = scan(db, ScanOptions.prefix(prefix));
        long hi = issued.get();
        boolean ok = false;
        for (long s : readPoints(lo, hi)) {
          ok = ok || matches(got, s, prefix);
        }
        if (!ok) {
          failure.compareAndSet(
              null,
              "latest scan of prefix "
                  + Bytes.hex(prefix)
                  + " matches no state in ["
                  + lo
                  + ", "
                  + hi
                  + "]: "
                  + show(got));
        }
      }
      default -> {
        byte[] key = randomKey();
        if (key == null) {
          return;
        }
        long lo = acked.get();
        Optional<byte[]> got = db.get(key);
        long hi = issued.get();
        boolean ok = false;
        for (long s : readPoints(lo, hi)) {
          ok = ok || Arrays.equals(valueAt(key, s), got.orElse(null));
        }
        if (!ok) {
          failure.compareAndSet(
              null,
              "get "
                  + Bytes.hex(key)
                  + " read "
                  + ModelRunner.describe(got.orElse(null))
                  + ", but in ["
                  + lo
                  + ", "
                  + hi
                  + "] it was "
                  + ModelRunner.describe(valueAt(key, lo))
                  + " at "
                  + lo);
        }
      }
    }
  }

  /**
   * The sequences a latest read in {@code [lo, hi]} may have read at: batch ends only, since a
   * batch becomes visible all at once.
   */
  private List<Long> readPoints(long lo, long hi) {
    synchronized (history) {
      return new ArrayList<>(boundaries.subSet(lo, true, hi, true));
    }
  }

  private static List<byte[][]> scan(StorageEngine db, ScanOptions options) {
    List<byte[][]> out = new ArrayList<>();
    try (KiwiIterator it = db.iterator(options)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(new byte[][] {it.key(), it.value()});
      }
    }
    return out;
  }

  /** Whether {@code got} is exactly the live keys with {@code prefix} at sequence {@code s}. */
  private boolean matches(List<byte[][]> got, long s, byte[] prefix) {
    List<byte[][]> want = new ArrayList<>();
    synchronized (history) {
      for (Map.Entry<byte[], TreeMap<Long, byte[]>> e : history.tailMap(prefix, true).entrySet()) {
        byte[] k = e.getKey();
        if (k.length < prefix.length
            || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        Map.Entry<Long, byte[]> v = e.getValue().floorEntry(s);
        if (v != null && v.getValue() != TOMBSTONE) {
          want.add(new byte[][] {k, v.getValue()});
        }
      }
    }
    if (want.size() != got.size()) {
      return false;
    }
    for (int i = 0; i < want.size(); i++) {
      if (!Arrays.equals(want.get(i)[0], got.get(i)[0])
          || !Arrays.equals(want.get(i)[1], got.get(i)[1])) {
        return false;
      }
    }
    return true;
  }

  private byte[] valueAt(byte[] key, long s) {
    synchronized (history) {
      TreeMap<Long, byte[]> versions = history.get(key);
      Map.Entry<Long, byte[]> v = versions == null ? null : versions.floorEntry(s);
      return v == null || v.getValue() == TOMBSTONE ? null : v.getValue();
    }
  }

  private byte[] randomKey() {
    synchronized (history) {
      if (history.isEmpty()) {
        return null;
      }
      byte[] probe = {(byte) random.nextInt(256), (byte) random.nextInt(256)};
      byte[] k = history.ceilingKey(probe);
      return k == null ? history.firstKey() : k;
    }
  }

  private byte[] randomPrefix() {
    byte[][] prefixes = {{0x00}, {0x61}, {0x62}, {0x6b, (byte) random.nextInt(256)}, {(byte) 0xff}};
    return prefixes[random.nextInt(prefixes.length)];
  }

  private static String show(List<byte[][]> entries) {
    StringBuilder sb = new StringBuilder("[");
    for (byte[][] e : entries) {
      sb.append(Bytes.hex(e[0])).append('=').append(ModelRunner.describe(e[1])).append(' ');
    }
    return sb.append(']').toString();
  }
}
