package io.kiwidb.compaction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Drives each picker through a simulated store: random flushes into L0, up to two compactions
 * running at once (their inputs busy), and a stand-in job that replaces a plan's inputs with output
 * files spread over the inputs' key range. After every step the plan and the resulting layout are
 * checked against the rules a real job relies on; at the end, with flushes stopped, the picker must
 * bring every level under its trigger.
 */
@ExtendWith(SeededRandomExtension.class)
class PickerSimulationTest {
  private static final int KEY_SPACE = 1_000_000;

  @Test
  void leveledKeepsEveryInvariantAndSettles(SeededRandom random) {
    for (int round = 0; round < 15; round++) {
      simulate(random, new LeveledCompaction(), round);
    }
  }

  @Test
  void tieredKeepsEveryInvariantAndSettles(SeededRandom random) {
    for (int round = 0; round < 15; round++) {
      simulate(random, new TieredCompaction(), round);
    }
  }

  @Test
  void cursorAfterIsTheLargestKeyTakenFromTheStartLevel() {
    TableMeta a = file(7, 1, 10, 20, 1);
    TableMeta b = file(8, 1, 21, 30, 1);
    TableMeta below = file(9, 2, 0, 99, 1);
    CompactionPlan plan = new CompactionPlan(List.of(a, b, below), 2, 1, "test");
    assertArrayEquals(key(30), LeveledCompaction.cursorAfter(plan));
  }

  private void simulate(SeededRandom random, CompactionStrategy strategy, int round) {
    CompactionOptions o =
        new CompactionOptions(
            2 + random.nextInt(5),
            1 + random.nextInt(5),
            (8L + random.nextInt(24)) << 20,
            4 + random.nextInt(7),
            (2L + random.nextInt(7)) << 20);
    String context = strategy.name() + " round " + round + " " + o;
    Store store = new Store(o.maxLevels());
    List<CompactionPlan> running = new ArrayList<>();
    int flushes = 150 + random.nextInt(100);
    int steps = 0;
    while (flushes > 0 || !running.isEmpty() || steps < 100_000) {
      if (++steps > 100_000) {
        fail("did not settle: " + context);
      }
      int choice = random.nextInt(3);
      if (choice == 0 && flushes > 0) {
        int lo = random.nextInt(KEY_SPACE);
        int hi = Math.min(KEY_SPACE - 1, lo + random.nextInt(KEY_SPACE / 2));
        store.add(file(store.nextFile++, 0, lo, hi, (1L + random.nextInt(4)) << 20));
        flushes--;
      } else if (choice == 1 && !running.isEmpty()) {
        CompactionPlan done = running.remove(random.nextInt(running.size()));
        store.apply(done, o, context);
      } else if (running.size() < 2) {
        Optional<CompactionPlan> plan = strategy.pick(store.view(running), o);
        if (plan.isPresent()) {
          check(plan.get(), store, running, o, strategy, context);
          running.add(plan.get());
        } else if (flushes == 0 && running.isEmpty()) {
          break;
        }
      }
    }
    // Settled: nothing left over its trigger.
    LevelView view = store.view(List.of());
    assertTrue(
        view.level(0).size() < o.l0CompactionThreshold(), "L0 over threshold after " + context);
    int last = Math.max(o.maxLevels(), view.levelCount() - 1);
    for (int level = 1; level < last; level++) {
      assertTrue(
          Levels.bytes(view, level) <= o.targetBytes(level),
          "L" + level + " over target after " + context + ": " + store);
    }
  }

  private static void check(
      CompactionPlan plan,
      Store store,
      List<CompactionPlan> running,
      CompactionOptions o,
      CompactionStrategy strategy,
      String context) {
    Set<Long> busy = new HashSet<>();
    running.forEach(p -> p.inputs().forEach(t -> busy.add(t.fileNumber())));
    int start = plan.startLevel();
    int out = plan.outputLevel();
    Supplier<String> what = () -> context + " plan " + plan;
    for (TableMeta t : plan.inputs()) {
      assertFalse(busy.contains(t.fileNumber()), () -> "picked a busy file: " + what.get());
      assertTrue(
          t.level() == start || t.level() <= out,
          () -> "input outside the plan's levels: " + what.get());
    }
    assertTrue(start < Math.max(o.maxLevels(), store.levels.size() - 1), "last level compacted");
    assertTrue(out > start, () -> "output above start: " + what.get());
    List<TableMeta> startInputs = plan.inputsAt(start);
    byte[] lo = Levels.smallest(startInputs);
    byte[] hi = Levels.largest(startInputs);
    if (start == 0) {
      // No L0 file left behind overlaps what moves down (it could be older and shadow it).
      byte[] l0lo = lo;
      byte[] l0hi = hi;
      for (TableMeta t : store.levels.get(0)) {
        if (!plan.inputs().contains(t)) {
          assertFalse(
              t.overlaps(l0lo, l0hi), () -> "L0 file " + t.fileNumber() + " left: " + what.get());
        }
      }
    }
    if (strategy instanceof TieredCompaction) {
      for (int level = start; level <= out; level++) {
        assertEquals(
            store.level(level).size(),
            plan.inputsAt(level).size(),
            () -> "whole runs: " + what.get());
      }
    } else {
      assertEquals(start + 1, out, () -> "leveled goes one level down: " + what.get());
      for (TableMeta t : store.level(out)) {
        assertEquals(
            t.overlaps(lo, hi),
            plan.inputs().contains(t),
            () -> "output-level file " + t.fileNumber() + " overlap vs inclusion: " + what.get());
      }
    }
    if (plan.isTrivialMove()) {
      for (TableMeta t : store.level(out)) {
        assertFalse(
            t.overlaps(lo, hi), () -> "trivial move onto an overlapping file: " + what.get());
      }
    }
  }

