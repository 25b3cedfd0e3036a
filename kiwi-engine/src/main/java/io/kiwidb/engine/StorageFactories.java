package io.kiwidb.engine;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.compaction.Compactor;
import io.kiwidb.memtable.MemTableOptions;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableStoreOptions;
import io.kiwidb.wal.RecoveryMode;
import io.kiwidb.wal.WalReplay;
import io.kiwidb.wal.WriteAheadLog;
import java.nio.file.Path;

/**
 * How the engine creates its storage components. {@link #STANDARD} calls each component's own
 * factory; a test binds its own (mocks, or wrappers that fail on cue) to check the open sequence
 * alone.
 */
interface StorageFactories {
  /** The components' own factories. */
  StorageFactories STANDARD =
      new StorageFactories() {
        @Override
        public MemTableSet memTables(MemTableFactory factory, MemTableOptions options) {
          return MemTableSet.create(factory, options);
        }

        @Override
        public TableStore tables(FileSystem fs, Path dataRoot, TableStoreOptions options) {
          return TableStore.open(fs, dataRoot, options);
        }

        @Override
        public WalReplay.Result replay(
            FileSystem fs,
            Path walDir,
            RecoveryMode mode,
            long coveredThrough,
            WalReplay.Visitor visitor) {
          return WalReplay.replay(fs, walDir, mode, coveredThrough, visitor);
        }

        @Override
        public WriteAheadLog wal(
            FileSystem fs, Path walDir, WalReplay.Result recovered, long lastSequence) {
          return WriteAheadLog.open(fs, walDir, recovered, lastSequence);
        }

        @Override
        public Compactor compactor(TableStore tables) {
          return Compactor.create(tables);
        }
      };

  /** See {@link MemTableSet#create}. */
  MemTableSet memTables(MemTableFactory factory, MemTableOptions options);

  /** See {@link TableStore#open}. */
  TableStore tables(FileSystem fs, Path dataRoot, TableStoreOptions options);

  /** See {@link TableStore#openReadOnly}. */
  default TableStore tablesReadOnly(FileSystem fs, Path dataRoot, TableStoreOptions options) {
    return TableStore.openReadOnly(fs, dataRoot, options);
  }

  /** See {@link WalReplay#replay(FileSystem, Path, RecoveryMode, long, WalReplay.Visitor)}. */
  WalReplay.Result replay(
      FileSystem fs,
      Path walDir,
      RecoveryMode mode,
      long coveredThrough,
      WalReplay.Visitor visitor);

  /** See {@link WriteAheadLog#open}. */
  WriteAheadLog wal(FileSystem fs, Path walDir, WalReplay.Result recovered, long lastSequence);

  /** See {@link Compactor#create}. */
  Compactor compactor(TableStore tables);
}
