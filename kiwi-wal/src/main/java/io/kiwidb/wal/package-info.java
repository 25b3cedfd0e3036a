/**
 * The write-ahead log: {@link io.kiwidb.wal.WriteAheadLog} (segments, group commit, error state),
 * {@link io.kiwidb.wal.WalReplay} (recovery in {@code strict} or {@code point_in_time} mode) and
 * {@link io.kiwidb.wal.WalBatch} (one record = one write batch). The byte layout, checksum scope, a
 * worked example and exactly what each {@link io.kiwidb.wal.SyncMode} promises are in {@code
 * docs/format/wal.md}.
 */
package io.kiwidb.wal;
