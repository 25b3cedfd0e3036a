package io.kiwidb.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import io.kiwidb.testkit.SortedMapMemTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recovery through a {@link ReplayBuffer} ends with the same memtables as replay through one {@code
 * add} per entry and the write path's freeze rule (the engine's recovery before the buffer): same
 * number of memtables, each frozen after the same batch, with the same entries and sequence range.
 * Batches are never split, tombstones and versions of one key survive.
 */
@ExtendWith(SeededRandomExtension.class)
class ReplayBufferTest {
  /** One log record: its operations carry sequences from {@code firstSeq} on. */
  private record Batch(long firstSeq, List<InternalEntry> ops) {}

  private static List<Batch> randomLog(SeededRandom random, int batches) {
    byte[][] keySpace = new byte[300][];
    for (int i = 0; i < keySpace.length; i++) {
      keySpace[i] = random.bytes(1 + random.nextInt(16));
    }
    List<Batch> log = new ArrayList<>();
    long seq = 1;
    for (int b = 0; b < batches; b++) {
      int n = random.nextInt(8) == 0 ? 1 + random.nextInt(40) : 1;
      List<InternalEntry> ops = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] key = keySpace[random.nextInt(keySpace.length)];
        ops.add(
            random.nextInt(5) == 0
                ? InternalEntry.delete(key, seq + i)
                : InternalEntry.put(key, seq + i, random.bytes(random.nextInt(200))));
      }
      log.add(new Batch(seq, ops));
      seq += n;
    }
    return log;
  }

  /** The engine's recovery before this class: add each entry, freeze after a batch when full. */
  private static MemTableQueue replayOneByOne(
      List<Batch> log, MemTableFactory f, MemTableOptions o) {
    MemTableQueue mems = new MemTableQueue(f, o);
    for (Batch b : log) {
      for (InternalEntry e : b.ops()) {
        mems.add(e.key(), e.seq(), e.kind(), e.value());
      }
      MemTable active = mems.activeMemTable();
      long n = active.entryCount();
      if (n > 0
          && (n >= o.maxMemtableEntries() || active.sizeBytes() >= o.maxMemtableSizeBytes())) {
        mems.forceFreeze();
      }
    }
    return mems;
  }

  private static MemTableQueue replayBuffered(
      List<Batch> log, MemTableFactory f, MemTableOptions o) {
    MemTableQueue mems = new MemTableQueue(f, o);
    BulkLoader buffer = mems.bulkLoader();
    for (Batch b : log) {
      for (InternalEntry e : b.ops()) {
        buffer.add(e.key(), e.seq(), e.kind(), e.value());
      }
      buffer.endBatch();
    }
    buffer.finish();
    return mems;
  }

  private static List<InternalEntry> entries(InternalIterator it) {
    List<InternalEntry> out = new ArrayList<>();
    for (it.seekToFirst(); it.isValid(); it.next()) {
      out.add(it.entry());
    }
    return out;
  }

  /** Each memtable (frozen ones oldest first, then the active one) as its sorted entries. */
  private static List<List<InternalEntry>> contents(MemTableQueue mems) {
    List<List<InternalEntry>> out = new ArrayList<>();
    for (FrozenMemTable f : mems.immutables()) {
      out.add(entries(f.iterator()));
    }
    out.add(entries(mems.activeMemTable().iterator()));
    return out;
  }

  /** Sequence ranges and sizes of the frozen memtables, oldest first. */
  private static List<String> ranges(MemTableSet mems) {
    List<String> out = new ArrayList<>();
    for (FrozenMemTable f : mems.immutables()) {
      out.add(f.minSeq() + ".." + f.maxSeq() + " (" + f.entryCount() + " entries)");
    }
    return out;
  }

  /**
   * A memtable that charges a bulk-loaded entry exactly what {@code add} charges (as the red-black
   * tree and the arena do): the buffered replay must freeze after exactly the same batches, by size
   * and by entry count.
   */
  @Test
  void sameMemtablesAsOneByOneReplayWhenChargesAreExact(SeededRandom random) {
    MemTableFactory f = SortedMapMemTable.factory("exact");
    List<Batch> log = randomLog(random, 3_000);
    for (MemTableOptions o :
        List.of(
            new MemTableOptions(40_000, Long.MAX_VALUE, 1, Duration.ZERO),
            new MemTableOptions(1L << 30, 97, 1, Duration.ZERO),
            new MemTableOptions(1L << 30, 1, 1, Duration.ZERO),
            new MemTableOptions(1L << 30, Long.MAX_VALUE, 1, Duration.ZERO))) {
      MemTableQueue expected = replayOneByOne(log, f, o);
      MemTableQueue actual = replayBuffered(log, f, o);
      assertEquals(ranges(expected), ranges(actual), "freeze points with " + o);
      assertEquals(contents(expected), contents(actual), "contents with " + o);
      assertEquals(
          expected.activeMemTable().sizeBytes(), actual.activeMemTable().sizeBytes(), "size");
      assertEquals(expected.activeSummary().maxSeq(), actual.activeSummary().maxSeq());
    }
  }

  /**
   * A memtable whose {@code add} charges differ from its bulk-load charges, as the skip list's do
   * (a node's real, random height against its expected one): freeze points may move by a record or
   * so; what must hold: the same entries overall, each memtable ends at a batch boundary, every
   * frozen memtable reached the size limit only with its last batch, and its size is exactly what
   * the buffer predicted.
   */
  @Test
  void memtablesWithInexactChargesFreezeAtTheFirstBatchThatFillsThem(SeededRandom random) {
    MemTableFactory f = jittered(random.seed());
    List<Batch> log = randomLog(random, 3_000);
    MemTableOptions o = new MemTableOptions(40_000, Long.MAX_VALUE, 1, Duration.ZERO);
    MemTableQueue mems = replayBuffered(log, f, o);
    List<List<InternalEntry>> tables = contents(mems);
    assertTrue(tables.size() > 10, "expected many freezes, got " + tables.size());
    List<InternalEntry> all = new ArrayList<>();
    tables.forEach(all::addAll);
    assertEquals(log.stream().mapToInt(b -> b.ops().size()).sum(), all.size());
    MemTable probe = f.create();
    long empty = probe.sizeBytes();
    int b = 0;
    for (FrozenMemTable frozen : mems.immutables()) {
      long charged = empty;
      long lastBatchCharge = 0;
      while (charged < o.maxMemtableSizeBytes()) {
        Batch batch = log.get(b++);
        assertTrue(frozen.minSeq() <= batch.firstSeq(), "batch inside " + frozen);
        lastBatchCharge = 0;
        for (InternalEntry e : batch.ops()) {
          lastBatchCharge += probe.sortedEntryBytes(e.key(), e.value());
        }
        charged += lastBatchCharge;
      }
      assertEquals(charged, frozen.sizeBytes(), "size of " + frozen);
      assertTrue(charged - lastBatchCharge < o.maxMemtableSizeBytes(), "frozen one batch late");
      Batch last = log.get(b - 1);
      assertEquals(last.firstSeq() + last.ops().size() - 1, frozen.maxSeq(), "ends at a batch");
    }
  }

  /** A memtable without a stated per-entry charge gets one add per entry, as before. */
  @Test
  void aMemtableWithoutSortedChargesIsFilledOneAtATime(SeededRandom random) {
    MemTableFactory plain =
        new MemTableFactory() {
          @Override
          public String name() {
            return "plain";
          }

          @Override
          public MemTable create() {
            MemTable inner = new SortedMapMemTable();
            return new MemTable() {
              @Override
              public void add(byte[] key, long seq, EntryKind kind, byte[] value) {
                inner.add(key, seq, kind, value);
              }

              @Override
              public InternalEntry get(byte[] key, long readSeq) {
                return inner.get(key, readSeq);
              }

              @Override
              public InternalIterator iterator() {
                return inner.iterator();
              }

              @Override
              public long entryCount() {
                return inner.entryCount();
              }

              @Override
              public long sizeBytes() {
                return inner.sizeBytes();
              }
            };
          }
        };
    List<Batch> log = randomLog(random, 1_000);
    MemTableOptions o = new MemTableOptions(20_000, Long.MAX_VALUE, 1, Duration.ZERO);
    MemTableQueue expected = replayOneByOne(log, plain, o);
    MemTableQueue actual = replayBuffered(log, plain, o);
    assertEquals(ranges(expected), ranges(actual));
    assertEquals(contents(expected), contents(actual));
  }

  /**
   * Memtables that charge {@code add} a random 0-31 bytes more or less than the bulk load's stated
   * per-entry charge, and bulk-load exactly that charge.
   */
  private static MemTableFactory jittered(long seed) {
    return new MemTableFactory() {
      @Override
      public String name() {
        return "jittered";
      }

      @Override
      public MemTable create() {
        java.util.Random jitter = new java.util.Random(seed);
        MemTable inner = new SortedMapMemTable();
        return new MemTable() {
          private long bytes;

          @Override
          public void add(byte[] key, long seq, EntryKind kind, byte[] value) {
            inner.add(key, seq, kind, value);
            bytes += sortedEntryBytes(key, value) + jitter.nextInt(64) - 32;
          }

          @Override
          public void addSorted(byte[][] keys, long[] seqs, byte[][] values, int count) {
            inner.addSorted(keys, seqs, values, count);
            for (int i = 0; i < count; i++) {
              bytes += sortedEntryBytes(keys[i], values[i]);
            }
          }

          @Override
          public long sortedEntryBytes(byte[] key, byte[] value) {
            return inner.sortedEntryBytes(key, value);
          }

          @Override
          public InternalEntry get(byte[] key, long readSeq) {
            return inner.get(key, readSeq);
          }

          @Override
          public InternalIterator iterator() {
            return inner.iterator();
          }

          @Override
          public long entryCount() {
            return inner.entryCount();
          }

          @Override
          public long sizeBytes() {
            return bytes;
          }
        };
      }
    };
  }

  @Test
  void rejectsAKindThatDisagreesWithTheValue() {
    BulkLoader buffer =
        MemTableSet.create(SortedMapMemTable.factory("sorted-map"), MemTableOptions.defaults())
            .bulkLoader();
    assertThrows(
        IllegalArgumentException.class, () -> buffer.add(new byte[] {1}, 1, EntryKind.PUT, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> buffer.add(new byte[] {1}, 1, EntryKind.DELETE, new byte[0]));
  }
}
