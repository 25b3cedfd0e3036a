package io.kiwidb.reliability.crash;

import static io.kiwidb.reliability.crash.CrashTesting.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Engine bugs the crash suite found, each pinned by the smallest test that showed it. */
class EngineRegressionTest {
  private static final Path ROOT = Path.of("/db");

  /**
   * Found by {@link PowerLossTest}: a writer waiting for room in a full immutable queue kept
   * waiting for the whole {@code backpressure_timeout} after the flush pipeline had failed (so no
   * room would ever come), instead of failing at once with the background error.
   */
  @Test
  void writerWaitingForRoomFailsAtOnceWhenTheFlushFails() {
    InMemoryFileSystem mem = new InMemoryFileSystem();
    SelectiveFailures fs = new SelectiveFailures(mem, p -> p.toString().contains("/sst/"), 300);
    Map<String, Object> config = CrashTesting.tinyConfig("always");
    config.put("max_memtable_entries", 4);
    config.put("immutable_queue_max_len", 1);
    config.put("backpressure_timeout", 120.0);
    CrashTesting.writeConfig(mem, ROOT, config);
    StorageEngine engine = LsmEngine.open(fs, ROOT, null);
    try {
      for (int i = 0; i < 8; i++) {
        engine.put(b("k" + i), b("v" + i)); // the first four freeze; the flush fails slowly
      }
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> assertThrows(BackgroundErrorException.class, () -> engine.put(b("k8"), b("v8"))));
      assertArrayEquals(b("v7"), engine.get(b("k7")).orElseThrow(), "reads keep working");
    } finally {
      CrashTesting.closeQuietly(engine);
    }
    fs.armed = false;
    try (StorageEngine reopened = LsmEngine.open(fs, ROOT, null)) {
      for (int i = 0; i < 8; i++) {
        assertArrayEquals(b("v" + i), reopened.get(b("k" + i)).orElseThrow());
      }
    }
  }

  /**
   * Found by {@link FailingIoTest}: {@code close()} swallowed a failed final WAL sync (it only
   * logged a warning), so with {@code wal_sync_mode=none}, where that sync is what makes the last
   * writes durable, a failed fsync looked like a clean close.
   */
  @Test
  void closeReportsAFailedFinalWalSync() {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    CrashTesting.writeConfig(fs, ROOT, CrashTesting.tinyConfig("none"));
    StorageEngine engine = LsmEngine.open(fs, ROOT, null);
    engine.put(b("k"), b("v"));
    fs.failAt(Op.SYNC, 1, Fault.TRANSIENT); // nothing else syncs during this close
    assertThrows(KiwiIOException.class, engine::close);
    assertThrows(EngineClosedException.class, () -> engine.get(b("k")), "closed all the same");
    engine.close(); // idempotent, and quiet the second time
    try (StorageEngine reopened = LsmEngine.open(fs, ROOT, null)) {
      assertArrayEquals(b("v"), reopened.get(b("k")).orElseThrow());
    }
  }
}
