package io.kiwidb.sstable.manifest;

import static io.kiwidb.sstable.manifest.VersionSetTest.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crashes a workload of flushes, compactions and trivial moves, spread over three opens, at every
 * mutating file-system operation in turn, and checks that the reopened store holds exactly the last
 * acknowledged state, or for an edit that was in flight, the state before or after it: never a mix,
 * never a corruption error, and never a live table missing from disk.
 */
@ExtendWith(SeededRandomExtension.class)
class ManifestCrashTest {
  private static final int SESSIONS = 3;
  private static final int EDITS_PER_SESSION = 7;

  /** What a reopen must reproduce: the levels and both counters. */
  private static String state(VersionSet set) {
    return set.current() + "seq=" + set.lastSequence() + " log=" + set.logNumber() + "\n";
  }

  /** The j-th edit of the workload, given the current version. Writes the tables it adds. */
  private static VersionEdit edit(int j, FileSystem fs, VersionSet set) throws IOException {
    Version v = set.current();
    VersionEdit e = new VersionEdit();
    if (j % 5 == 4 && !v.level(1).isEmpty()) {
      // Trivial move L1 -> L2 (L2 is emptied first: its data "expired").
      v.level(2).forEach(e::deleteFile);
      for (TableMeta t : v.level(1)) {
        e.deleteFile(t).addFile(t.atLevel(2));
      }
    } else if (j % 3 == 2 && (!v.level(0).isEmpty() || !v.level(1).isEmpty())) {
      // Compaction of L0 and L1 into one L1 file.
      v.level(0).forEach(e::deleteFile);
      v.level(1).forEach(e::deleteFile);
      e.addFile(VersionSetTest.flush(fs, set, 1, "a", "z"));
    } else {
      String lo = String.valueOf((char) ('a' + j % 20));
      e.addFile(VersionSetTest.flush(fs, set, 0, lo, "z"))
          .setLastSequence(10L * (j + 1))
          .setLogNumber(j + 1);
    }
    return e;
  }

  private static final class Run {
    final List<String> states = new ArrayList<>(); // states.get(i): after i acknowledged edits
    int acked;
    boolean inFlight;
  }

  /** Makes the j-th edit of a workload from the current version, writing the tables it adds. */
  interface EditSource {
    VersionEdit edit(int j, FileSystem fs, VersionSet set) throws IOException;
  }

  /** The standard workload: {@link #SESSIONS} opens of {@link #EDITS_PER_SESSION} edits. */
  private static Run run(FileSystem fs, VersionSetOptions options) {
    int[] sessions = new int[SESSIONS];
    java.util.Arrays.fill(sessions, EDITS_PER_SESSION);
    return run(fs, options, sessions, ManifestCrashTest::edit);
  }

  /** Runs a workload until it ends or the file system "crashes". */
  private static Run run(FileSystem fs, VersionSetOptions options, int[] sessions, EditSource src) {
    Run r = new Run();
    int j = 0;
    try {
      for (int s = 0; s < sessions.length; s++) {
        VersionSet set = VersionSet.open(fs, ROOT, options);
        if (s == 0) {
          r.states.add(state(set));
        }
        for (int i = 0; i < sessions[s]; i++, j++) {
          VersionEdit e = src.edit(j, fs, set);
          r.inFlight = true;
          set.logAndApply(e);
          r.inFlight = false;
          r.acked++;
          r.states.add(state(set));
        }
        set.close();
      }
    } catch (IOException | KiwiIOException e) {
      // The injected crash: every operation from it on fails.
    }
    return r;
  }

  /** Crashes a fresh run at mutating operation {@code k} and checks the reopened state. */
  private static void crashAndCheck(
      long k, long total, Run reference, VersionSetOptions options, int[] sessions, EditSource src)
      throws IOException {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    fs.failAt(Op.MUTATING, k, Fault.CRASH);
    Run r = run(fs, options, sessions, src);
    fs.crash();
    String where = "crash at mutating op " + k + " of " + total + " (acked " + r.acked + ")";
    try (VersionSet set = VersionSet.open(fs, ROOT, options)) {
      String got = state(set);
      String before = reference.states.get(r.acked);
      boolean ok = got.equals(before);
      if (!ok && r.inFlight) {
        ok = got.equals(reference.states.get(r.acked + 1));
      }
      if (!ok) {
        fail(
            where
                + (r.inFlight ? ", edit in flight" : "")
                + "\nexpected:\n"
                + before
                + "got:\n"
                + got);
      }
      assertEquals(
          set.current().fileNumbers(),
          VersionSetTest.tablesOnDisk(fs),
          where + ": every live table exists and every orphan is gone");
      assertEquals(
          List.of(FileNames.manifestFileName(set.manifestNumber())),
          VersionSetTest.manifestsOnDisk(fs),
          where);
    } catch (KiwiException e) {
      throw new AssertionError(where + ": reopen failed", e);
    }
  }

