package io.kiwidb.bench.db;

import io.kiwidb.bench.db.Workload.YcsbMix;
import java.util.SplittableRandom;

/**
 * One thread's YCSB operations on one store: each {@link #next} draws an operation from the mix, a
 * key (scattered zipfian, or "latest" for YCSB D), a value and a scan length, and carries it out.
 * The draws come from the thread's own seeded random in a fixed order, so that {@link #replay} with
 * the same seed repeats the same keys into a {@link KeyLedger} without touching the store.
 *
 * <p>Inserts take new keys after the key space, numbered by the store's {@link StoreState}; a
 * replay does not take keys (the runner marks every claimed insert at once).
 *
 * <p>Thread safety: confined to one thread; the store and the {@link StoreState} are shared.
 */
final class YcsbClient {
  private final DbAdapter db;
  private final KeySpace keys;
  private final Zipfian.Scatter scatter;
  private final StoreState state;
  private final YcsbMix mix;
  private final Zipfian zipf;
  private final SplittableRandom random;
  private final byte[] key;
  private final byte[] value;
  long bytes;
  long found;
  long userBytes;

  YcsbClient(
      DbAdapter db,
      KeySpace keys,
      Zipfian.Scatter scatter,
      StoreState state,
      YcsbMix mix,
      double theta,
      SplittableRandom random) {
    this.db = db;
    this.keys = keys;
    this.scatter = scatter;
    this.state = state;
    this.mix = mix;
    this.zipf = new Zipfian(keys.num(), theta);
    this.random = random;
    this.key = keys.newKey();
    this.value = keys.newValue();
  }

  /** Draws and carries out one operation. */
  void next() {
    step(null);
  }

  /** Draws one operation and records the keys it would write into {@code ledger}. */
  void replay(KeyLedger ledger) {
    step(ledger);
  }

  private void step(KeyLedger ledger) {
    boolean replay = ledger != null;
    switch (mix.pick(random.nextDouble())) {
      case READ -> {
        long idx = choose();
        if (!replay) {
          read(idx);
        }
      }
      case UPDATE -> {
        long idx = choose();
        int off = keys.valueOffset(random);
        if (replay) {
          ledger.put(idx);
        } else {
          write(idx, off);
        }
      }
      case INSERT -> {
        int off = keys.valueOffset(random);
        if (!replay) {
          write(keys.num() + state.claimInsert(), off);
          state.insertDone();
        }
      }
      case SCAN -> {
        long idx = scatter.key(zipf.next(random));
        int length = 1 + random.nextInt(YcsbMix.MAX_SCAN);
        if (!replay) {
          scan(idx, length);
        }
      }
      case READ_MODIFY_WRITE -> {
        long idx = choose();
        int off = keys.valueOffset(random);
        if (replay) {
          ledger.put(idx);
        } else {
          read(idx);
          write(idx, off);
        }
      }
    }
  }

  /**
   * A key index: scattered zipfian over the key space, or YCSB D's latest-first: a zipfian rank
   * counted back from the newest record, where the records are the key space in {@code ycsb-load}'s
   * order (key {@code scatter.key(i)} was the {@code i}-th written), then the inserts.
   */
  private long choose() {
    if (mix.latest()) {
      long count = keys.num() + state.insertsDone();
      long position = count - 1 - zipf.next(random, count);
      return position >= keys.num() ? position : scatter.key(position);
    }
    return scatter.key(zipf.next(random));
  }

  private void read(long idx) {
    keys.presentKey(idx, key);
    byte[] v = db.get(key);
    if (v != null) {
      found++;
      bytes += key.length + v.length;
    }
  }

  private void write(long idx, int valueOffset) {
    keys.presentKey(idx, key);
    keys.fillValueAt(valueOffset, value);
    db.put(key, value);
    bytes += keys.entryBytes();
    userBytes += keys.entryBytes();
  }

  private void scan(long idx, int length) {
    keys.presentKey(idx, key);
    // A cursor per scan, as YCSB's RocksDB binding does: a long-lived one would pin old tables.
    try (DbAdapter.Cursor c = db.cursor()) {
      c.seek(key);
      int read = 0;
      while (c.isValid()) {
        bytes += c.key().length + c.value().length;
        if (++read >= length) {
          break;
        }
        c.next();
      }
      if (read > 0) {
        found++;
      }
    }
  }
}