  /** The simulated level structure. */
  private static final class Store {
    final List<List<TableMeta>> levels = new ArrayList<>();
    final Map<Integer, byte[]> cursors = new HashMap<>();
    long nextFile = 1;
    long nextSeq = 1;

    Store(int maxLevels) {
      for (int i = 0; i <= maxLevels; i++) {
        levels.add(new ArrayList<>());
      }
    }

    List<TableMeta> level(int level) {
      return level < levels.size() ? levels.get(level) : List.of();
    }

    void add(TableMeta t) {
      while (levels.size() <= t.level()) {
        levels.add(new ArrayList<>());
      }
      // Give L0 files increasing sequences so "oldest" is well defined.
      TableMeta withSeq =
          t.level() == 0
              ? new TableMeta(
                  t.fileNumber(),
                  0,
                  t.smallestKey(),
                  t.largestKey(),
                  t.sizeBytes(),
                  0,
                  0,
                  nextSeq,
                  nextSeq++)
              : t;
      levels.get(t.level()).add(withSeq);
    }

    LevelView view(List<CompactionPlan> running) {
      Set<Long> busy = new HashSet<>();
      running.forEach(p -> p.inputs().forEach(t -> busy.add(t.fileNumber())));
      List<List<TableMeta>> copy = new ArrayList<>();
      for (int i = 0; i < levels.size(); i++) {
        List<TableMeta> l = new ArrayList<>(levels.get(i));
        l.sort(i == 0 ? Levels.OLDEST_FIRST.reversed() : Levels.BY_SMALLEST_KEY);
        copy.add(l);
      }
      return new LevelView(copy, busy, cursors);
    }

    /** The stand-in job: outputs of about target size spread over the inputs' key range. */
    void apply(CompactionPlan plan, CompactionOptions o, String context) {
      for (TableMeta t : plan.inputs()) {
        assertTrue(levels.get(t.level()).remove(t), () -> "input vanished: " + t);
      }
      cursors.put(plan.startLevel(), LeveledCompaction.cursorAfter(plan));
      if (plan.isTrivialMove()) {
        levels.get(plan.outputLevel()).add(plan.inputs().get(0).atLevel(plan.outputLevel()));
      } else {
        long total = 0;
        for (TableMeta t : plan.inputs()) {
          total += t.sizeBytes();
        }
        int lo = number(Levels.smallest(plan.inputs()));
        int hi = number(Levels.largest(plan.inputs()));
        long pieces =
            Math.max(
                1, Math.min(hi - lo + 1, (total + o.targetFileBytes() - 1) / o.targetFileBytes()));
        long width = (hi - lo + 1) / pieces;
        for (long p = 0; p < pieces; p++) {
          int a = (int) (lo + p * width);
          int b = p == pieces - 1 ? hi : (int) (lo + (p + 1) * width - 1);
          long size = total / pieces + (p == pieces - 1 ? total % pieces : 0);
          levels.get(plan.outputLevel()).add(file(nextFile++, plan.outputLevel(), a, b, size));
        }
      }
      for (int i = 1; i < levels.size(); i++) {
        int level = i;
        List<TableMeta> l = new ArrayList<>(levels.get(i));
        l.sort(Levels.BY_SMALLEST_KEY);
        for (int j = 1; j < l.size(); j++) {
          assertTrue(
              KeyOrder.compareKeys(l.get(j - 1).largestKey(), l.get(j).smallestKey()) < 0,
              () -> "L" + level + " overlaps after " + plan + " in " + context);
        }
      }
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < levels.size(); i++) {
        long bytes = 0;
        for (TableMeta t : levels.get(i)) {
          bytes += t.sizeBytes();
        }
        sb.append(" L")
            .append(i)
            .append('=')
            .append(levels.get(i).size())
            .append('/')
            .append(Levels.size(bytes));
      }
      return sb.toString();
    }
  }

  private static TableMeta file(long number, int level, int lo, int hi, long size) {
    return new TableMeta(number, level, key(lo), key(hi), size, 0, 0, number, number);
  }

  private static byte[] key(int n) {
    return Bytes.utf8(String.format(Locale.ROOT, "%08d", n));
  }

  private static int number(byte[] key) {
    return Integer.parseInt(new String(key, java.nio.charset.StandardCharsets.US_ASCII));
  }
}
