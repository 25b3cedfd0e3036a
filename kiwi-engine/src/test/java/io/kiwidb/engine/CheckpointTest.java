package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.b;
import static io.kiwidb.engine.EngineTestSupport.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.CheckpointInfo;
import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.fs.FileSystems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StorageEngine#checkpoint} on the real disk, through the public API, while writers run: the
 * checkpoint opens as a store of its own and holds exactly the writes up to its sequence number, so
 * every write acknowledged before the call and none started after it returned.
 */
class CheckpointTest {
  private static final int WRITERS = 3;

  @TempDir Path tmp;

  static String key(int writer, long n) {
    return String.format("w%d:%08d", writer, n);
  }

  /**
   * Per writer, how many consecutive writes {@code 0..k-1} the store holds; fails if it holds any
   * write outside that prefix (a write after a missing one: not one moment of the store).
   */
  static long[] prefixes(StorageEngine db) {
    long[] count = new long[WRITERS];
    try (KiwiIterator it = db.iterator(ScanOptions.all())) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String k = s(it.key());
        int w = k.charAt(1) - '0';
        long n = Long.parseLong(k.substring(3));
        assertEquals(count[w], n, () -> "writer " + w + ": a gap before " + k);
        assertEquals(Long.toString(n), s(it.value()));
        count[w]++;
      }
    }
    return count;
  }

  @Test
  void aCheckpointTakenWhileWritersRunHoldsExactlyTheWritesUpToItsSequence() throws Exception {
    Path data = tmp.resolve("data");
    // Small memtables, so flushes (and so segment deletions and L0 compactions) run during it.
    EngineTestSupport.writeConfig(
        FileSystems.local(), data, Map.of("max_memtable_entries", 300, "wal_sync_mode", "none"));
    Path target = tmp.resolve("backups/cp");
    AtomicLongArray acked = new AtomicLongArray(WRITERS); // writes acknowledged so far
    AtomicLongArray started = new AtomicLongArray(WRITERS); // writes started so far
    AtomicBoolean stop = new AtomicBoolean();
    List<Throwable> failures = new ArrayList<>();
    CheckpointInfo info;
    long[] ackedBefore = new long[WRITERS];
    long[] startedAfter = new long[WRITERS];
    try (StorageEngine db = KiwiDb.open(data)) {
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread t =
            new Thread(
                () -> {
                  try {
                    for (long n = 0; !stop.get(); n++) {
                      started.set(writer, n + 1);
                      db.put(b(key(writer, n)), b(Long.toString(n)));
                      acked.set(writer, n + 1);
                    }
                  } catch (RuntimeException e) {
                    synchronized (failures) {
                      failures.add(e);
                    }
                  }
                },
                "writer-" + w);
        t.start();
        threads.add(t);
      }
      while (acked.get(0) < 2_000 || acked.get(WRITERS - 1) < 2_000) {
        TimeUnit.MILLISECONDS.sleep(5);
      }
      for (int w = 0; w < WRITERS; w++) {
        ackedBefore[w] = acked.get(w);
      }
      info = db.checkpoint(target);
      for (int w = 0; w < WRITERS; w++) {
        startedAfter[w] = started.get(w);
      }
      TimeUnit.MILLISECONDS.sleep(100); // writes go on after the checkpoint
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(List.of(), failures);
      assertTrue(db.stats().counters().flushes() > 0, "flushes ran during the test");
    }
    assertEquals(target, info.directory());
    assertTrue(info.tablesLinked() > 0, info.toString());
    assertEquals(0, info.tablesCopied(), info.toString());
    try (StorageEngine cp = KiwiDb.openReadOnly(target)) {
      long[] held = prefixes(cp);
      long total = 0;
      for (int w = 0; w < WRITERS; w++) {
        total += held[w];
        assertTrue(
            held[w] >= ackedBefore[w],
            "writer " + w + ": acknowledged before " + ackedBefore[w] + ", checkpoint " + held[w]);
        assertTrue(
            held[w] <= startedAfter[w],
            "writer "
                + w
                + ": started by the return "
                + startedAfter[w]
                + ", checkpoint "
                + held[w]);
      }
      // Each put takes one sequence number from 1: the checkpoint holds exactly 1..sequence.
      assertEquals(info.sequence(), total, info.toString());
      assertEquals(info.sequence(), cp.stats().seq());
    }
  }

  @Test
  void aCheckpointIsAStoreOfItsOwnSharingTableFilesByHardLinks() throws Exception {
    Path data = tmp.resolve("data");
    EngineTestSupport.writeConfig(FileSystems.local(), data, Map.of("max_memtable_entries", 50));
    Path target = tmp.resolve("cp");
    try (StorageEngine db = KiwiDb.open(data)) {
      for (int i = 0; i < 200; i++) {
        db.put(b(key(0, i)), b(Integer.toString(i)));
      }
      CheckpointInfo info = db.checkpoint(target);
      assertTrue(info.walSegments() > 0, info.toString());
      db.put(b(key(0, 200)), b("200")); // after: not in the checkpoint
      try (StorageEngine cp = KiwiDb.open(target)) {
        assertEquals(200, prefixes(cp)[0]);
        cp.put(b("only-in-the-checkpoint"), b("x"));
        cp.flush();
      }
      assertFalse(db.get(b("only-in-the-checkpoint")).isPresent());
      assertEquals(201, prefixes(db)[0]);
    }
    try (var tables = Files.list(target.resolve("sst"))) {
      Path one = tables.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
      Path original = data.resolve("sst").resolve(one.getFileName());
      if (Files.exists(original)) {
        assertTrue(
            Files.isSameFile(one, original) || (int) Files.getAttribute(one, "unix:nlink") > 1);
      }
    }
  }

  @Test
  void aReadOnlyEngineCheckpointsTheStateItOpened() throws Exception {
    Path data = tmp.resolve("data");
    EngineTestSupport.writeConfig(FileSystems.local(), data, Map.of("max_memtable_entries", 50));
    try (StorageEngine db = KiwiDb.open(data)) {
      for (int i = 0; i < 120; i++) {
        db.put(b(key(1, i)), b(Integer.toString(i)));
      }
    }
    Map<String, String> before = ReadOnlyOpenTest.tree(data);
    try (StorageEngine ro = KiwiDb.openReadOnly(data)) {
      CheckpointInfo info = ro.checkpoint(tmp.resolve("cp"));
      assertEquals(120, info.sequence());
    }
    assertEquals(before, ReadOnlyOpenTest.tree(data), "the source did not change");
    try (StorageEngine cp = KiwiDb.openReadOnly(tmp.resolve("cp"))) {
      assertEquals(120, prefixes(cp)[1]);
    }
  }

  @Test
  void aBadTargetIsRefusedWithTheReason() throws IOException {
    Path data = tmp.resolve("data");
    EngineTestSupport.writeConfig(FileSystems.local(), data, Map.of());
    Path busy = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(busy.resolve("x"), "mine");
    try (StorageEngine db = KiwiDb.open(data)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> db.checkpoint(busy));
      assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> db.checkpoint(data.resolve("cp")));
      assertTrue(e.getMessage().contains("inside the data directory"), e.getMessage());
    }
    assertEquals("mine", Files.readString(busy.resolve("x")));
  }
}
