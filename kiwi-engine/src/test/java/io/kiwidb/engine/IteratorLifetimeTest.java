package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.ROOT;
import static io.kiwidb.engine.EngineTestSupport.b;
import static io.kiwidb.engine.EngineTestSupport.s;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static io.kiwidb.engine.LsmEngineTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: an open iterator pins the table files it reads, across flushes and compactions, and they
 * are deleted only once it is closed; an iterator dropped without close is counted as leaked and
 * its files are released by the garbage collector's cleaner.
 */
class IteratorLifetimeTest {
  private static final Path SST = ROOT.resolve("sst");

  private FaultInjectingFileSystem fs;
  private LsmEngine engine;

  @BeforeEach
  void setUp() {
    fs = FaultInjectingFileSystem.inMemory();
    writeConfig(
        fs,
        ROOT,
        Map.of(
            "max_memtable_entries", 1000,
            "l0_compaction_threshold", 2,
            "compaction_check_interval", 0.01));
    engine = LsmEngine.open(fs, ROOT, null);
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  private Set<String> tableFiles() {
    try {
      Set<String> names = new TreeSet<>();
      for (Path p : fs.list(SST)) {
        names.add(p.getFileName().toString());
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeGeneration(String tag) {
    for (int i = 0; i < 20; i++) {
      engine.put(b(String.format("k%02d", i)), b(tag + i));
    }
    engine.flush();
  }

  /** Writes a second generation and waits until compaction merged both into L1. */
  private void compactAway(long compactionsBefore) {
    writeGeneration("new");
    await(
        "the two L0 tables to be compacted into L1",
        () ->
            engine.stats().counters().compactions() > compactionsBefore
                && engine.stats().l0SstableCount() == 0
                && engine.stats().immutableQueueLen() == 0);
  }

  @Test
  void anOpenIteratorKeepsItsFilesUntilItIsClosed() {
    writeGeneration("old");
    await("the first flush", () -> engine.stats().l0SstableCount() == 1);
    Set<String> pinned = tableFiles();
    assertEquals(1, pinned.size(), pinned.toString());

    List<String> seen = new ArrayList<>();
    try (KiwiIterator it = engine.iterator(ScanOptions.all())) {
      it.seekToFirst();
      seen.add(s(it.value()));
      compactAway(0);
      assertTrue(
          tableFiles().containsAll(pinned),
          "the compacted-away table must stay while an iterator reads it: " + tableFiles());
      for (it.next(); it.isValid(); it.next()) {
        seen.add(s(it.value()));
      }
      // Backwards too, over the same pinned state.
      for (it.seekToLast(); it.isValid(); it.prev()) {
        assertTrue(s(it.value()).startsWith("old"), s(it.value()));
      }
    }
    assertEquals(20, seen.size());
    for (String v : seen) {
      assertTrue(v.startsWith("old"), "the iterator must read its own state, got " + v);
    }
    await("the pinned table to be deleted after close", () -> !tableFiles().containsAll(pinned));
    assertEquals("new0", s(engine.get(b("k00")).orElseThrow()));
  }

  @Test
  void aLeakedIteratorIsCountedAndItsFilesAreReleased() {
    writeGeneration("old");
    await("the first flush", () -> engine.stats().l0SstableCount() == 1);
    Set<String> pinned = tableFiles();
    KiwiIterator leaked = openUnclosed();
    try {
      compactAway(0);
      assertTrue(tableFiles().containsAll(pinned), "the leaked iterator still pins its table");
      assertEquals(0, engine.stats().counters().leakedIterators());
    } finally {
      // Reachable up to here: a collection any earlier (compactAway allocates, and a young GC may
      // come at any time) would already have counted it and released its table.
      Reference.reachabilityFence(leaked);
    }
    leaked = null; // the only reference: the iterator is now garbage that was never closed
    await(
        "the garbage collector to find the leaked iterator",
        () -> {
          System.gc();
          return engine.stats().counters().leakedIterators() == 1;
        });
    await("the leaked iterator's table to be deleted", () -> !tableFiles().containsAll(pinned));
  }

  @Test
  void aClosedIteratorIsNeverCountedAsLeaked() {
    writeGeneration("old");
    for (int i = 0; i < 50; i++) {
      try (KiwiIterator it = engine.iterator(ScanOptions.prefix(b("k0")))) {
        it.seekToFirst();
        assertTrue(it.isValid());
      }
    }
    openAndDrop();
    await(
        "the garbage collector to find the one leaked iterator",
        () -> {
          System.gc();
          return engine.stats().counters().leakedIterators() > 0;
        });
    assertEquals(1, engine.stats().counters().leakedIterators());
    assertFalse(engine.backgroundError().isPresent());
  }

  /** Opens an iterator and lets the only reference to it go without closing it. */
  private void openAndDrop() {
    openUnclosed();
  }

  /** Opens an iterator on the first entry; the caller is to drop it without closing it. */
  private KiwiIterator openUnclosed() {
    KiwiIterator it = engine.iterator(ScanOptions.all());
    it.seekToFirst();
    assertTrue(it.isValid());
    return it;
  }
}