  @ParameterizedTest(name = "manifestRollBytes={0}")
  @ValueSource(longs = {1 << 20, 200})
  void crashAtEveryMutatingOperationRecoversAnAcknowledgedState(long rollBytes) throws IOException {
    VersionSetOptions options = VersionSetOptions.defaults().withManifestRollBytes(rollBytes);
    FaultInjectingFileSystem clean = FaultInjectingFileSystem.inMemory();
    Run reference = run(clean, options);
    assertEquals(SESSIONS * EDITS_PER_SESSION, reference.acked);
    long total = clean.count(Op.MUTATING);
    assertTrue(total > 100, "workload does enough I/O: " + total);

    int[] sessions = new int[SESSIONS];
    java.util.Arrays.fill(sessions, EDITS_PER_SESSION);
    for (long k = 1; k <= total; k++) {
      crashAndCheck(k, total, reference, options, sessions, ManifestCrashTest::edit);
    }
  }

  /**
   * A random edit: a flush into L0, a compaction of L0 and L1 into one to three disjoint L1 files,
   * or a trivial move of an L1 file into L2 where it fits. Its randomness depends only on the seed
   * and {@code j}, so a crashed run makes the same edits as the reference run up to the crash.
   */
  private static EditSource randomEdits(long seed) {
    return (j, fs, set) -> {
      Random r = new Random(seed * 1_000_003L + j);
      Version v = set.current();
      VersionEdit e = new VersionEdit();
      int kind = r.nextInt(10);
      if (kind < 2 && !v.level(1).isEmpty()) {
        TableMeta t = v.level(1).get(r.nextInt(v.level(1).size()));
        if (v.overlapping(2, t.smallestKey(), t.largestKey()).isEmpty()) {
          return e.deleteFile(t).addFile(t.atLevel(2));
        }
      }
      if (kind < 5 && v.l0Count() > 0) {
        v.level(0).forEach(e::deleteFile);
        v.level(1).forEach(e::deleteFile);
        String[][] splits = {
          {"a", "z"}, {"a", "l"}, {"m", "z"}, {"a", "h"}, {"i", "p"}, {"q", "z"}
        };
        int outputs = 1 + r.nextInt(3);
        int first = outputs == 1 ? 0 : outputs == 2 ? 1 : 3;
        for (int i = 0; i < outputs; i++) {
          String[] range = splits[first + i];
          e.addFile(VersionSetTest.flush(fs, set, 1, range[0], range[1]));
        }
        return e;
      }
      char lo = (char) ('a' + r.nextInt(20));
      char hi = (char) (lo + r.nextInt(6));
      return e.addFile(VersionSetTest.flush(fs, set, 0, "" + lo, "" + hi))
          .setLastSequence(10L * (j + 1))
          .setLogNumber(j + 1);
    };
  }

  @Test
  void randomWorkloadsCrashedAtRandomPointsRecoverAnAcknowledgedState(SeededRandom random)
      throws IOException {
    randomWorkloads(random, 30, 10);
  }

  /** The same, crashed at every mutating operation of many more workloads: {@code -Pslow}. */
  @Test
  @Tag("slow")
  void randomWorkloadsCrashedAtEveryPoint(SeededRandom random) throws IOException {
    randomWorkloads(random, 300, Integer.MAX_VALUE);
  }

  private static void randomWorkloads(SeededRandom random, int trials, int crashesPerTrial)
      throws IOException {
    for (int trial = 0; trial < trials; trial++) {
      long seed = random.nextLong();
      VersionSetOptions options =
          VersionSetOptions.defaults()
              .withManifestRollBytes(random.nextBoolean() ? 1 << 20 : 100 + random.nextInt(400));
      int[] sessions = new int[1 + random.nextInt(4)];
      for (int i = 0; i < sessions.length; i++) {
        sessions[i] = random.nextInt(12);
      }
      EditSource src = randomEdits(seed);
      FaultInjectingFileSystem clean = FaultInjectingFileSystem.inMemory();
      Run reference = run(clean, options, sessions, src);
      long total = clean.count(Op.MUTATING);
      if (crashesPerTrial >= total) {
        for (long k = 1; k <= total; k++) {
          crashAndCheck(k, total, reference, options, sessions, src);
        }
        continue;
      }
      for (int i = 0; i < crashesPerTrial; i++) {
        crashAndCheck(1 + random.nextInt((int) total), total, reference, options, sessions, src);
      }
    }
  }
}
