package io.kiwidb.sstable.manifest;

import static io.kiwidb.sstable.manifest.VersionSetTest.ROOT;
import static io.kiwidb.sstable.manifest.VersionSetTest.flush;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link VersionSet#openReadOnly} and the checkpoint pin and manifest. */
class VersionSetReadOnlyAndCheckpointTest {
  private final InMemoryFileSystem mem = new InMemoryFileSystem();
  private final FaultInjectingFileSystem fs = new FaultInjectingFileSystem(mem);

  @Test
  void aReadOnlyOpenSeesTheStoreAndWritesNothingThenOrLater() throws IOException {
    TableMeta a;
    TableMeta b;
    try (VersionSet set = VersionSetTest.open(fs)) {
      a = flush(fs, set, 0, "a", "c");
      set.logAndApply(new VersionEdit().addFile(a).setLastSequence(10));
      b = flush(fs, set, 0, "d", "f");
      set.logAndApply(new VersionEdit().addFile(b).setLastSequence(20));
    }
    long mutatingBefore = fs.count(Op.MUTATING);
    long mkdirsBefore = fs.count(Op.MKDIRS);
    try (VersionSet ro = VersionSet.openReadOnly(fs, ROOT, VersionSetOptions.defaults())) {
      assertTrue(ro.isReadOnly());
      assertEquals(20, ro.lastSequence());
      assertEquals(Set.of(a.fileNumber(), b.fileNumber()), ro.current().fileNumbers());
      IllegalStateException refused =
          assertThrows(
              IllegalStateException.class, () -> ro.logAndApply(new VersionEdit().deleteFile(a)));
      assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
      assertEquals(Set.of(), ro.deleteOrphanTables());
      ro.acquire().close();
    }
    assertEquals(mutatingBefore, fs.count(Op.MUTATING), "no create, write, sync, rename, delete");
    assertEquals(mkdirsBefore, fs.count(Op.MKDIRS), "no directory created");
  }

  @Test
  void aReadOnlyOpenOfADirectoryWithoutAStoreFailsAndCreatesNothing() throws IOException {
    mem.createDirectories(ROOT);
    CorruptionException e =
        assertThrows(
            CorruptionException.class,
            () -> VersionSet.openReadOnly(fs, ROOT, VersionSetOptions.defaults()));
    assertTrue(e.getMessage().contains("holds no kiwi-db store"), e.getMessage());
    assertEquals(0, mem.list(ROOT).size());
  }

  @Test
  void aCheckpointManifestDescribesExactlyThePinnedVersion() throws IOException {
    Path target = Path.of("/checkpoint");
    TableMeta a;
    try (VersionSet set = VersionSetTest.open(fs)) {
      a = flush(fs, set, 0, "a", "c");
      set.logAndApply(new VersionEdit().addFile(a).setLastSequence(10).setLogNumber(3));
      try (VersionSet.Checkpointed pinned = set.pinForCheckpoint()) {
        // An edit after the pin removes a and adds b: the checkpoint must still describe a only,
        // and a must stay on disk while the pin is held.
        TableMeta b = flush(fs, set, 1, "a", "c");
        set.logAndApply(new VersionEdit().deleteFile(a).addFile(b).setLastSequence(30));
        assertTrue(mem.exists(set.tablePath(a.fileNumber())), "the pin keeps a's file");
        assertEquals(10, pinned.lastSequence());
        mem.createDirectories(target.resolve(FileNames.TABLE_DIR));
        mem.link(set.tablePath(a.fileNumber()), FileNames.tableFile(target, a.fileNumber()));
        mem.syncDirectory(target.resolve(FileNames.TABLE_DIR));
        String name = VersionSet.writeCheckpointManifest(fs, target, pinned);
        assertTrue(name.startsWith("MANIFEST-"), name);
      }
    }
    mem.crash(); // everything the checkpoint needs was synced
    try (VersionSet copy = VersionSet.open(mem, target, VersionSetOptions.defaults())) {
      assertEquals(Set.of(a.fileNumber()), copy.current().fileNumbers());
      assertEquals(10, copy.lastSequence());
      assertEquals(3, copy.logNumber());
      assertTrue(copy.nextFileNumber() > a.fileNumber());
    }
  }
}
