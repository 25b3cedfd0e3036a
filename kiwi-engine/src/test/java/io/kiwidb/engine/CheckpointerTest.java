package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.kiwidb.api.CheckpointInfo;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableCheckpoint;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.wal.WalBatch;
import io.kiwidb.wal.WalReplay;
import io.kiwidb.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * {@link Checkpointer} alone: the log and the tables are mocks, the files live in an in-memory file
 * system. Checks the order that makes a checkpoint consistent (roll, list segments, pin), what is
 * linked and copied, the retry when a flush deletes a segment under the copy, and the target
 * checks.
 */
class CheckpointerTest {
  private static final Path ROOT = Path.of("/db");
  private static final Path TARGET = Path.of("/backups/cp1");

  private final InMemoryFileSystem fs = new InMemoryFileSystem();
  private final DataDirectory dir = DataDirectory.open(fs, ROOT);
  private final WriteAheadLog wal = mock(WriteAheadLog.class);
  private final TableStore tables = mock(TableStore.class);
  private final TableCheckpoint pin = mock(TableCheckpoint.class);
  private final TableMeta table = mock(TableMeta.class);
  private final BackgroundErrors errors =
      new BackgroundErrors(mock(MemTableSet.class), new Counters());

  CheckpointerTest() throws IOException {
    EngineTestSupport.writeConfig(fs, ROOT, java.util.Map.of());
    // Real segments: 1 holds sequence 1, 2 holds 2 and 3, 3 (after the cut) holds 4.
    try (WriteAheadLog real = WriteAheadLog.open(fs, dir.walDir(), WalReplay.Result.empty(), 0)) {
      real.append(1, List.of(batch("a")));
      real.roll();
      real.append(2, List.of(batch("b"), batch("c")));
      real.roll();
      real.append(4, List.of(batch("after the cut")));
      real.sync();
    }
    write(ROOT.resolve("sst/000007.sst"), "table seven");
    when(table.fileNumber()).thenReturn(7L);
    when(tables.tablePath(7L)).thenReturn(ROOT.resolve("sst/000007.sst"));
    when(tables.pinForCheckpoint()).thenReturn(pin);
    when(pin.tables()).thenReturn(List.of(table));
    when(pin.lastSequence()).thenReturn(0L);
    when(pin.writeManifest(any()))
        .thenAnswer(
            inv -> {
              Path target = inv.getArgument(0);
              write(target.resolve("CURRENT"), "MANIFEST-000009\n");
              return "MANIFEST-000009";
            });
    when(wal.roll()).thenReturn(3L); // segments 1 and 2 are closed, 3 is the new current one
  }

  private static WalBatch batch(String key) {
    return WalBatch.of(
        List.of(
            new WriteBatch.Operation(false, EngineTestSupport.b(key), EngineTestSupport.b("v"))),
        0);
  }

  private void write(Path p, String text) throws IOException {
    fs.createDirectories(p.getParent());
    try (WritableFile w = fs.create(p)) {
      w.append(text.getBytes(StandardCharsets.UTF_8));
      w.sync();
    }
    fs.syncDirectory(p.getParent());
  }

  private String read(Path p) throws IOException {
    return new String(fs.contents(p), StandardCharsets.UTF_8);
  }

  private Checkpointer checkpointer(boolean readOnly) {
    ConfigStore config = ConfigStore.open(fs, dir.configFile());
    WriteAccess access = readOnly ? WriteAccess.readOnly(ROOT) : WriteAccess.readWrite(ROOT);
    return new Checkpointer(fs, dir, wal, tables, config, access, errors);
  }

  @Test
  void rollsThenListsThenPinsAndCopiesOnlyTheClosedSegments() throws IOException {
    CheckpointInfo info = checkpointer(false).checkpoint(TARGET);

    InOrder order = inOrder(wal, tables, pin);
    order.verify(wal).roll();
    order.verify(tables).pinForCheckpoint();
    order.verify(pin).writeManifest(Path.of("/backups/cp1.checkpoint-tmp"));
    order.verify(pin).close();
    assertEquals(TARGET, info.directory());
    assertEquals(1, info.tablesLinked());
    assertEquals(0, info.tablesCopied());
    assertEquals(2, info.walSegments());
    assertEquals(3, info.sequence(), "the last record of the copied log");
    assertEquals(
        List.of(TARGET.resolve("000001.log"), TARGET.resolve("000002.log")),
        fs.list(TARGET.resolve("wal")).stream()
            .map(p -> TARGET.resolve(p.getFileName().toString()))
            .toList());
    assertArrayEquals(
        fs.contents(ROOT.resolve("wal/000001.log")), fs.contents(TARGET.resolve("wal/000001.log")));
    assertEquals("table seven", read(TARGET.resolve("sst/000007.sst")));
    assertArrayEquals(fs.contents(dir.configFile()), fs.contents(TARGET.resolve("config.json")));
    assertTrue(fs.exists(TARGET.resolve("LOCK")));
    assertTrue(fs.exists(TARGET.resolve("CURRENT")));
    assertFalse(fs.exists(Path.of("/backups/cp1.checkpoint-tmp")));
    assertTrue(fs.exists(ROOT.resolve("wal/000003.log")), "the source is untouched");
  }

