package io.kiwidb.sstable.manifest;

import static io.kiwidb.sstable.manifest.VersionSetTest.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandomExtension.class)
class VersionRefCountTest {
  private final InMemoryFileSystem mem = new InMemoryFileSystem();
  private final List<Long> evicted = Collections.synchronizedList(new ArrayList<>());

  private VersionSet open() {
    return VersionSet.open(
        mem, ROOT, VersionSetOptions.defaults().withListener((n, file) -> evicted.add(n)));
  }

  @Test
  void aPinnedVersionKeepsItsFilesUntilReleased() throws IOException {
    try (VersionSet set = open()) {
      TableMeta a = VersionSetTest.flush(mem, set, 0, "a", "c");
      TableMeta b = VersionSetTest.flush(mem, set, 0, "b", "d");
      set.logAndApply(new VersionEdit().addFile(a).addFile(b));

      VersionRef reader = set.acquire();
      VersionRef second = set.acquire();
      TableMeta merged = VersionSetTest.flush(mem, set, 1, "a", "d");
      set.logAndApply(new VersionEdit().deleteFile(a).deleteFile(b).addFile(merged));

      assertTrue(mem.exists(set.tablePath(a.fileNumber())), "held by two readers");
      assertEquals(
          Set.of(a.fileNumber(), b.fileNumber(), merged.fileNumber()), set.liveFileNumbers());
      reader.close();
      reader.close(); // idempotent: must not release the second reader's reference
      assertTrue(mem.exists(set.tablePath(a.fileNumber())), "still held by the second reader");
      assertTrue(second.version().contains(a.fileNumber()));
      assertThrows(IllegalStateException.class, reader::version);

      second.close();
      assertFalse(mem.exists(set.tablePath(a.fileNumber())));
      assertFalse(mem.exists(set.tablePath(b.fileNumber())));
      assertTrue(mem.exists(set.tablePath(merged.fileNumber())));
      assertEquals(List.of(a.fileNumber(), b.fileNumber()), evicted.stream().sorted().toList());
      assertEquals(Set.of(merged.fileNumber()), set.liveFileNumbers());
    }
  }

  @Test
  void aTrivialMoveDeletesNothing() throws IOException {
    try (VersionSet set = open()) {
      TableMeta a = VersionSetTest.flush(mem, set, 1, "a", "c");
      set.logAndApply(new VersionEdit().addFile(a));
      set.logAndApply(new VersionEdit().deleteFile(a).addFile(a.atLevel(2)));
      assertTrue(mem.exists(set.tablePath(a.fileNumber())));
      assertEquals(List.of(), evicted);
      assertEquals(
          List.of(a.fileNumber()),
          set.current().level(2).stream().map(TableMeta::fileNumber).toList());
    }
  }

  @Test
  void releasingAfterCloseDeletesNothing() throws IOException {
    VersionSet set = open();
    TableMeta a = VersionSetTest.flush(mem, set, 0, "a", "c");
    set.logAndApply(new VersionEdit().addFile(a));
    VersionRef reader = set.acquire();
    set.logAndApply(new VersionEdit().deleteFile(a));
    set.close();
    reader.close();
    assertTrue(mem.exists(set.tablePath(a.fileNumber())), "left for the next open's orphan sweep");
    try (VersionSet again = open()) {
      assertFalse(mem.exists(again.tablePath(a.fileNumber())));
      assertEquals(Set.of(a.fileNumber()), again.orphansDeletedAtOpen());
    }
  }

