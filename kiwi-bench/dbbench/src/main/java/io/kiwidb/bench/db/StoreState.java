package io.kiwidb.bench.db;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the runner knows about one open store beyond the store itself: its live keys (for space
 * amplification) and the YCSB inserts made into it (new keys after the key space, numbered from
 * {@code num}).
 *
 * <p>Thread safety: the insert counters are atomic and shared by the worker threads; the ledger is
 * updated by the runner's thread only, after the workers have ended.
 */
final class StoreState {
  private final KeyLedger ledger = new KeyLedger();
  private final AtomicLong insertsClaimed = new AtomicLong();
  private final AtomicLong insertsDone = new AtomicLong();

  KeyLedger ledger() {
    return ledger;
  }

  /** Claims the next insert; returns its number (0 for the first insert into this store). */
  long claimInsert() {
    return insertsClaimed.getAndIncrement();
  }

  /** Marks one insert as acknowledged by the store. */
  void insertDone() {
    insertsDone.incrementAndGet();
  }

  /** Inserts claimed so far (every claimed insert is carried out). */
  long insertsClaimed() {
    return insertsClaimed.get();
  }

  /**
   * Inserts acknowledged so far. With several threads an insert with a lower number may still be in
   * flight while a higher one is done, so a "latest" read may, rarely, ask for a key that is about
   * to exist.
   */
  long insertsDone() {
    return insertsDone.get();
  }
}
