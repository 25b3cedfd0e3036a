package io.kiwidb.memtable;

import java.time.Duration;
import java.util.Objects;

/**
 * The thresholds of a {@link MemTableSet}, named after the config keys they come from. The
 * constructor validates every field and names the config key and the bad value on failure.
 *
 * @param maxMemtableSizeBytes freeze the active memtable once its {@code sizeBytes()} reaches this
 *     ({@code max_memtable_size_mb} times 2^20); at least 1
 * @param maxMemtableEntries ... or once it holds this many entries ({@code max_memtable_entries});
 *     at least 1
 * @param immutableQueueMaxLen how many frozen memtables may await flush before writers wait ({@code
 *     immutable_queue_max_len}); at least 1
 * @param backpressureTimeout how long a writer waits for the flush pipeline before failing with
 *     {@link io.kiwidb.api.WriteStallException} ({@code backpressure_timeout}); zero or more, zero
 *     failing at once
 */
public record MemTableOptions(
    long maxMemtableSizeBytes,
    long maxMemtableEntries,
    int immutableQueueMaxLen,
    Duration backpressureTimeout) {

  /** Bytes in one unit of {@code max_memtable_size_mb}. */
  public static final long MIB = 1L << 20;

  /** Validates every field. */
  public MemTableOptions {
    if (maxMemtableSizeBytes < 1) {
      throw new IllegalArgumentException(
          "max_memtable_size_mb must be positive, got " + maxMemtableSizeBytes + " bytes");
    }
    if (maxMemtableEntries < 1) {
      throw new IllegalArgumentException(
          "max_memtable_entries must be at least 1, got " + maxMemtableEntries);
    }
    if (immutableQueueMaxLen < 1) {
      throw new IllegalArgumentException(
          "immutable_queue_max_len must be at least 1, got " + immutableQueueMaxLen);
    }
    Objects.requireNonNull(backpressureTimeout, "backpressure_timeout");
    if (backpressureTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "backpressure_timeout must not be negative, got " + backpressureTimeout);
    }
  }

  /** The reference system's defaults: 64 MiB, 10 entries, 4 queued memtables, 60 s. */
  public static MemTableOptions defaults() {
    return new MemTableOptions(64 * MIB, 10, 4, Duration.ofSeconds(60));
  }

  /** A copy with {@code max_memtable_size_mb} given in MiB. */
  public MemTableOptions withMaxMemtableSizeMb(long mb) {
    if (mb < 1 || mb > Long.MAX_VALUE / MIB) {
      throw new IllegalArgumentException("max_memtable_size_mb must be positive, got " + mb);
    }
    return withMaxMemtableSizeBytes(mb * MIB);
  }

  /** A copy with another size threshold in bytes. */
  public MemTableOptions withMaxMemtableSizeBytes(long bytes) {
    return new MemTableOptions(
        bytes, maxMemtableEntries, immutableQueueMaxLen, backpressureTimeout);
  }

  /** A copy with another entry threshold. */
  public MemTableOptions withMaxMemtableEntries(long entries) {
    return new MemTableOptions(
        maxMemtableSizeBytes, entries, immutableQueueMaxLen, backpressureTimeout);
  }

  /** A copy with another queue limit. */
  public MemTableOptions withImmutableQueueMaxLen(int maxLen) {
    return new MemTableOptions(
        maxMemtableSizeBytes, maxMemtableEntries, maxLen, backpressureTimeout);
  }

  /** A copy with another back-pressure timeout. */
  public MemTableOptions withBackpressureTimeout(Duration timeout) {
    return new MemTableOptions(
        maxMemtableSizeBytes, maxMemtableEntries, immutableQueueMaxLen, timeout);
  }
}
