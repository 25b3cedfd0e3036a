package io.kiwidb.engine;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.memtable.BulkLoader;
import io.kiwidb.memtable.MemTableOptions;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableCodecs;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableStoreOptions;
import io.kiwidb.wal.RecoveryMode;
import io.kiwidb.wal.WalReplay;
import io.kiwidb.wal.WriteAheadLog;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage half of the open sequence, after the reference engine's: memtables, then the tables
 * (the manifest), then recovery (the WAL replayed into memtables, skipping what tables already
 * hold; the sequence resumes after the larger of the two), then the WAL opened for writing. A
 * failure at any step closes what this step sequence opened and rethrows.
 *
 * <p>Thread safety: used once, by the opening thread.
 */
final class StorageOpener {
  private static final Logger log = LoggerFactory.getLogger(StorageOpener.class);

  private final FileSystem fs;
  private final DataDirectory dir;
  private final EngineConfig config;
  private final MemTableFactory memTableFactory;
  private final FilterPolicy filter;
  private final Compressor compressor;
  private final TableCodecs codecs;
  private final StorageFactories factories;
  private final WriteAccess access;

  @Inject
  StorageOpener(
      FileSystem fs,
      WriteAccess access,
      DataDirectory dir,
      EngineConfig config,
      MemTableFactory memTableFactory,
      FilterPolicy filter,
      Compressor compressor,
      TableCodecs codecs,
      StorageFactories factories) {
    this.fs = fs;
    this.access = access;
    this.dir = dir;
    this.config = config;
    this.memTableFactory = memTableFactory;
    this.filter = filter;
    this.compressor = compressor;
    this.codecs = codecs;
    this.factories = factories;
  }

