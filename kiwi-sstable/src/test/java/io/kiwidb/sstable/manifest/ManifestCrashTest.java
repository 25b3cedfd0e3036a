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
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crashes a workload of flushes, compactions and trivial moves, spread over three opens, at every
 * mutating file-system operation in turn, and checks that the reopened store holds exactly the last
 * acknowledged state, or for an edit that was in flight, the state before or after it: never a mix,
 * never a corruption error, and never a live table missing from disk.
 */
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

  /** Runs the workload until it ends or the file system "crashes". */
  private static Run run(FileSystem fs, VersionSetOptions options) {
    Run r = new Run();
    int j = 0;
    try {
      for (int s = 0; s < SESSIONS; s++) {
        VersionSet set = VersionSet.open(fs, ROOT, options);
        if (s == 0) {
          r.states.add(state(set));
        }
        for (int i = 0; i < EDITS_PER_SESSION; i++, j++) {
          VersionEdit e = edit(j, fs, set);
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

  @ParameterizedTest(name = "manifestRollBytes={0}")
  @ValueSource(longs = {1 << 20, 200})
  void crashAtEveryMutatingOperationRecoversAnAcknowledgedState(long rollBytes) throws IOException {
    VersionSetOptions options = VersionSetOptions.defaults().withManifestRollBytes(rollBytes);
    FaultInjectingFileSystem clean = FaultInjectingFileSystem.inMemory();
    Run reference = run(clean, options);
    assertEquals(SESSIONS * EDITS_PER_SESSION, reference.acked);
    long total = clean.count(Op.MUTATING);
    assertTrue(total > 100, "workload does enough I/O: " + total);

    for (long k = 1; k <= total; k++) {
      FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
      fs.failAt(Op.MUTATING, k, Fault.CRASH);
      Run r = run(fs, options);
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
  }
}
