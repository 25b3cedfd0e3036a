package io.kiwidb.sstable.manifest;

import static io.kiwidb.sstable.manifest.Tables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class VersionSetTest {
  static final Path ROOT = Path.of("/db");

  private final InMemoryFileSystem mem = new InMemoryFileSystem();
  private final FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);

  static VersionSet open(FileSystem fs) {
    return VersionSet.open(fs, ROOT, VersionSetOptions.defaults());
  }

  /** Writes a table file durably, as a flush or compaction does before logging its edit. */
  static void writeTable(FileSystem fs, long number) throws IOException {
    Path p = FileNames.tableFile(ROOT, number);
    try (WritableFile w = fs.create(p)) {
      w.append(("table " + number).getBytes(StandardCharsets.UTF_8));
      w.sync();
    }
    fs.syncDirectory(p.getParent());
  }

  /** Numbers a new table, writes it, and returns its metadata. */
  static TableMeta flush(FileSystem fs, VersionSet set, int level, String lo, String hi)
      throws IOException {
    long n = set.newFileNumber();
    writeTable(fs, n);
    return table(n, level, lo, hi);
  }

  static Set<Long> tablesOnDisk(FileSystem fs) throws IOException {
    return fs.list(ROOT.resolve(FileNames.TABLE_DIR)).stream()
        .map(p -> FileNames.parseTableFileName(p.getFileName().toString()))
        .collect(Collectors.toSet());
  }

  static List<String> manifestsOnDisk(FileSystem fs) throws IOException {
    return fs.list(ROOT).stream()
        .map(p -> p.getFileName().toString())
        .filter(n -> n.startsWith("MANIFEST-"))
        .toList();
  }

  static String current(InMemoryFileSystem mem) throws IOException {
    return new String(mem.contents(ROOT.resolve("CURRENT")), StandardCharsets.US_ASCII);
  }

  @Test
  void freshDirectoryOpensAsAnEmptyStore() throws IOException {
    try (VersionSet set = open(fs)) {
      assertEquals(0, set.current().fileCount());
      assertEquals(VersionSetOptions.DEFAULT_LEVEL_COUNT, set.current().levelCount());
      assertEquals(0, set.lastSequence());
      assertEquals(0, set.logNumber());
      assertEquals(1, set.manifestNumber());
      assertEquals(2, set.nextFileNumber());
      assertEquals("MANIFEST-000001\n", current(mem));
      assertTrue(mem.exists(ROOT.resolve("sst")));
    }
  }

  @Test
  void editsSurviveReopenAndEachOpenStartsANewManifest() throws IOException {
    String expected;
    try (VersionSet set = open(fs)) {
      TableMeta a = flush(fs, set, 0, "a", "m");
      set.logAndApply(new VersionEdit().addFile(a).setLogNumber(3).setLastSequence(100));
      TableMeta b = flush(fs, set, 0, "c", "z");
      set.logAndApply(new VersionEdit().addFile(b).setLogNumber(4).setLastSequence(200));
      TableMeta c = flush(fs, set, 1, "a", "z");
      set.logAndApply(new VersionEdit().deleteFile(a).deleteFile(b).addFile(c));
      expected = set.current().toString();
    }
    try (VersionSet set = open(fs)) {
      assertEquals(expected, set.current().toString());
      assertEquals(200, set.lastSequence());
      assertEquals(4, set.logNumber());
      assertEquals(List.of(FileNames.manifestFileName(set.manifestNumber())), manifestsOnDisk(fs));
      assertEquals(FileNames.manifestFileName(set.manifestNumber()) + "\n", current(mem));
      // Numbers resume above everything used before: never reused.
      assertTrue(set.manifestNumber() == 5 && set.nextFileNumber() > set.manifestNumber());
      assertEquals(set.current().fileNumbers(), tablesOnDisk(fs));
    }
    try (VersionSet set = open(mem)) {
      assertEquals(expected, set.current().toString());
    }
  }

  @Test
  void lastSequenceAndLogNumberOnlyMoveForward() throws IOException {
    try (VersionSet set = open(fs)) {
      set.logAndApply(new VersionEdit().setLastSequence(50).setLogNumber(9));
      set.logAndApply(new VersionEdit().setLastSequence(20).setLogNumber(2));
      assertEquals(50, set.lastSequence());
      assertEquals(9, set.logNumber());
    }
    try (VersionSet set = open(fs)) {
      assertEquals(50, set.lastSequence());
      assertEquals(9, set.logNumber());
    }
  }

  @Test
  void manifestRollsPastItsSizeLimitAndTheNewOneHoldsEverything() throws IOException {
    VersionSetOptions small = VersionSetOptions.defaults().withManifestRollBytes(300);
    String expected;
    long firstManifest;
    try (VersionSet set = VersionSet.open(fs, ROOT, small)) {
      firstManifest = set.manifestNumber();
      for (int i = 0; i < 30; i++) {
        TableMeta t = flush(fs, set, 0, String.format("k%03d", i), String.format("k%03d", i + 5));
        set.logAndApply(new VersionEdit().addFile(t).setLastSequence(i + 1));
        assertTrue(mem.size(ROOT.resolve(FileNames.manifestFileName(set.manifestNumber()))) < 2000);
      }
      assertTrue(set.manifestNumber() > firstManifest, "rolled at least once");
      assertEquals(List.of(FileNames.manifestFileName(set.manifestNumber())), manifestsOnDisk(fs));
      expected = set.current().toString();
    }
    mem.crash(); // everything acknowledged was durable
    try (VersionSet set = VersionSet.open(fs, ROOT, small)) {
      assertEquals(expected, set.current().toString());
      assertEquals(30, set.lastSequence());
    }
  }

  @Test
  void rejectedEditChangesNothingAndTheSetStaysUsable() throws IOException {
    try (VersionSet set = open(fs)) {
      TableMeta a = flush(fs, set, 1, "a", "f");
      set.logAndApply(new VersionEdit().addFile(a));
      long manifestSize = mem.size(ROOT.resolve(FileNames.manifestFileName(set.manifestNumber())));
      Version before = set.current();
      TableMeta overlapping = flush(fs, set, 1, "e", "k");
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> set.logAndApply(new VersionEdit().addFile(overlapping)));
      assertTrue(e.getMessage().contains("overlap"), e.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> set.logAndApply(new VersionEdit().addFile(table(999, 2, "x", "y"))),
          "a number newFileNumber() never handed out");
      assertSame(before, set.current());
      assertEquals(
          manifestSize, mem.size(ROOT.resolve(FileNames.manifestFileName(set.manifestNumber()))));
      set.logAndApply(new VersionEdit().addFile(overlapping.atLevel(2)));
      assertEquals(2, set.current().fileCount());
    }
  }

  @Test
  void failedManifestSyncLeavesStateUnchangedAndPoisonsLaterEdits() throws IOException {
    VersionSet set = open(fs);
    TableMeta a = flush(fs, set, 0, "a", "b");
    set.logAndApply(new VersionEdit().addFile(a));
    Version before = set.current();
    TableMeta b = flush(fs, set, 0, "c", "d");
    fs.failAt(Op.SYNC, 1, Fault.TRANSIENT);
    KiwiIOException first =
        assertThrows(KiwiIOException.class, () -> set.logAndApply(new VersionEdit().addFile(b)));
    assertSame(before, set.current());
    // The fault was transient, but after a failed fsync nothing written since can be trusted.
    KiwiIOException later =
        assertThrows(KiwiIOException.class, () -> set.logAndApply(new VersionEdit()));
    assertSame(first.getCause(), later.getCause());
    assertTrue(later.getMessage().contains("reopen"), later.getMessage());
    set.close();
    // Reopen: the edit whose sync failed may or may not be there; here its bytes were written
    // and no crash dropped them.
    try (VersionSet again = open(fs)) {
      assertTrue(again.current().contains(a.fileNumber()));
      assertTrue(
          again.current().contains(b.fileNumber()),
          "the record reached the file before the sync failed: the caller must not delete b");
      assertTrue(tablesOnDisk(fs).containsAll(again.current().fileNumbers()));
    }
  }

  @Test
  void concurrentEditsAreSerialisedAndAllSurviveReopen() throws Exception {
    int threads = 4;
    int perThread = 25;
    try (VersionSet set = open(fs)) {
      List<Thread> workers = new java.util.ArrayList<>();
      java.util.concurrent.ConcurrentLinkedQueue<Throwable> errors =
          new java.util.concurrent.ConcurrentLinkedQueue<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread w =
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < perThread; i++) {
                      TableMeta m = flush(fs, set, 0, "t" + id, "t" + id + "z");
                      set.logAndApply(new VersionEdit().addFile(m).setLastSequence(m.maxSeq()));
                    }
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                });
        workers.add(w);
        w.start();
      }
      for (Thread w : workers) {
        w.join();
      }
      assertTrue(errors.isEmpty(), () -> "worker failed: " + errors.peek());
      assertEquals(threads * perThread, set.current().l0Count());
    }
    mem.crash();
    try (VersionSet set = open(fs)) {
      assertEquals(threads * perThread, set.current().l0Count());
      assertEquals(set.current().fileNumbers(), tablesOnDisk(fs));
    }
  }

  @Test
  void missingCurrentWithTablesOnDiskIsCorruption() throws IOException {
    try (VersionSet set = open(fs)) {
      set.logAndApply(new VersionEdit().addFile(flush(fs, set, 0, "a", "b")));
    }
    fs.delete(ROOT.resolve("CURRENT"));
    CorruptionException e = assertThrows(CorruptionException.class, () -> open(fs));
    assertEquals("CURRENT", e.file());
    assertTrue(
        e.getMessage().contains("is missing, but the directory holds a store"), e.getMessage());
    assertTrue(e.getMessage().contains("MANIFEST-"), e.getMessage());
  }

  @Test
  void missingCurrentWithOnlyANonEmptyManifestIsCorruption() throws IOException {
    try (VersionSet set = open(fs)) {
      set.logAndApply(new VersionEdit().setLastSequence(10));
    }
    fs.delete(ROOT.resolve("CURRENT"));
    CorruptionException e = assertThrows(CorruptionException.class, () -> open(fs));
    assertEquals("CURRENT", e.file());
  }

  @Test
  void aFirstOpenThatCrashedBeforeCurrentWasWrittenLeavesAFreshStore() throws IOException {
    // Crash the very first open at each of its mutating steps; the next open must always work.
    for (int k = 1; ; k++) {
      InMemoryFileSystem m = new InMemoryFileSystem();
      FaultInjectingFileSystem f = new FaultInjectingFileSystem(m);
      f.failAt(Op.MUTATING, k, Fault.CRASH);
      boolean crashed;
      try {
        open(f).close();
        crashed = false;
      } catch (KiwiIOException expected) {
        crashed = true;
      }
      f.crash();
      try (VersionSet set = open(f)) {
        assertEquals(0, set.current().fileCount(), "crash at op " + k);
      }
      if (!crashed) {
        break;
      }
    }
  }

  @Test
  void currentNamingAMissingManifestIsCorruptionNamingCurrent() throws IOException {
    open(fs).close();
    try (WritableFile w = fs.create(ROOT.resolve("CURRENT"))) {
      w.append("MANIFEST-000077\n".getBytes(StandardCharsets.US_ASCII));
      w.sync();
    }
    CorruptionException e = assertThrows(CorruptionException.class, () -> open(fs));
    assertEquals("CURRENT", e.file());
    assertEquals(
        "corruption in CURRENT: names MANIFEST-000077, which does not exist", e.getMessage());
  }

  @Test
  void orphanTablesAreDeletedAtOpenAndLiveOnesKept() throws IOException {
    long live;
    try (VersionSet set = open(fs)) {
      TableMeta t = flush(fs, set, 0, "a", "b");
      live = t.fileNumber();
      set.logAndApply(new VersionEdit().addFile(t));
      // A flush that crashed before its edit was logged:
      writeTable(fs, set.newFileNumber());
    }
    writeTable(fs, 500); // a table numbered past what the manifest recorded
    fs.create(ROOT.resolve("sst/notes.txt")).close();
    fs.syncDirectory(ROOT.resolve("sst"));
    try (VersionSet set = open(fs)) {
      assertEquals(
          Set.of(live), tablesOnDisk(fs).stream().filter(n -> n > 0).collect(Collectors.toSet()));
      assertEquals(2, set.orphansDeletedAtOpen().size());
      assertTrue(set.orphansDeletedAtOpen().contains(500L));
      assertTrue(set.nextFileNumber() > 500, "numbers resume above every file seen");
      assertTrue(fs.exists(ROOT.resolve("sst/notes.txt")), "files that are not tables are left");
      // Tables numbered since open may be being written: the sweep leaves them alone.
      long inFlight = set.newFileNumber();
      writeTable(fs, inFlight);
      assertEquals(Set.of(), set.deleteOrphanTables());
      assertTrue(fs.exists(set.tablePath(inFlight)));
    }
  }

  @Test
  void closedSetRefusesEditsAndAcquires() throws IOException {
    VersionSet set = open(fs);
    set.close();
    set.close();
    assertThrows(IllegalStateException.class, () -> set.logAndApply(new VersionEdit()));
    assertThrows(IllegalStateException.class, set::acquire);
  }

  @Test
  void aNewerManifestFormatVersionIsRejectedAsTooNew() throws IOException {
    long number;
    try (VersionSet set = open(fs)) {
      number = set.manifestNumber();
    }
    Path p = ROOT.resolve(FileNames.manifestFileName(number));
    byte[] bytes = mem.contents(p);
    bytes[8] = 2;
    mem.overwrite(p, bytes);
    CorruptionException e = assertThrows(CorruptionException.class, () -> open(fs));
    assertEquals(FileNames.manifestFileName(number), e.file());
    assertEquals(8, e.offset());
    assertTrue(e.getMessage().contains("version 2 is too new"), e.getMessage());
  }

  @Test
  void corruptOpenChangesNothingOnDisk() throws IOException {
    long number;
    try (VersionSet set = open(fs)) {
      set.logAndApply(new VersionEdit().addFile(flush(fs, set, 0, "a", "b")));
      number = set.manifestNumber();
    }
    writeTable(fs, 900);
    Path p = ROOT.resolve(FileNames.manifestFileName(number));
    assertTrue(fs.exists(p));
    byte[] bytes = mem.contents(p);
    bytes[bytes.length - 1] ^= 1;
    mem.overwrite(p, bytes);
    long mutatingBefore = fs.count(Op.MUTATING);
    CorruptionException e = assertThrows(CorruptionException.class, () -> open(fs));
    assertInstanceOf(CorruptionException.class, e);
    assertEquals(mutatingBefore, fs.count(Op.MUTATING));
    assertTrue(fs.exists(FileNames.tableFile(ROOT, 900)), "no orphan sweep on a failed open");
    assertFalse(e.getMessage().isEmpty());
  }
}
