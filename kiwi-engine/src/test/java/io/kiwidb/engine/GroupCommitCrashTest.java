package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiException;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteOptions;
import io.kiwidb.memtable.MemTableOptions;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import io.kiwidb.testkit.SortedMapMemTable;
import io.kiwidb.wal.RecoveryMode;
import io.kiwidb.wal.SyncMode;
import io.kiwidb.wal.WalReplay;
import io.kiwidb.wal.WriteAheadLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mockito;

/**
 * Group commit against a real log on a disk that fails: many writers, a failed fsync in the middle,
 * then a power cut. Every write acknowledged before the failure survives, and nothing that was not
 * acknowledged does (a group whose sync failed was never acknowledged, and no later group ran).
 */
@ExtendWith(SeededRandomExtension.class)
class GroupCommitCrashTest {
  private static final Path DIR = Path.of("/db/wal");

  @Test
  void concurrentWritersAroundAFailedSyncLoseNoAcknowledgedWrite(SeededRandom random)
      throws Exception {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    WriteAheadLog wal = WriteAheadLog.open(fs, DIR, WalReplay.Result.empty(), 0);
    MemTableSet memTables =
        // Room for every write: nothing flushes here, and syncs are shared across groups now, so
        // the failing sync may come after more writes than the default memtables hold.
        MemTableSet.create(
            SortedMapMemTable.factory("sorted-map"),
            new MemTableOptions(64 << 20, 100_000, 4, Duration.ofSeconds(60)));
    Counters counters = new Counters();
    CommitPipeline pipeline =
        new CommitPipeline(
            wal,
            memTables,
            Mockito.mock(TableStore.class),
            new Sequencer(0),
            Mockito.mock(WriteStall.class),
            new BackgroundErrors(memTables, counters),
            counters,
            frozen -> {},
            new WalSyncPolicy(SyncMode.ALWAYS));
    fs.failAt(
        FaultInjectingFileSystem.Op.SYNC,
        5 + random.nextInt(20),
        FaultInjectingFileSystem.Fault.CRASH);
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<String>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      futures.add(
          pool.submit(
              () -> {
                List<String> acked = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                  String key = "w" + id + "-" + i;
                  byte[] k = key.getBytes(StandardCharsets.UTF_8);
                  try {
                    pipeline.write(
                        List.of(new WriteBatch.Operation(false, k, k)),
                        WriteOptions.DEFAULTS,
                        "put");
                    acked.add(key);
                  } catch (KiwiException e) {
                    break; // the log failed: nothing later may be acknowledged
                  }
                }
                return acked;
              }));
    }
    Set<String> acked = new TreeSet<>();
    for (Future<List<String>> f : futures) {
      acked.addAll(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertTrue(fs.injectedFaults() > 0, "the sync failure fired");
    fs.crash();
    Set<String> replayed = new TreeSet<>();
    WalReplay.replay(
        fs,
        DIR,
        RecoveryMode.STRICT,
        (seq, batch) ->
            batch
                .operations()
                .forEach(op -> replayed.add(new String(op.key(), StandardCharsets.UTF_8))));
    assertTrue(replayed.containsAll(acked), "an acknowledged write was lost");
    assertEquals(acked, replayed, "only acknowledged writes were synced");
  }
}
