package io.kiwidb.testkit;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
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
 * The behaviour every {@link CompactionStrategy} must have, whatever its policy. An
 * implementation's test extends this class and supplies the strategy; it may add policy-specific
 * checks through {@link #checkPolicy}.
 *
 * <p>The main test drives the picker through a simulated store: random flushes into L0, up to two
 * compactions running at once (their inputs busy), and a stand-in job that replaces a plan's inputs
 * with output files spread over the inputs' key range (or re-levels a trivially moved file). Every
 * plan is checked against the rules the real job relies on to keep reads correct, and after every
 * install L1 and deeper must still be free of overlaps.
 */
@ExtendWith(SeededRandomExtension.class)
public abstract class CompactionStrategyContract {
  private static final int KEY_SPACE = 1_000_000;
  private static final Comparator<TableMeta> NEWEST_FIRST =
      Comparator.comparingLong(TableMeta::maxSeq)
          .thenComparingLong(TableMeta::fileNumber)
          .reversed();
  private static final Comparator<TableMeta> BY_SMALLEST_KEY =
      (a, b) -> KeyOrder.compareKeys(a.smallestKey(), b.smallestKey());

  /** Creates the contract (subclasses only). */
  protected CompactionStrategyContract() {}

  /** The strategy under test. */
  protected abstract CompactionStrategy strategy();

  /**
   * Policy-specific checks of a plan just picked from {@code view}; the generic ones have passed.
   */
  protected void checkPolicy(CompactionPlan plan, LevelView view, CompactionOptions options) {}

  /**
   * Checks the shape once the picker, with flushes stopped and nothing running, returns nothing: by
   * default, L0 below its threshold and every level above the last within its target.
   */
  protected void checkSettled(LevelView view, CompactionOptions options, int lastLevel) {
    assertTrue(view.level(0).size() < options.l0CompactionThreshold(), "L0 over its threshold");
    for (int level = 1; level < lastLevel; level++) {
      assertTrue(
          view.levelBytes(level) <= options.targetBytes(level), "L" + level + " over its target");
    }
  }

  @Test
  void anEmptyStorePicksNothing() {
    CompactionOptions o = new CompactionOptions(1, 3, 1 << 20, 10, 1 << 20);
    LevelView empty = new LevelView(List.of(List.of(), List.of(), List.of(), List.of()), Set.of());
    assertEquals(Optional.empty(), strategy().pick(empty, o));
  }

  @Test
  void hasALowerCaseName() {
    String name = strategy().name();
    assertEquals(name.toLowerCase(Locale.ROOT), name);
    assertFalse(name.isBlank());
  }

  @Test
  void keepsEveryInvariantUnderConcurrentCompactionsAndSettles(SeededRandom random) {
    for (int round = 0; round < 15; round++) {
      simulate(random, round);
    }
  }

  private void simulate(SeededRandom random, int round) {
    CompactionStrategy strategy = strategy();
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
    for (int steps = 0; ; steps++) {
      if (steps > 100_000) {
        fail("did not settle: " + context);
      }
      int choice = random.nextInt(3);
      if (choice == 0 && flushes > 0) {
        int lo = random.nextInt(KEY_SPACE);
        int hi = Math.min(KEY_SPACE - 1, lo + random.nextInt(KEY_SPACE / 2));
        store.flush(lo, hi, (1L + random.nextInt(4)) << 20);
        flushes--;
      } else if (choice == 1 && !running.isEmpty()) {
        store.install(running.remove(random.nextInt(running.size())), o, context);
      } else if (running.size() < 2) {
        LevelView view = store.view(running);
        Optional<CompactionPlan> plan = strategy.pick(view, o);
        if (plan.isPresent()) {
          checkGeneric(plan.get(), view, o, context);
          checkPolicy(plan.get(), view, o);
          running.add(plan.get());
        } else if (flushes == 0 && running.isEmpty()) {
          break;
        }
      }
    }
    LevelView view = store.view(List.of());
    checkSettled(view, o, Math.max(o.maxLevels(), view.levelCount() - 1));
  }

  private static void checkGeneric(
      CompactionPlan plan, LevelView view, CompactionOptions o, String context) {
    Supplier<String> what = () -> context + " plan " + plan;
    int start = plan.startLevel();
    int out = plan.outputLevel();
    int last = Math.max(o.maxLevels(), view.levelCount() - 1);
    assertTrue(start < last, () -> "compacts the last level down: " + what.get());
    assertTrue(out > start && out <= last, () -> "bad output level: " + what.get());
    Set<Long> inputs = new HashSet<>();
    for (TableMeta t : plan.inputs()) {
      assertTrue(inputs.add(t.fileNumber()), () -> "input listed twice: " + what.get());
      assertFalse(view.busyFiles().contains(t.fileNumber()), () -> "busy input: " + what.get());
      assertTrue(
          t.level() >= start && t.level() <= out, () -> "input outside its levels: " + what.get());
      assertTrue(view.level(t.level()).contains(t), () -> "input not in the view: " + what.get());
    }
    byte[] lo = null;
    byte[] hi = null;
    for (TableMeta t : plan.inputs()) {
      lo = lo == null || KeyOrder.compareKeys(t.smallestKey(), lo) < 0 ? t.smallestKey() : lo;
      hi = hi == null || KeyOrder.compareKeys(t.largestKey(), hi) > 0 ? t.largestKey() : hi;
    }
    // A file left in the output level that overlaps the merged range would overlap the outputs.
    byte[] l = lo;
    byte[] h = hi;
    for (TableMeta t : view.level(out)) {
      if (!inputs.contains(t.fileNumber())) {
        assertFalse(
            t.overlaps(l, h),
            () -> "output-level file " + t.fileNumber() + " overlaps: " + what.get());
      }
    }
    if (start == 0) {
      // An L0 file left behind that overlaps the L0 inputs could be older and shadow them.
      List<TableMeta> l0 = plan.inputsAt(0);
      for (TableMeta t : view.level(0)) {
        if (inputs.contains(t.fileNumber())) {
          continue;
        }
        for (TableMeta moved : l0) {
          if (t.maxSeq() < moved.maxSeq()) {
            assertFalse(
                t.overlaps(moved.smallestKey(), moved.largestKey()),
                () -> "older L0 file " + t.fileNumber() + " left above: " + what.get());
          }
        }
      }
    }
  }

  /** The simulated level structure and its stand-in compaction job. */
  private static final class Store {
    final List<List<TableMeta>> levels = new ArrayList<>();
    final Map<Integer, byte[]> cursors = new HashMap<>();
    long nextFile = 1;

    Store(int maxLevels) {
      for (int i = 0; i <= maxLevels; i++) {
        levels.add(new ArrayList<>());
      }
    }

    void flush(int lo, int hi, long size) {
      long n = nextFile++;
      levels.get(0).add(new TableMeta(n, 0, key(lo), key(hi), size, 0, 0, n, n));
    }

    LevelView view(List<CompactionPlan> running) {
      Set<Long> busy = new HashSet<>();
      running.forEach(p -> p.inputs().forEach(t -> busy.add(t.fileNumber())));
      List<List<TableMeta>> copy = new ArrayList<>();
      for (int i = 0; i < levels.size(); i++) {
        List<TableMeta> l = new ArrayList<>(levels.get(i));
        l.sort(i == 0 ? NEWEST_FIRST : BY_SMALLEST_KEY);
        copy.add(l);
      }
      return new LevelView(copy, busy, cursors);
    }

    void install(CompactionPlan plan, CompactionOptions o, String context) {
      long total = 0;
      long minSeq = Long.MAX_VALUE;
      long maxSeq = 0;
      int lo = Integer.MAX_VALUE;
      int hi = 0;
      for (TableMeta t : plan.inputs()) {
        assertTrue(levels.get(t.level()).remove(t), () -> "input vanished: " + t);
        total += t.sizeBytes();
        minSeq = Math.min(minSeq, t.minSeq());
        maxSeq = Math.max(maxSeq, t.maxSeq());
        lo = Math.min(lo, number(t.smallestKey()));
        hi = Math.max(hi, number(t.largestKey()));
      }
      List<TableMeta> startInputs = plan.inputsAt(plan.startLevel());
      byte[] cursor = startInputs.get(0).largestKey();
      for (TableMeta t : startInputs) {
        cursor = KeyOrder.compareKeys(t.largestKey(), cursor) > 0 ? t.largestKey() : cursor;
      }
      cursors.put(plan.startLevel(), cursor);
      List<TableMeta> target = levels.get(plan.outputLevel());
      if (plan.isTrivialMove()) {
        target.add(plan.inputs().get(0).atLevel(plan.outputLevel()));
      } else {
        long pieces = Math.max(1, Math.min(hi - lo + 1, ceilDiv(total, o.targetFileBytes())));
        long width = (hi - lo + 1) / pieces;
        for (long p = 0; p < pieces; p++) {
          int a = (int) (lo + p * width);
          int b = p == pieces - 1 ? hi : (int) (lo + (p + 1) * width - 1);
          long size = total / pieces + (p == pieces - 1 ? total % pieces : 0);
          long n = nextFile++;
          target.add(
              new TableMeta(n, plan.outputLevel(), key(a), key(b), size, 0, 0, minSeq, maxSeq));
        }
      }
      for (int i = 1; i < levels.size(); i++) {
        int level = i;
        List<TableMeta> l = new ArrayList<>(levels.get(i));
        l.sort(BY_SMALLEST_KEY);
        for (int j = 1; j < l.size(); j++) {
          assertTrue(
              KeyOrder.compareKeys(l.get(j - 1).largestKey(), l.get(j).smallestKey()) < 0,
              () -> "L" + level + " overlaps after " + plan + " in " + context);
        }
      }
    }
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static byte[] key(int n) {
    return Bytes.utf8(String.format(Locale.ROOT, "%08d", n));
  }

  private static int number(byte[] key) {
    return Integer.parseInt(new String(key, StandardCharsets.US_ASCII));
  }
}
