package io.kiwidb.engine;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.engine.internal.SpiCatalog;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.memtable.MemTableOptions;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.memtable.ReplayBuffer;
import io.kiwidb.sstable.BlockCache;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.store.TableStore;
import io.kiwidb.wal.RecoveryMode;
import io.kiwidb.wal.SyncMode;
import io.kiwidb.wal.WalOptions;
import io.kiwidb.wal.WalReplay;
import io.kiwidb.wal.WriteAheadLog;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open sequence, after the reference engine's: the environment (lock, config, logging and the
 * components named in config, see {@link EngineEnvironment}), memtables, block cache and tables
 * (the manifest), recovery (the WAL replayed into memtables, skipping what tables already hold; the
 * sequence resumes after the larger of the two), then the flush pipeline, compaction, and the
 * startup compaction check. A failure at any step closes what was opened and rethrows.
 */
final class EngineOpener {
  private static final Logger log = LoggerFactory.getLogger(EngineOpener.class);

  private EngineOpener() {}

  static EngineCore open(FileSystem fs, Path dataRoot, Path configPath) {
    EngineParts parts = new EngineParts();
    parts.fs = fs;
    parts.dataRoot = dataRoot;
    parts.env = EngineEnvironment.open(fs, dataRoot, configPath, SpiCatalog.installed());
    try {
      return parts.env.logging().call(() -> openCore(parts));
    } catch (RuntimeException | Error e) {
      parts.closeAll(() -> log.atError().setMessage("Startup failed").setCause(e).log());
      throw e;
    }
  }