  @Test
  void aSegmentDeletedUnderTheCopyStartsOverWithANewCut() throws IOException {
    AtomicInteger pins = new AtomicInteger();
    when(tables.pinForCheckpoint())
        .thenAnswer(
            inv -> {
              if (pins.getAndIncrement() == 0) {
                // A flush installs its table after the listing and deletes segment 1.
                fs.delete(ROOT.resolve("wal/000001.log"));
              }
              return pin;
            });
    CheckpointInfo info = checkpointer(false).checkpoint(TARGET);
    verify(wal, times(2)).roll();
    verify(pin, times(2)).close();
    assertEquals(1, info.walSegments(), "the second attempt lists segment 2 only");
    assertEquals(3, info.sequence());
    assertEquals(List.of(TARGET.resolve("wal/000002.log")), fs.list(TARGET.resolve("wal")));
  }

  @Test
  void givesUpAfterTooManyVanishedSegmentsAndLeavesNothing() throws IOException {
    byte[] one = fs.contents(ROOT.resolve("wal/000001.log"));
    // Every attempt: the roll finds segment 1 back, the pin comes after a flush that deleted it.
    when(wal.roll())
        .thenAnswer(
            inv -> {
              if (!fs.exists(ROOT.resolve("wal/000001.log"))) {
                write(ROOT.resolve("wal/000001.log"), "");
                fs.overwrite(ROOT.resolve("wal/000001.log"), one);
              }
              return 3L;
            });
    when(tables.pinForCheckpoint())
        .thenAnswer(
            inv -> {
              fs.delete(ROOT.resolve("wal/000001.log"));
              return pin;
            });
    KiwiIOException e =
        assertThrows(KiwiIOException.class, () -> checkpointer(false).checkpoint(TARGET));
    assertTrue(e.getMessage().contains("5 attempts in a row"), e.getMessage());
    verify(wal, times(Checkpointer.ATTEMPTS)).roll();
    assertFalse(fs.exists(TARGET));
    assertFalse(fs.exists(Path.of("/backups/cp1.checkpoint-tmp")));
  }

  @Test
  void aReadOnlyEngineDoesNotRollAndCopiesEverySegment() {
    CheckpointInfo info = checkpointer(true).checkpoint(TARGET);
    verify(wal, never()).roll();
    assertEquals(3, info.walSegments());
  }

  @Test
  void aTargetThatIsNotEmptyOrInsideTheDataDirectoryIsRefusedBeforeAnythingHappens()
      throws IOException {
    write(TARGET.resolve("keep.txt"), "mine");
    Checkpointer c = checkpointer(false);
    IllegalArgumentException notEmpty =
        assertThrows(IllegalArgumentException.class, () -> c.checkpoint(TARGET));
    assertTrue(notEmpty.getMessage().contains("is not empty"), notEmpty.getMessage());
    IllegalArgumentException inside =
        assertThrows(IllegalArgumentException.class, () -> c.checkpoint(ROOT.resolve("cp")));
    assertTrue(inside.getMessage().contains("inside the data directory"), inside.getMessage());
    IllegalArgumentException file =
        assertThrows(
            IllegalArgumentException.class, () -> c.checkpoint(TARGET.resolve("keep.txt")));
    assertTrue(file.getMessage().contains("is a file"), file.getMessage());
    verify(wal, never()).roll();
    assertEquals("mine", read(TARGET.resolve("keep.txt")));
  }

  @Test
  void anEmptyTargetDirectoryAndAKilledCheckpointsLeftoverAreFine() throws IOException {
    fs.createDirectories(TARGET);
    write(Path.of("/backups/cp1.checkpoint-tmp/wal/000099.log"), "left by a kill");
    CheckpointInfo info = checkpointer(false).checkpoint(TARGET);
    assertEquals(2, info.walSegments());
    assertFalse(fs.exists(TARGET.resolve("wal/000099.log")));
  }

  @Test
  void aFailedLinkFallsBackToACopyAndSaysWhy() {
    InMemoryFileSystem plain = fs;
    Checkpointer c =
        new Checkpointer(
            new io.kiwidb.testkit.ForwardingFileSystem(plain) {
              @Override
              public void link(Path existing, Path link) throws IOException {
                throw new IOException("Invalid cross-device link");
              }
            },
            dir,
            wal,
            tables,
            ConfigStore.open(fs, dir.configFile()),
            WriteAccess.readWrite(ROOT),
            errors);
    CheckpointInfo info = c.checkpoint(TARGET);
    assertEquals(0, info.tablesLinked());
    assertEquals(1, info.tablesCopied());
    assertTrue(info.linkFailure().orElseThrow().contains("cross-device"), info.toString());
  }
}