  @Test
  void aFailedDeleteIsReportedAndDoesNotFailTheEdit() throws IOException {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);
    List<Long> failed = Collections.synchronizedList(new ArrayList<>());
    ObsoleteTableListener listener =
        new ObsoleteTableListener() {
          @Override
          public void tableObsolete(long fileNumber, Path file) {}

          @Override
          public void deleteFailed(long fileNumber, Path file, IOException cause) {
            failed.add(fileNumber);
          }
        };
    try (VersionSet set =
        VersionSet.open(fs, ROOT, VersionSetOptions.defaults().withListener(listener))) {
      TableMeta a = VersionSetTest.flush(fs, set, 0, "a", "c");
      set.logAndApply(new VersionEdit().addFile(a));
      fs.failAt(Op.DELETE, 1, Fault.TRANSIENT);
      set.logAndApply(new VersionEdit().deleteFile(a)); // durable and installed despite the fault
      assertEquals(0, set.current().fileCount());
      assertEquals(List.of(a.fileNumber()), failed);
      set.logAndApply(new VersionEdit().setLastSequence(5)); // the set is not poisoned
    }
  }

  @Test
  void deletionCanRunOnAnExecutor() throws IOException {
    List<Runnable> queued = new ArrayList<>();
    try (VersionSet set =
        VersionSet.open(
            mem, ROOT, VersionSetOptions.defaults().withDeletionExecutor(queued::add))) {
      TableMeta a = VersionSetTest.flush(mem, set, 0, "a", "c");
      set.logAndApply(new VersionEdit().addFile(a));
      set.logAndApply(new VersionEdit().deleteFile(a));
      assertTrue(mem.exists(set.tablePath(a.fileNumber())), "not yet run");
      assertEquals(1, queued.size());
      queued.get(0).run();
      assertFalse(mem.exists(set.tablePath(a.fileNumber())));
    }
  }

  /**
   * Readers pin versions and check that every file of their version exists while a writer replaces
   * files as fast as it can; afterwards exactly the current version's files remain.
   */
  @Test
  void concurrentReadersNeverSeeAFileOfTheirVersionDeleted(SeededRandom random) throws Exception {
    VersionSet set = open();
    int readers = 3;
    int edits = 400;
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong checks = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    CountDownLatch started = new CountDownLatch(readers);
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      Random rnd = new Random(random.nextLong());
      Thread t =
          new Thread(
              () -> {
                started.countDown();
                List<VersionRef> held = new ArrayList<>();
                try {
                  while (!done.get()) {
                    if (held.size() < 4 && rnd.nextBoolean()) {
                      held.add(set.acquire());
                    } else if (!held.isEmpty()) {
                      held.remove(rnd.nextInt(held.size())).close();
                    }
                    for (VersionRef ref : held) {
                      for (long n : ref.version().fileNumbers()) {
                        if (!mem.exists(set.tablePath(n))) {
                          throw new AssertionError("file " + n + " deleted while pinned");
                        }
                        checks.incrementAndGet();
                      }
                    }
                  }
                } catch (Throwable e) {
                  errors.add(e);
                } finally {
                  held.forEach(VersionRef::close);
                }
              },
              "reader-" + r);
      threads.add(t);
      t.start();
    }
    started.await();
    List<TableMeta> l0 = new ArrayList<>();
    // The edits take some 50 ms, so they go on until a reader has checked a pinned file: on a
    // loaded machine the readers may get the processor only after the last edit.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int i = 0;
        i < edits || (checks.get() == 0 && errors.isEmpty() && System.nanoTime() < deadline);
        i++) {
      VersionEdit e = new VersionEdit();
      if (l0.size() >= 3) {
        l0.forEach(e::deleteFile);
        l0.clear();
      }
      TableMeta t = VersionSetTest.flush(mem, set, 0, "a", "z");
      l0.add(t);
      set.logAndApply(e.addFile(t));
    }
    done.set(true);
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(errors.isEmpty(), () -> "reader failed: " + errors.peek());
    assertTrue(checks.get() > 0);
    assertEquals(set.current().fileNumbers(), VersionSetTest.tablesOnDisk(mem));
    assertEquals(set.current().fileNumbers(), set.liveFileNumbers());
    long created = set.nextFileNumber() - 2; // minus the manifest and the unused next number
    assertEquals(created - set.current().fileCount(), evicted.size(), "each obsolete file once");
    assertSame(set.current(), set.current());
    set.close();
  }
}