  private static EngineCore openCore(EngineParts parts) {
    FileSystem fs = parts.fs;
    EngineConfig config = parts.config().effective();
    var injector = parts.env.injector();
    EngineLogging logging = parts.logging();

    // Memtables. A freeze wakes the flush pipeline once the core exists (not during replay).
    EngineCore[] core = new EngineCore[1];
    Consumer<io.kiwidb.memtable.FrozenMemTable> onFreeze =
        frozen -> {
          if (core[0] != null) {
            core[0].onFreeze(frozen);
          }
        };
    parts.memTables =
        new MemTableSet(
            injector.getInstance(MemTableFactory.class), memTableOptions(config), onFreeze);
    log.atInfo()
        .setMessage("MemTableManager created")
        .addKeyValue("table_id", parts.memTables.activeSummary().tableId())
        .log();

    // Block cache and tables.
    BlockCache cache =
        new BlockCache(
            config.cacheDataEntryLimit(),
            config.cacheIndexEntryLimit(),
            config.cacheBloomEntryLimit());
    parts.tables = TableStore.open(fs, parts.dataRoot, config.maxLevels() + 1, cache);
    log.atInfo()
        .setMessage("SSTables loaded")
        .addKeyValue("l0_sstables", parts.tables.l0Count())
        .addKeyValue("tables_last_seq", parts.tables.versions().lastSequence())
        .log();
    parts.tableOptions =
        tableOptions(
            config,
            injector.getInstance(FilterPolicy.class),
            injector.getInstance(Compressor.class));
    parts.compactionStrategy = injector.getInstance(CompactionStrategy.class);

    // Recovery.
    long lastSequence = recover(parts, config);
    core[0] = new EngineCore(parts, lastSequence);
    parts.core = core[0];

    // Flush pipeline, compaction, stalls, live config.
    parts.writeStall =
        new WriteStall(
            parts.tables::l0Count,
            config.l0SlowdownWritesThreshold(),
            config.l0StopWritesThreshold());
    parts.asyncExecutor =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), daemon(logging, "async"));
    parts.flushPipeline = new FlushPipeline(core[0]);
    parts.compactions = new CompactionScheduler(core[0]);
    parts.config().addListener(new LiveConfig(core[0]));
    parts.flushPipeline.start(config.flushMaxWorkers(), daemon(logging, "flush"));
    parts.compactions.start(config.compactionMaxWorkers(), daemon(logging, "compaction"));

    // Startup compaction check (L0 may already be at its threshold), and flushes of memtables
    // that recovery filled.
    parts.compactions.wake();
    parts.flushPipeline.wake();

    log.atInfo()
        .setMessage("Startup complete")
        .addKeyValue("data_root", parts.dataRoot)
        .addKeyValue("live_keys", parts.memTables.activeSummary().entryCount())
        .addKeyValue("seq", lastSequence)
        .addKeyValue("l0_sstables", parts.tables.l0Count())
        .addKeyValue("log_port", logging.logPort())
        .log();
    return core[0];
  }

  /**
   * Replays the WAL into memtables and opens it for writing. Records at or below the tables' last
   * sequence are already in tables (their segments were not yet deleted when the engine stopped)
   * and are skipped. Memtables that fill up are frozen as during normal writes, even past {@code
   * immutable_queue_max_len}: the flush pipeline drains them once it starts.
   *
   * @return the last sequence number in use
   */
  private static long recover(EngineParts parts, EngineConfig config) {
    long inTables = parts.tables.versions().lastSequence();
    MemTableSet mems = parts.memTables;
    Path walDir = parts.env.directory().walDir();
    // Entries go through a ReplayBuffer, which sorts each memtable's worth and bulk-loads it
    // (inserting them one by one spent ~90% of replay in the skip list's search); it freezes at
    // the same batch boundary as the write path would. No reader or writer exists yet, so the
    // write lock is held throughout.
    ReplayBuffer buffer = new ReplayBuffer(mems);
    WalReplay.Result replay;
    mems.writeLock().lock();
    try {
      replay =
          WalReplay.replay(
              parts.fs,
              walDir,
              recoveryMode(config),
              inTables,
              (firstSeq, batch) -> {
                long seq = firstSeq;
                for (WriteBatch.Operation op : batch.operations()) {
                  if (seq > inTables) {
                    buffer.add(
                        op.key(),
                        seq,
                        op.isDelete() ? EntryKind.DELETE : EntryKind.PUT,
                        op.value());
                  }
                  seq++;
                }
                buffer.endBatch();
              });
      buffer.finish();
    } finally {
      mems.writeLock().unlock();
    }
    checkWalFollowsTables(parts, replay, inTables);
    checkOrphansCovered(parts, replay, inTables);
    long lastSequence = Math.max(inTables, replay.lastSequence());
    parts.wal =
        WriteAheadLog.open(
            parts.fs,
            walDir,
            walOptions(config),
            replay,
            lastSequence,
            (firstSeq, batch) -> parts.core.applyCommitted(firstSeq, batch));
    log.atInfo()
        .setMessage("WAL opened")
        .addKeyValue("path", walDir)
        .addKeyValue("replayed_records", replay.records())
        .addKeyValue("replayed_entries", replay.entries())
        .addKeyValue("bulk_loaded_entries", buffer.loadedEntries())
        .addKeyValue("memtables_built", buffer.loads())
        .addKeyValue("tables_last_seq", inTables)
        .addKeyValue("seq", lastSequence)
        .log();
    return lastSequence;
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
      EngineParts parts, WalReplay.Result replay, long inTables) {
    if (replay.segments().isEmpty()) {
      return;
    }
    WalReplay.Segment oldest = replay.segments().get(0);
    if (oldest.records() > 0 && oldest.firstSequence() > inTables + 1) {
      String manifest = String.format("MANIFEST-%06d", parts.tables.versions().manifestNumber());
      throw new CorruptionException(
          manifest,
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
      EngineParts parts, WalReplay.Result replay, long inTables) {
    var orphans = parts.tables.versions().orphansAboveLastSequence();
    if (orphans.isEmpty()) {
      return;
    }
    long covered = Math.max(inTables, replay.lastSequence());
    for (var e : orphans.entrySet()) {
      if (e.getValue() > covered) {
        throw new CorruptionException(
            String.format("MANIFEST-%06d", parts.tables.versions().manifestNumber()),
            CorruptionException.UNKNOWN_OFFSET,
            "table "
                + parts.tables.versions().tablePath(e.getKey())
                + " is in no version but holds sequence numbers up to "
                + e.getValue()
                + ", beyond the manifest ("
                + inTables
                + ") and the WAL ("
                + replay.lastSequence()
                + "): the manifest lost the edit that added it; the table was kept");
      }
    }
    parts.tables.versions().deleteOrphanTables();
  }

  private static java.util.concurrent.ThreadFactory daemon(EngineLogging logging, String role) {
    java.util.concurrent.ThreadFactory tagged = logging.threadFactory(role);
    return r -> {
      Thread t = tagged.newThread(r);
      t.setDaemon(true);
      return t;
    };
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

  static WalOptions walOptions(EngineConfig c) {
    return WalOptions.defaults().withSyncMode(syncMode(c));
  }

  static SyncMode syncMode(EngineConfig c) {
    return SyncMode.fromConfig(c.walSyncMode().name().toLowerCase(Locale.ROOT));
  }

  static RecoveryMode recoveryMode(EngineConfig c) {
    return RecoveryMode.fromConfig(c.walRecoveryMode().name().toLowerCase(Locale.ROOT));
  }
}
