package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every write-ahead log must have, whatever its format: what is appended comes back
 * in order with its sequence numbers, what was synced survives a power cut, what was not survives
 * as a prefix, a failed sync is never papered over, segments go only once tables hold them, and a
 * closed log refuses work.
 *
 * <p>The contract drives the log through a harness (the abstract methods), as LevelDB's table test
 * drives its constructors, so it depends on nothing but the API: an implementation's test extends
 * it and maps each method onto its log. Power cuts come from {@link FaultInjectingFileSystem}.
 *
 * @param <L> the log type
 */
@ExtendWith(SeededRandomExtension.class)
public abstract class WalContract<L> {
  /** The log's directory in the test file system. */
  protected static final Path DIR = Path.of("/db/wal");

  /** Creates the contract (subclasses only). */
  protected WalContract() {}

  /** One replayed record: a batch and its first sequence number. */
  public record Logged(long firstSeq, List<WriteBatch.Operation> ops) {}

  /**
   * Replays {@code DIR} strictly (any damage but a torn tail fails), then opens the log for writing
   * after the last sequence found; the replayed records go to {@code replayed}.
   */
  protected abstract L open(FileSystem fs, List<Logged> replayed);

  /** Replays {@code DIR} strictly without opening it. */
  protected abstract List<Logged> replay(FileSystem fs);

  /** Appends one commit group: batch {@code i} starts at the sequence after batch {@code i-1}. */
  protected abstract void append(L log, long firstSeq, List<List<WriteBatch.Operation>> group);

  /** Makes every append so far durable. */
  protected abstract void sync(L log);

  /** Starts a new segment. */
  protected abstract void roll(L log);

  /** Deletes the segments whose records are all at or below {@code seq}; returns how many. */
  protected abstract int deleteThrough(L log, long seq);

  /** The last sequence number appended. */
  protected abstract long lastSequence(L log);

  /** Closes the log (syncing it). */
  protected abstract void close(L log);

  // ------------------------------------------------------------------ helpers

  private static List<WriteBatch.Operation> batch(SeededRandom random, int maxOps) {
    List<WriteBatch.Operation> ops = new ArrayList<>();
    int n = 1 + random.nextInt(maxOps);
    for (int i = 0; i < n; i++) {
      byte[] key = random.bytes(1 + random.nextInt(12));
      ops.add(
          random.nextInt(4) == 0
              ? new WriteBatch.Operation(true, key, null)
              : new WriteBatch.Operation(false, key, random.bytes(random.nextInt(300))));
    }
    return ops;
  }

  /** Appends a random group after the log's last sequence; returns its records. */
  private List<Logged> appendGroup(L log, SeededRandom random, int batches) {
    List<List<WriteBatch.Operation>> group = new ArrayList<>();
    List<Logged> out = new ArrayList<>();
    long seq = lastSequence(log) + 1;
    for (int i = 0; i < batches; i++) {
      List<WriteBatch.Operation> ops = batch(random, 4);
      group.add(ops);
      out.add(new Logged(seq, ops));
      seq += ops.size();
    }
    append(log, out.get(0).firstSeq(), group);
    return out;
  }

  private static void assertSame(List<Logged> expected, List<Logged> actual) {
    assertEquals(expected.size(), actual.size(), "records");
    for (int i = 0; i < expected.size(); i++) {
      Logged e = expected.get(i);
      Logged a = actual.get(i);
      assertEquals(e.firstSeq(), a.firstSeq(), "sequence of record " + i);
      assertEquals(e.ops().size(), a.ops().size(), "operations of record " + i);
      for (int j = 0; j < e.ops().size(); j++) {
        WriteBatch.Operation x = e.ops().get(j);
        WriteBatch.Operation y = a.ops().get(j);
        assertEquals(x.isDelete(), y.isDelete(), "kind of " + i + "/" + j);
        assertTrue(Arrays.equals(x.key(), y.key()), "key of " + i + "/" + j);
        assertTrue(Arrays.equals(x.value(), y.value()), "value of " + i + "/" + j);
      }
    }
  }

  // ------------------------------------------------------------------ the contract

  @Test
  void groupsComeBackInOrderWithTheirSequenceNumbers(SeededRandom random) {
    FileSystem fs = new InMemoryFileSystem();
    L log = open(fs, new ArrayList<>());
    List<Logged> written = new ArrayList<>();
    for (int g = 0; g < 50; g++) {
      written.addAll(appendGroup(log, random, 1 + random.nextInt(5)));
      if (g % 10 == 9) {
        roll(log);
      }
    }
    close(log);
    assertSame(written, replay(fs));
  }