  Storage open() {
    MemTableSet memTables = factories.memTables(memTableFactory, memTableOptions(config));
    log.atInfo()
        .setMessage("MemTableManager created")
        .addKeyValue("table_id", memTables.activeSummary().tableId())
        .log();
    TableStoreOptions tableStoreOptions =
        new TableStoreOptions(
            config.maxLevels() + 1,
            config.cacheDataEntryLimit(),
            config.cacheIndexEntryLimit(),
            config.cacheBloomEntryLimit(),
            tableOptions(config, filter, compressor),
            codecs);
    // Read-only: the manifest is replayed, nothing is written (no new manifest, no orphan sweep).
    TableStore tables =
        access.isReadOnly()
            ? factories.tablesReadOnly(fs, dir.root(), tableStoreOptions)
            : factories.tables(fs, dir.root(), tableStoreOptions);
    try {
      log.atInfo()
          .setMessage("SSTables loaded")
          .addKeyValue("l0_sstables", tables.l0Count())
          .addKeyValue("tables_last_seq", tables.lastSequence())
          .log();
      return recover(memTables, tables);
    } catch (RuntimeException | Error e) {
      try {
        tables.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Replays the WAL into memtables and opens it for writing. Records at or below the tables' last
   * sequence are already in tables (their segments were not yet deleted when the engine stopped)
   * and are skipped. Memtables that fill up are frozen as during normal writes, even past {@code
   * immutable_queue_max_len}: the flush pipeline drains them once it starts.
   */
  private Storage recover(MemTableSet memTables, TableStore tables) {
    long inTables = tables.lastSequence();
    Path walDir = dir.walDir();
    // Entries are buffered, sorted and bulk-loaded (inserting them one by one spent ~90% of replay
    // in the skip list's search); memtables freeze at the same batch boundary as the write path's.
    BulkLoader loader = memTables.bulkLoader();
    WalReplay.Result replay =
        factories.replay(
            fs,
            walDir,
            recoveryMode(config),
            inTables,
            (firstSeq, batch) -> {
              long seq = firstSeq;
              for (WriteBatch.Operation op : batch.operations()) {
                if (seq > inTables) {
                  loader.add(
                      op.key(), seq, op.isDelete() ? EntryKind.DELETE : EntryKind.PUT, op.value());
                }
                seq++;
              }
              loader.endBatch();
            });
    loader.finish();
    checkWalFollowsTables(tables, replay, inTables);
    checkOrphansCovered(tables, replay, inTables);
    long lastSequence = Math.max(inTables, replay.lastSequence());
    // Read-only: the replayed records stay in memory only; the log is neither repaired nor written.
    WriteAheadLog wal =
        access.isReadOnly()
            ? new ReadOnlyWal(walDir, dir.root(), replay, lastSequence)
            : factories.wal(fs, walDir, replay, lastSequence);
    log.atInfo()
        .setMessage("WAL opened")
        .addKeyValue("path", walDir)
        .addKeyValue("replayed_records", replay.records())
        .addKeyValue("replayed_entries", replay.entries())
        .addKeyValue("bulk_loaded_entries", loader.loadedEntries())
        .addKeyValue("memtables_built", loader.loads())
        .addKeyValue("tables_last_seq", inTables)
        .addKeyValue("seq", lastSequence)
        .log();
    return new Storage(memTables, tables, wal, lastSequence);
  }

  /**
   * The log deletes a segment only after an edit saying the tables hold all of it is durable in the
   * manifest, so the oldest live record follows the tables' last sequence without a gap. A gap
   * means the manifest lost acknowledged edits (cut short, which its own framing cannot tell from a
   * crash during an append) or the oldest segment is gone. Either way the store would open without
   * acknowledged writes, or with some of the writes after them: a state that never existed. Found
   * by the table/manifest sweep in kiwi-reliability (a manifest cut after a flush edit). Fails in
   * both recovery modes, before the log is repaired.
   */
  private static void checkWalFollowsTables(
      TableStore tables, WalReplay.Result replay, long inTables) {
    if (replay.segments().isEmpty()) {
      return;
    }
    WalReplay.Segment oldest = replay.segments().get(0);
    if (oldest.records() > 0 && oldest.firstSequence() > inTables + 1) {
      throw new CorruptionException(
          tables.manifestName(),
          CorruptionException.UNKNOWN_OFFSET,
          "the tables hold sequence numbers through "
              + inTables
              + ", but the oldest WAL record ("
              + oldest.file()
              + ") starts at "
              + oldest.firstSequence()
              + ": the manifest lost edits (it was cut short) or an older WAL segment is missing;"
              + " refusing to open without the writes in between");
    }
  }

  /**
   * A table that no version lists but that holds sequence numbers above the manifest's last is a
   * flush whose edit was not yet durable (its writes are then in the WAL) or a table whose edit the
   * manifest lost. If the WAL does not reach its largest sequence number, the manifest lost
   * acknowledged data: fail, keeping the table. Otherwise it is a leftover and is deleted. Found by
   * the table/manifest sweep in kiwi-reliability (a manifest cut after its last flush edit, with
   * nothing in the WAL after the flush, opened empty and deleted the table as an orphan).
   */
  private static void checkOrphansCovered(
      TableStore tables, WalReplay.Result replay, long inTables) {
    Map<Long, Long> orphans = tables.orphansAboveLastSequence();
    if (orphans.isEmpty()) {
      return;
    }
    long covered = Math.max(inTables, replay.lastSequence());
    for (Map.Entry<Long, Long> e : orphans.entrySet()) {
      if (e.getValue() > covered) {
        throw new CorruptionException(
            tables.manifestName(),
            CorruptionException.UNKNOWN_OFFSET,
            "table "
                + tables.tablePath(e.getKey())
                + " is in no version but holds sequence numbers up to "
                + e.getValue()
                + ", beyond the manifest ("
                + inTables
                + ") and the WAL ("
                + replay.lastSequence()
                + "): the manifest lost the edit that added it; the table was kept");
      }
    }
    tables.deleteOrphanTables();
  }

  static MemTableOptions memTableOptions(EngineConfig c) {
    return new MemTableOptions(
        c.maxMemtableSizeBytes(),
        c.maxMemtableEntries() <= 0 ? Long.MAX_VALUE : c.maxMemtableEntries(),
        c.immutableQueueMaxLen(),
        c.backpressureTimeout());
  }

  static TableOptions tableOptions(EngineConfig c, FilterPolicy filter, Compressor compressor) {
    return TableOptions.defaults()
        .withBlockSize(c.blockSize())
        .withCompressor(compressor)
        .withFilter("none".equals(filter.name()) ? null : filter, c.filterFalsePositiveRate());
  }

  static RecoveryMode recoveryMode(EngineConfig c) {
    return RecoveryMode.fromConfig(c.walRecoveryMode().name().toLowerCase(Locale.ROOT));
  }
}
