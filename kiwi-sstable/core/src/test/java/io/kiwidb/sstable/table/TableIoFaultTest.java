package io.kiwidb.sstable.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** I/O failures surface as {@link KiwiIOException}; a failed write or sync is never a success. */
class TableIoFaultTest {
  private static final Path PATH = Path.of("/000003.sst");
  private static final Set<Op> WRITES = EnumSet.of(Op.CREATE, Op.WRITE, Op.SYNC);

  private static void build(FaultInjectingFileSystem fs) {
    try (TableBuilder b =
        TableBuilder.create(fs, PATH, TableOptions.defaults().withBlockSize(128))) {
      for (int i = 0; i < 100; i++) {
        b.add(InternalEntry.put(Bytes.utf8(String.format("key%04d", i)), 1, new byte[20]));
      }
      b.finish();
    }
  }

  @Test
  void everyFailedCreateWriteOrSyncFailsTheBuild() {
    FaultInjectingFileSystem clean = FaultInjectingFileSystem.inMemory();
    build(clean);
    long ops = clean.count(WRITES);
    assertTrue(ops > 10, "ops " + ops);
    for (long n = 1; n <= ops; n++) {
      FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
      fs.failAt(WRITES, n, Fault.TRANSIENT);
      long at = n;
      KiwiIOException e =
          assertThrows(KiwiIOException.class, () -> build(fs), () -> "fault at op " + at);
      assertTrue(e.getMessage().contains(PATH.toString()), e.getMessage());
    }
  }

  @Test
  void fullDiskFailsTheBuild() {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    fs.setSpaceLeft(500);
    assertThrows(KiwiIOException.class, () -> build(fs));
  }

  @Test
  void failedReadsAreIoErrorsNotCorruptionOrWrongValues() {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    build(fs);
    try (TableReader t = TableReader.open(fs, PATH, 3, new BlockCache(0, 0, 0))) {
      fs.failAt(Op.READ, 1, Fault.TRANSIENT);
      assertThrows(KiwiIOException.class, () -> t.get(Bytes.utf8("key0042"), 1));
      assertEquals(20, t.get(Bytes.utf8("key0042"), 1).entry().value().length);
    }
    fs.failAt(Op.READ, 1, Fault.TRANSIENT);
    assertThrows(
        KiwiIOException.class, () -> TableReader.open(fs, PATH, 3, new BlockCache(0, 0, 0)));
  }
}
