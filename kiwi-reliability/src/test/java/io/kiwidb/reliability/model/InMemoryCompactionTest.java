package io.kiwidb.reliability.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Levels;
import io.kiwidb.compaction.merge.MergingIterator;
import io.kiwidb.compaction.merge.OutputSplitter;
import io.kiwidb.compaction.merge.VersionPruningIterator;
import io.kiwidb.sstable.store.LevelIterator;
import io.kiwidb.testkit.ListInternalIterator;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole compaction pipeline on in-memory "tables", against a model of every write: random
 * writes, flushes, snapshots taken and released, and compactions picked by the strategy and run as
 * the job will run them (L0 files and {@link LevelIterator}s merged by {@link MergingIterator},
 * pruned by {@link VersionPruningIterator} with {@link VersionPruningIterator.DeeperLevels#below},
 * outputs split between user keys where {@link OutputSplitter} says). After every compaction, every
 * key read through the levels at every live snapshot and at the latest sequence must match the
 * model.
 */
@ExtendWith(SeededRandomExtension.class)
class InMemoryCompactionTest {
  private static final long ENTRY_BYTES = 64;

  @Test
  void leveledPreservesEveryVisibleValue(SeededRandom random) {
    for (int round = 0; round < 12; round++) {
      run(random, NamedProviders.all(CompactionStrategy.class).get("leveled"));
    }
  }

  @Test
  void tieredPreservesEveryVisibleValue(SeededRandom random) {
    for (int round = 0; round < 12; round++) {
      run(random, NamedProviders.all(CompactionStrategy.class).get("tiered"));
    }
  }

  private static void run(SeededRandom random, CompactionStrategy strategy) {
    CompactionOptions o =
        new CompactionOptions(
            2 + random.nextInt(3),
            1 + random.nextInt(3),
            4096,
            4,
            1024 + random.nextInt(2048),
            random.nextBoolean());
    int keySpace = 20 + random.nextInt(200);
    Lsm lsm = new Lsm(o.maxLevels());
    TreeMap<String, TreeMap<Long, String>> model = new TreeMap<>();
    TreeSet<Long> snapshots = new TreeSet<>();
    long seq = 0;
    List<InternalEntry> memtable = new ArrayList<>();
    for (int op = 0; op < 400; op++) {
      int choice = random.nextInt(10);
      if (choice < 6) {
        String key = String.format(Locale.ROOT, "k%04d", random.nextInt(keySpace));
        seq++;
        String value = random.nextInt(4) == 0 ? null : "v" + seq;
        model.computeIfAbsent(key, k -> new TreeMap<>()).put(seq, value);
        memtable.add(
            value == null
                ? InternalEntry.delete(Bytes.utf8(key), seq)
                : InternalEntry.put(Bytes.utf8(key), seq, Bytes.utf8(value)));
      } else if (choice == 6) {
        snapshots.add(seq);
      } else if (choice == 7 && !snapshots.isEmpty()) {
        snapshots.remove(new ArrayList<>(snapshots).get(random.nextInt(snapshots.size())));
      } else if (!memtable.isEmpty()) {
        lsm.flush(memtable);
        memtable = new ArrayList<>();
        // Compact until the picker is satisfied, checking every read after each step.
        for (int n = 0; n < 100; n++) {
          Optional<CompactionPlan> plan = strategy.pick(lsm.view(), o);
          if (plan.isEmpty()) {
            break;
          }
          lsm.compact(plan.get(), snapshots);
          List<Long> readers = new ArrayList<>(snapshots);
          readers.add(seq);
          for (long reader : readers) {
            for (String key : model.keySet()) {
              assertEquals(
                  visible(model.get(key), reader),
                  lsm.get(key, reader),
                  () -> key + " at " + reader + " after " + plan.get() + " with " + o);
            }
          }
        }
      }
    }
  }

  private static String visible(NavigableMap<Long, String> versions, long reader) {
    Map.Entry<Long, String> e = versions.floorEntry(reader);
    return e == null ? null : e.getValue();
  }

  /** Tables as sorted entry lists, in levels. */
  private static final class Lsm {
    final List<List<TableMeta>> levels = new ArrayList<>();
    final Map<Long, List<InternalEntry>> tables = new HashMap<>();
    long nextFile = 1;

    Lsm(int maxLevels) {
      for (int i = 0; i <= maxLevels; i++) {
        levels.add(new ArrayList<>());
      }
    }

    LevelView view() {
      List<List<TableMeta>> copy = new ArrayList<>();
      for (int i = 0; i < levels.size(); i++) {
        List<TableMeta> l = new ArrayList<>(levels.get(i));
        l.sort(i == 0 ? Levels.OLDEST_FIRST.reversed() : Levels.BY_SMALLEST_KEY);
        copy.add(l);
      }
      return new LevelView(copy, java.util.Set.of());
    }

    void flush(List<InternalEntry> memtable) {
      List<InternalEntry> sorted = new ArrayList<>(memtable);
      sorted.sort(ListInternalIterator::compare);
      levels.get(0).add(table(0, sorted));
    }

    TableMeta table(int level, List<InternalEntry> entries) {
      long n = nextFile++;
      long min = Long.MAX_VALUE;
      long max = 0;
      long tombstones = 0;
      for (InternalEntry e : entries) {
        min = Math.min(min, e.seq());
        max = Math.max(max, e.seq());
        tombstones += e.isTombstone() ? 1 : 0;
      }
      tables.put(n, List.copyOf(entries));
      return new TableMeta(
          n,
          level,
          entries.get(0).key(),
          entries.get(entries.size() - 1).key(),
          entries.size() * ENTRY_BYTES,
          entries.size(),
          tombstones,
          min,
          max);
    }

    /** What the job will do, with lists instead of table files. */
    void compact(CompactionPlan plan, java.util.Set<Long> snapshots) {
      LevelView before = view();
      for (TableMeta t : plan.inputs()) {
        assertTrue(levels.get(t.level()).remove(t), "input not in its level");
      }
      int out = plan.outputLevel();
      if (plan.isTrivialMove()) {
        levels.get(out).add(plan.inputs().get(0).atLevel(out));
        return;
      }
      List<InternalIterator> children = new ArrayList<>();
      for (TableMeta t : plan.inputsAt(0)) {
        children.add(new ListInternalIterator(tables.get(t.fileNumber())));
      }
      for (int level = Math.max(1, plan.startLevel()); level <= out; level++) {
        List<TableMeta> files = new ArrayList<>(plan.inputsAt(level));
        files.sort(Levels.BY_SMALLEST_KEY);
        children.add(
            new LevelIterator(files, t -> new ListInternalIterator(tables.get(t.fileNumber()))));
      }
      MergingIterator merged = new MergingIterator(children);
      merged.seekToFirst();
      OutputSplitter splitter =
          new OutputSplitter(
              out + 1 < levels.size() ? before.level(out + 1) : List.of(), plan.targetFileBytes());
      List<InternalEntry> current = new ArrayList<>();
      try (VersionPruningIterator it =
          new VersionPruningIterator(
              merged, snapshots, VersionPruningIterator.DeeperLevels.below(before, out))) {
        while (it.hasNext()) {
          InternalEntry e = it.next();
          boolean newKey =
              current.isEmpty()
                  || KeyOrder.compareKeys(current.get(current.size() - 1).key(), e.key()) != 0;
          // Split only between user keys, so a key never spans two files of one level.
          if (newKey && splitter.splitBefore(e.key(), current.size() * ENTRY_BYTES)) {
            levels.get(out).add(table(out, current));
            current = new ArrayList<>();
          }
          current.add(e);
        }
      }
      if (!current.isEmpty()) {
        levels.get(out).add(table(out, current));
      }
    }

    /** A read at {@code reader}: L0 newest first, then one file per level. */
    String get(String key, long reader) {
      byte[] k = Bytes.utf8(key);
      for (int level = 0; level < levels.size(); level++) {
        List<TableMeta> files = new ArrayList<>(levels.get(level));
        files.sort(Levels.OLDEST_FIRST.reversed());
        for (TableMeta t : files) {
          if (!t.overlaps(k, k)) {
            continue;
          }
          for (InternalEntry e : tables.get(t.fileNumber())) {
            if (KeyOrder.compareKeys(e.key(), k) == 0 && e.seq() <= reader) {
              return e.isTombstone() ? null : new String(e.value(), StandardCharsets.UTF_8);
            }
          }
        }
      }
      return null;
    }
  }
}