  @Test
  void reopeningContinuesAfterTheLastSequence(SeededRandom random) {
    FileSystem fs = new InMemoryFileSystem();
    L log = open(fs, new ArrayList<>());
    List<Logged> written = new ArrayList<>(appendGroup(log, random, 3));
    close(log);
    List<Logged> replayed = new ArrayList<>();
    log = open(fs, replayed);
    assertSame(written, replayed);
    Logged last = written.get(written.size() - 1);
    assertEquals(last.firstSeq() + last.ops().size() - 1, lastSequence(log));
    written.addAll(appendGroup(log, random, 2));
    close(log);
    assertSame(written, replay(fs));
  }

  @Test
  void whatWasSyncedSurvivesAPowerCutAndTheRestOnlyAsAPrefix(SeededRandom random) {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    L log = open(fs, new ArrayList<>());
    List<Logged> synced = new ArrayList<>();
    List<Logged> all = new ArrayList<>();
    for (int g = 0; g < 40; g++) {
      all.addAll(appendGroup(log, random, 1 + random.nextInt(3)));
      if (random.nextInt(3) == 0) {
        sync(log);
        synced = new ArrayList<>(all);
      }
      if (g == 20) {
        roll(log);
      }
    }
    fs.crash();
    List<Logged> survived = replay(fs);
    assertTrue(survived.size() >= synced.size(), "lost a synced record");
    assertTrue(survived.size() <= all.size(), "replayed more than was written");
    assertSame(all.subList(0, survived.size()), survived);
  }

  @Test
  void aFailedSyncIsReportedAndNeverRetriedInto(SeededRandom random) {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    L log = open(fs, new ArrayList<>());
    List<Logged> durable = appendGroup(log, random, 2);
    sync(log);
    appendGroup(log, random, 1);
    fs.failAt(FaultInjectingFileSystem.Op.SYNC, 1, FaultInjectingFileSystem.Fault.TRANSIENT);
    assertThrows(KiwiException.class, () -> sync(log));
    // The disk "recovered", but the log must not accept work it could not vouch for.
    assertThrows(KiwiException.class, () -> appendGroup(log, random, 1));
    assertThrows(KiwiException.class, () -> sync(log));
    fs.crash();
    List<Logged> survived = replay(fs);
    assertTrue(survived.size() >= durable.size(), "lost what was synced before the failure");
    assertSame(durable, survived.subList(0, durable.size()));
  }

  @Test
  void segmentsGoOnlyOnceEveryRecordInThemIsInTables(SeededRandom random) {
    FileSystem fs = new InMemoryFileSystem();
    L log = open(fs, new ArrayList<>());
    List<Logged> first = appendGroup(log, random, 2);
    roll(log);
    List<Logged> second = appendGroup(log, random, 2);
    roll(log);
    long endOfFirst = second.get(0).firstSeq() - 1;
    assertEquals(0, deleteThrough(log, endOfFirst - 1), "the first segment is not all flushed");
    assertEquals(1, deleteThrough(log, endOfFirst));
    assertEquals(1, deleteThrough(log, Long.MAX_VALUE), "the current segment always stays");
    List<Logged> kept = new ArrayList<>(appendGroup(log, random, 1));
    close(log);
    assertSame(kept, replay(fs));
    assertTrue(first.get(0).firstSeq() < kept.get(0).firstSeq());
  }

  @Test
  void sequenceNumbersMustIncrease(SeededRandom random) {
    FileSystem fs = new InMemoryFileSystem();
    L log = open(fs, new ArrayList<>());
    List<Logged> g = appendGroup(log, random, 1);
    long last = lastSequence(log);
    assertThrows(
        IllegalArgumentException.class,
        () -> append(log, last, List.of(g.get(0).ops())),
        "a group must start after the last logged sequence");
    close(log);
  }

  @Test
  void aClosedLogRefusesWorkAndClosesOnce(SeededRandom random) {
    FileSystem fs = new InMemoryFileSystem();
    L log = open(fs, new ArrayList<>());
    appendGroup(log, random, 1);
    close(log);
    close(log);
    for (Runnable call :
        List.<Runnable>of(
            () -> appendGroup(log, random, 1),
            () -> sync(log),
            () -> roll(log),
            () -> deleteThrough(log, 1))) {
      try {
        call.run();
        fail("a closed log accepted a call");
      } catch (EngineClosedException expected) {
        assertTrue(expected.getMessage().contains("closed"), expected.getMessage());
      }
    }
  }
}
