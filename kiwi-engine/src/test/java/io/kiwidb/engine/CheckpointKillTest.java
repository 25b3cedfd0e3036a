package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code kill -9} during checkpoints never damages the source: a child JVM writes and makes
 * checkpoints back to back and is killed at a random moment (seeded); the source then opens with
 * every acknowledged write, every finished checkpoint opens and holds a gap-free prefix of the
 * writes, and a new checkpoint to the target that was cut short succeeds (its staging directory is
 * cleared).
 */
@ExtendWith(SeededRandomExtension.class)
class CheckpointKillTest {
  private static final int ROUNDS = 3;

  @TempDir Path tmp;

  @Test
  void killsDuringCheckpointsLeaveTheSourceAndEveryFinishedCheckpointWhole(SeededRandom random)
      throws Exception {
    Path data = tmp.resolve("data");
    EngineTestSupport.writeConfig(
        FileSystems.local(), data, Map.of("max_memtable_entries", 500, "wal_sync_mode", "none"));
    long acked = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Path backups = tmp.resolve("backups-" + round);
      Process child =
          ChildJvm.start(
              CheckpointKillChild.class, data.toString(), backups.toString(), Long.toString(acked));
      Set<Integer> done = new HashSet<>();
      int startedCheckpoints = 0;
      int killAfter = 1 + random.nextInt(3);
      try (BufferedReader lines = ChildJvm.stdout(child)) {
        String line;
        while ((line = lines.readLine()) != null) {
          if (line.startsWith("A ")) {
            acked = Math.max(acked, Long.parseLong(line.substring(2)));
          } else if (line.startsWith("C ") && ++startedCheckpoints > killAfter) {
            TimeUnit.MICROSECONDS.sleep(random.nextInt(20_000));
            // SIGKILL through the handle: Process.destroyForcibly would also close our end of its
            // stdout, losing the acknowledgements still in the pipe.
            child.toHandle().destroyForcibly();
          } else if (line.startsWith("D ")) {
            done.add(Integer.parseInt(line.substring(2)));
          }
        }
      }
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      assertTrue(startedCheckpoints > killAfter, "the child died before the kill: see its stderr");
      try (StorageEngine db = KiwiDb.open(data)) {
        long held = CheckpointTest.prefixes(db)[0];
        assertTrue(held >= acked, "round " + round + ": acknowledged " + acked + ", held " + held);
        acked = held;
      }
      System.out.printf(
          "round %d: %d writes acknowledged, %d checkpoints started, %d finished, %s%n",
          round,
          acked,
          startedCheckpoints,
          done.size(),
          Files.exists(backups.resolve("cp-" + (startedCheckpoints - 1) + ".checkpoint-tmp"))
              ? "killed while staging"
              : "killed outside staging");
      for (int i = 0; i < startedCheckpoints; i++) {
        Path cp = backups.resolve("cp-" + i);
        if (done.contains(i)) {
          assertTrue(Files.isDirectory(cp), cp + " was reported done");
        }
        if (Files.isDirectory(cp)) {
          try (StorageEngine c = KiwiDb.openReadOnly(cp)) {
            long n = CheckpointTest.prefixes(c)[0]; // fails on a gap
            assertTrue(n <= acked, cp + " holds " + n + ", more than the source " + acked);
          }
        } else {
          // Cut short: a staging directory may be left; a new checkpoint there succeeds.
          try (StorageEngine db = KiwiDb.open(data)) {
            assertEquals(cp, db.checkpoint(cp).directory());
          }
          assertTrue(!Files.exists(backups.resolve("cp-" + i + ".checkpoint-tmp")));
          try (StorageEngine c = KiwiDb.openReadOnly(cp)) {
            assertEquals(acked, CheckpointTest.prefixes(c)[0]);
          }
        }
      }
    }
  }
}
