package io.kiwidb.reliability.crash;

import static io.kiwidb.reliability.crash.CrashTesting.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 6: a full disk during a flush and during a compaction, injected through {@link
 * FaultInjectingFileSystem#setSpaceLeft}, and for real on a small tmpfs. Writes must then fail fast
 * with an error that says the disk is full; reads must keep working and return the right values;
 * and once space is back, a reopen must find every acknowledged write.
 */
@ExtendWith(SeededRandomExtension.class)
class FullDiskTest {
  private static final Path ROOT = Path.of("/db");
  private static final String ENOSPC = "No space left on device";

  /** Whether {@code t} or one of its causes says the disk is full. */
  static boolean saysDiskFull(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (String.valueOf(c.getMessage()).contains(ENOSPC)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Object> config() {
    Map<String, Object> c = CrashTesting.tinyConfig("always");
    c.put("max_memtable_entries", 1000);
    c.put("l0_compaction_threshold", 50);
    c.put("l0_slowdown_writes_threshold", 100);
    c.put("l0_stop_writes_threshold", 200);
    return c;
  }

  private static void putAll(StorageEngine engine, Expectations model, Random random, int n) {
    for (int i = 0; i < n; i++) {
      String key = String.format("key%03d", random.nextInt(80));
      String value = "v" + i + "." + "x".repeat(random.nextInt(200));
      engine.put(b(key), b(value));
      model.acked(key, value);
    }
  }

  private static String walList(FaultInjectingFileSystem fs) {
    try {
      return fs.list(ROOT.resolve("wal")).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int walSegments(FaultInjectingFileSystem fs) {
    try {
      return fs.list(ROOT.resolve("wal")).size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads every key from {@code engine}; all must be as the model says. */
  private static void checkAll(String when, Expectations model, StorageEngine engine) {
    Expectations copy = new Expectations();
    for (String key : model.keys()) {
      copy.acked(key, model.allowed(key).iterator().next());
    }
    List<String> problems =
        copy.checkAndSettle(
            key -> engine.get(b(key)).map(CrashTesting::s).orElse(null), CrashTesting.scan(engine));
    assertTrue(problems.isEmpty(), when + ": " + problems);
  }

  /** The next write fails at once, saying the disk is full; the store keeps refusing writes. */
  private static void writesFailFast(StorageEngine engine) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          for (int i = 0; i < 3; i++) {
            KiwiException e =
                assertThrows(KiwiException.class, () -> engine.put(b("late"), b("value")));
            assertTrue(saysDiskFull(e), "the error must say the disk is full: " + e);
          }
        });
  }

  @Test
  void fullDiskDuringFlush(SeededRandom random) {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    CrashTesting.writeConfig(fs, ROOT, config());
    Expectations model = new Expectations();
    LsmEngine engine = LsmEngine.open(fs, ROOT, null);
    try {
      putAll(engine, model, random, 300);
      fs.setSpaceLeft(300); // the WAL could take a record or two; the table cannot
      try {
        engine.flush();
      } catch (KiwiIOException e) {
        // flush() freezes the memtable, queues it, then starts a new WAL segment. The flush
        // worker may take the last 300 bytes first, and then the new segment's header is what
        // finds the disk full: a clear error from flush() itself, with the memtable still queued.
        assertTrue(saysDiskFull(e), "the error must say the disk is full: " + e);
      }
      assertTrue(
          CrashTesting.await(() -> engine.backgroundError().isPresent(), 60_000),
          "the flush must fail");
      assertTrue(saysDiskFull(engine.backgroundError().orElseThrow()));
      writesFailFast(engine);
      checkAll("reads while the disk is full", model, engine);
    } finally {
      CrashTesting.closeQuietly(engine);
    }
    fs.setSpaceLeft(Long.MAX_VALUE);
    try (StorageEngine reopened = LsmEngine.open(fs, ROOT, null)) {
      checkAll("after space came back and a reopen", model, reopened);
      putAll(reopened, model, random, 50);
      reopened.flush();
      assertTrue(CrashTesting.await(() -> reopened.stats().l0SstableCount() > 0, 60_000));
      checkAll("after the reopened store flushed", model, reopened);
    }
  }

  @Test
  void fullDiskDuringCompaction(SeededRandom random) {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    CrashTesting.writeConfig(fs, ROOT, config());
    Expectations model = new Expectations();
    LsmEngine engine = LsmEngine.open(fs, ROOT, null);
    try {
      for (int table = 0; table < 5; table++) {
        putAll(engine, model, random, 60);
        int before = engine.stats().l0SstableCount();
        engine.flush();
        assertTrue(CrashTesting.await(() -> engine.stats().l0SstableCount() > before, 60_000));
      }
      // The flush pipeline deletes a flushed memtable's WAL segment after installing its table;
      // that delete gives space back, so it must be done before the disk is made (nearly) full.
      assertTrue(
          CrashTesting.await(() -> walSegments(fs) == 1, 60_000),
          () -> "flushed WAL segments must be deleted: " + walList(fs));
      // Room for the config rewrite that lets compaction start (about 1.2 KB), not for its output.
      fs.setSpaceLeft(4096);
      engine.updateConfig("l0_compaction_threshold", 2);
      assertTrue(
          CrashTesting.await(() -> engine.backgroundError().isPresent(), 60_000),
          "the compaction must fail");
      assertTrue(saysDiskFull(engine.backgroundError().orElseThrow()));
      assertEquals(0, engine.stats().counters().compactions());
      writesFailFast(engine);
      checkAll("reads while the disk is full", model, engine);
    } finally {
      CrashTesting.closeQuietly(engine);
    }
    fs.setSpaceLeft(Long.MAX_VALUE);
    try (StorageEngine reopened = LsmEngine.open(fs, ROOT, null)) {
      checkAll("after space came back and a reopen", model, reopened);
      assertTrue(
          CrashTesting.await(() -> reopened.stats().l0SstableCount() < 2, 60_000),
          "the reopened store compacts");
      checkAll("after the reopened store compacted", model, reopened);
    }
  }

  /**
   * The real thing: an 8 MiB tmpfs (skipped where mounting is not allowed), the real {@link
   * FileSystem#local()}, a filler file leaving about a megabyte, and writes until the disk is full.
   */
  @Test
  void fullRealTmpfs(SeededRandom random, @TempDir Path dir) throws Exception {
    Path mnt = dir.resolve("mnt");
    Files.createDirectories(mnt);
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt.toString()),
        "mounting a tmpfs is not allowed here");
    try {
      Path db = mnt.resolve("db");
      Map<String, Object> c = CrashTesting.tinyConfig("always");
      c.put("max_memtable_entries", 200);
      CrashTesting.writeConfig(FileSystems.local(), db, c);
      Path filler = mnt.resolve("filler");
      try (OutputStream out = Files.newOutputStream(filler)) {
        out.write(new byte[7 * 1024 * 1024 - 256 * 1024]);
      }
      Expectations model = new Expectations();
      KiwiException failure = null;
      int acked = 0;
      try (LsmEngine engine = LsmEngine.open(db, null)) {
        for (int i = 0; i < 100_000 && failure == null; i++) {
          String key = String.format("key%04d", random.nextInt(2000));
          String value = "v" + i + "." + "x".repeat(200 + random.nextInt(800));
          try {
            engine.put(b(key), b(value));
            model.acked(key, value);
            acked++;
          } catch (KiwiException e) {
            failure = e;
            model.maybe(key, value);
          }
        }
        assertNotNull(failure, "8 MiB must fill up");
        assertTrue(saysDiskFull(failure), "the error must say the disk is full: " + failure);
        KiwiException next = assertThrows(KiwiException.class, () -> engine.put(b("x"), b("y")));
        assertTrue(saysDiskFull(next), "later writes fail fast, saying why: " + next);
        for (String key : model.keys()) {
          String got = engine.get(b(key)).map(CrashTesting::s).orElse(null);
          assertTrue(model.allowed(key).contains(got), key + " reads " + got + " on a full disk");
        }
      } catch (RuntimeException closeFailure) {
        if (failure == null) {
          throw closeFailure;
        }
        // The close could not sync on the full disk; every acknowledged write was synced.
      }
      Files.delete(filler);
      try (StorageEngine reopened = LsmEngine.open(db, null)) {
        List<String> problems =
            model.checkAndSettle(
                key -> reopened.get(b(key)).map(CrashTesting::s).orElse(null),
                CrashTesting.scan(reopened));
        assertTrue(problems.isEmpty(), "after space came back: " + problems);
        reopened.put(b("after"), b("ok"));
      }
      System.out.printf(
          "[figures] full tmpfs: %d acknowledged writes before ENOSPC, all present after reopen%n",
          acked);
    } finally {
      if (!run("umount", mnt.toString())) {
        fail("could not unmount " + mnt);
      }
    }
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().transferTo(OutputStream.nullOutputStream());
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
