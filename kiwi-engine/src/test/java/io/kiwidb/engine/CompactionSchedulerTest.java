package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anySet;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.kiwidb.api.CompactionInfo;
import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Compactor;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableVersion;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The compaction scheduler alone: a mock table store gives its views, a scripted strategy its
 * plans, a mock compactor runs them. What the scheduler owns, the busy set and the cursors, shows
 * in what the strategy is handed.
 */
class CompactionSchedulerTest {
  private final TableStore tables = mock(TableStore.class);
  private final Compactor compactor = mock(Compactor.class);
  private final BackgroundErrors errors = mock(BackgroundErrors.class);
  private final Counters counters = new Counters();
  private final WriteStall stall = mock(WriteStall.class);
  private final CompactionHistory history = new CompactionHistory();
  private final EngineConfig config =
      EngineConfig.defaults().with("compaction_check_interval", 0.01);

  /** The views the strategy was shown, and the plans it hands out in turn. */
  private final List<LevelView> seen = new CopyOnWriteArrayList<>();

  private final List<CompactionPlan> script = new CopyOnWriteArrayList<>();

  private final CompactionStrategy strategy =
      new CompactionStrategy() {
        @Override
        public String name() {
          return "scripted";
        }

        @Override
        public Optional<CompactionPlan> pick(LevelView view, CompactionOptions options) {
          seen.add(view);
          return script.isEmpty() ? Optional.empty() : Optional.of(script.remove(0));
        }
      };

  private final CompactionScheduler scheduler =
      new CompactionScheduler(
          tables,
          compactor,
          strategy,
          () -> config,
          new SnapshotList(),
          errors,
          counters,
          stall,
          history);

  CompactionSchedulerTest() {
    when(tables.acquire())
        .thenAnswer(
            i -> {
              TableVersion v = mock(TableVersion.class);
              when(v.levelView(anySet(), anyMap()))
                  .thenAnswer(
                      a ->
                          new LevelView(
                              List.of(List.of(), List.of()),
                              a.<Set<Long>>getArgument(0),
                              a.<Map<Integer, byte[]>>getArgument(1)));
              return v;
            });
  }

  @AfterEach
  void stop() {
    scheduler.stop();
  }

  private static TableMeta file(long n, int level, String lo, String hi) {
    return new TableMeta(
        n,
        level,
        lo.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        hi.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        1000,
        10,
        0,
        n,
        n);
  }

  @Test
  void aPlanRunsItsInputsAreBusyMeanwhileAndItsCursorComesBack() throws Exception {
    TableMeta a = file(1, 1, "a", "c");
    TableMeta below = file(2, 2, "b", "d");
    TableMeta out = file(9, 2, "a", "d");
    byte[] cursor = {'c'};
    script.add(new CompactionPlan(List.of(a, below), 2, 1 << 20, "test", cursor, true));
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    when(compactor.compact(any(), any(), anyCollection()))
        .thenAnswer(
            i -> {
              running.countDown();
              assertTrue(release.await(10, java.util.concurrent.TimeUnit.SECONDS));
              return List.of(out);
            });
    scheduler.start(2, Thread::new);
    assertTrue(running.await(10, java.util.concurrent.TimeUnit.SECONDS));
    // While it runs, the other worker's picks see its input busy and the level's cursor.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (seen.stream().noneMatch(v -> v.busyFiles().contains(1L))) {
      assertTrue(System.nanoTime() < deadline, "no pick saw the busy input");
      Thread.sleep(5);
    }
    LevelView during = seen.stream().filter(v -> v.busyFiles().contains(1L)).findFirst().get();
    assertArrayEquals(cursor, during.compactCursor(1));
    assertEquals(1, history.snapshot().running().size());
    release.countDown();
    verify(stall, timeout(10_000)).l0Changed();
    // The job tells the stall before it records itself as finished: wait for the record.
    while (history.snapshot().recent().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the finished job was never recorded");
      Thread.sleep(5);
    }
    CompactionInfo done = history.snapshot().recent().get(0);
    assertEquals("scripted", done.strategy());
    assertEquals(List.of("L2:9"), done.outputFiles());
    assertEquals(1000, done.outputBytes());
    assertEquals(1, counters.compactions.sum());
    assertEquals(1000, counters.bytesCompacted.sum());
    seen.clear();
    scheduler.levelsChanged();
    while (seen.isEmpty()) {
      Thread.sleep(5);
    }
    assertFalse(seen.get(seen.size() - 1).busyFiles().contains(1L), "released after the job");
  }

  @Test
  void aFailedCompactionSetsTheBackgroundErrorAndIsRecorded() throws Exception {
    TableMeta a = file(1, 0, "a", "c");
    script.add(new CompactionPlan(List.of(a), 1, 1 << 20, "test"));
    IOException disk = new IOException("disk full");
    when(compactor.compact(any(), any(), anyCollection())).thenThrow(disk);
    scheduler.start(1, Thread::new);
    verify(errors, timeout(10_000)).set("compaction", disk);
    List<CompactionInfo> recent = new ArrayList<>(history.snapshot().recent());
    assertEquals(1, recent.size());
    assertTrue(recent.get(0).error().contains("disk full"), recent.get(0).error());
    assertEquals(0, counters.compactions.sum());
    verify(stall, never()).l0Changed();
  }

  @Test
  void aTrivialMoveCountsNoBytesWritten() throws Exception {
    TableMeta a = file(3, 1, "a", "c");
    CompactionPlan move = new CompactionPlan(List.of(a), 2, 1 << 20, "move");
    assertTrue(move.isTrivialMove());
    script.add(move);
    when(compactor.compact(eq(move), any(), anyCollection())).thenReturn(List.of(a.atLevel(2)));
    scheduler.start(1, Thread::new);
    verify(stall, timeout(10_000)).l0Changed();
    assertEquals(1, counters.compactions.sum());
    assertEquals(0, counters.bytesCompacted.sum());
    assertEquals(0, history.snapshot().recent().get(0).outputBytes());
    assertNull(history.snapshot().recent().get(0).error());
  }

  @Test
  void nothingToPickWaitsForTheNextCheck() throws Exception {
    scheduler.start(1, Thread::new);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (seen.size() < 3) {
      assertTrue(System.nanoTime() < deadline, "the check interval did not come round");
      Thread.sleep(5);
    }
    verify(compactor, never()).compact(any(), any(), anyCollection());
    assertTrue(Duration.ofMillis(10).equals(config.compactionCheckInterval()));
  }
}
