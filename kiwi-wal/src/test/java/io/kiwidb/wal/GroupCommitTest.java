package io.kiwidb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.testkit.ForwardingFileSystem;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Group commit with real threads: ordering, exactly-once replay, and the shape of groups. */
@ExtendWith(SeededRandomExtension.class)
class GroupCommitTest {

  /** Wraps a file system so that the first {@code sync} of a segment waits for a latch. */
  private static final class GatedFileSystem extends ForwardingFileSystem {
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger syncs = new AtomicInteger();
    volatile boolean armed;

    GatedFileSystem() {
      super(new InMemoryFileSystem());
    }

    @Override
    public WritableFile create(Path file) throws IOException {
      WritableFile f = super.create(file);
      return new WritableFile() {
        @Override
        public Path path() {
          return f.path();
        }

        @Override
        public void append(ByteBuffer src) throws IOException {
          f.append(src);
        }

        @Override
        public void sync() throws IOException {
          if (armed) {
            syncs.incrementAndGet();
            try {
              gate.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException(e);
            }
          }
          f.sync();
        }

        @Override
        public long size() {
          return f.size();
        }

        @Override
        public void close() throws IOException {
          f.close();
        }
      };
    }
  }

  /**
   * Runs one writer that blocks in its fsync, queues {@code followers} more behind it, releases the
   * fsync, and returns the number of fsyncs all of them took.
   */
  private static int syncsFor(int followers, WalOptions options) throws Exception {
    GatedFileSystem fs = new GatedFileSystem();
    List<Long> applied = Collections.synchronizedList(new ArrayList<>());
    WriteAheadLog wal = WalTesting.openEmpty(fs, options, (s, b) -> applied.add(s));
    fs.armed = true;
    ExecutorService pool = Executors.newFixedThreadPool(followers + 1);
    try {
      List<Future<Long>> acks = new ArrayList<>();
      acks.add(pool.submit(() -> wal.append(WalBatch.put(Bytes.utf8("leader"), new byte[8], 0))));
      while (fs.syncs.get() == 0) {
        Thread.onSpinWait(); // the leader is inside its fsync
      }
      for (int i = 0; i < followers; i++) {
        byte[] key = Bytes.utf8("f" + i);
        acks.add(pool.submit(() -> wal.append(WalBatch.put(key, new byte[8], 0))));
      }
      while (wal.queuedWriters() < followers + 1) {
        Thread.sleep(1);
      }
      fs.gate.countDown();
      List<Long> seqs = new ArrayList<>();
      for (Future<Long> f : acks) {
        seqs.add(f.get(30, TimeUnit.SECONDS));
      }
      Collections.sort(seqs);
      List<Long> expected = new ArrayList<>();
      for (long s = 1; s <= followers + 1; s++) {
        expected.add(s);
      }
      assertEquals(expected, seqs, "each batch got its own sequence number");
      assertEquals(expected, applied, "the listener saw every batch once, in sequence order");
      wal.close();
      return fs.syncs.get() - 1; // minus the close
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void writersQueuedDuringAnFsyncShareTheNextOne() throws Exception {
    assertEquals(2, syncsFor(6, WalOptions.defaults()));
  }

  @Test
  void groupsAreBoundedByBatchCountAndBytes() throws Exception {
    assertEquals(1 + 3, syncsFor(6, WalOptions.defaults().withGroupLimits(1 << 20, 2)));
    // Each batch is 31 bytes; 70 bytes hold two. The leader's own batch always goes.
    assertEquals(1 + 3, syncsFor(6, WalOptions.defaults().withGroupLimits(70, 1000)));
    assertEquals(1 + 6, syncsFor(6, WalOptions.defaults().withGroupLimits(1, 1000)));
  }

  @Test
  void concurrentWritersReplayExactlyOnceInSequenceOrder(SeededRandom random) throws Exception {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    List<WalTesting.Rec> applied = new ArrayList<>(); // only the leader thread appends
    WriteAheadLog[] self = new WriteAheadLog[1];
    WriteAheadLog wal =
        WalTesting.openEmpty(
            fs,
            WalOptions.defaults().withGroupLimits(4096, 16),
            (s, b) -> {
              applied.add(new WalTesting.Rec(s, b));
              if (applied.size() % 300 == 0) {
                self[0].rollSegment(); // like a memtable freeze, mid-group
              }
            });
    self[0] = wal;
    int threads = 8;
    int perThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<WalTesting.Rec>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Random r = new Random(random.nextLong());
      results.add(
          pool.submit(
              () -> {
                List<WalTesting.Rec> mine = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                  WalBatch b = WalTesting.randomBatch(r, 4, 64);
                  mine.add(new WalTesting.Rec(wal.append(b), b));
                }
                return mine;
              }));
    }
    List<WalTesting.Rec> acked = new ArrayList<>();
    for (Future<List<WalTesting.Rec>> f : results) {
      List<WalTesting.Rec> mine = f.get(60, TimeUnit.SECONDS);
      for (int i = 1; i < mine.size(); i++) {
        assertTrue(
            mine.get(i).firstSeq() > mine.get(i - 1).firstSeq(), "one thread's batches in order");
      }
      acked.addAll(mine);
    }
    pool.shutdown();
    wal.close();
    acked.sort((a, b) -> Long.compare(a.firstSeq(), b.firstSeq()));
    assertEquals(threads * perThread, acked.size());
    long next = 1;
    for (WalTesting.Rec r : acked) {
      assertEquals(next, r.firstSeq(), "sequence ranges are contiguous and disjoint");
      next += r.batch().count();
    }
    WalTesting.assertSameRecords(acked, applied);
    WalTesting.assertSameRecords(acked, WalTesting.replayAll(fs, RecoveryMode.STRICT));
    assertTrue(wal.liveSegments().size() > 1, "the listener rolled segments");
    assertEquals(next - 1, wal.liveEntryCount());
  }
}
