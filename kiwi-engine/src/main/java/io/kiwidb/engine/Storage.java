package io.kiwidb.engine;

import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.wal.WriteAheadLog;

/**
 * The storage components once recovered: memtables holding what the log replayed, the tables, the
 * log open for writing, and the last sequence number in use.
 *
 * @param memTables the memtables
 * @param tables the tables
 * @param wal the write-ahead log, with a fresh segment to write
 * @param lastSequence the larger of the tables' and the log's last sequence numbers
 */
record Storage(MemTableSet memTables, TableStore tables, WriteAheadLog wal, long lastSequence) {}
