package io.kiwidb.reliability.model;

import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.TableSummary;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Runs an op log against a fresh engine on an in-memory file system and against a {@link TreeMap}
 * model side by side, and checks every read: gets, scans (both directions, seeks, bounds,
 * prefixes), snapshot reads and long-lived iterators. A snapshot's model is a copy of the map when
 * it was taken; an open iterator's model is a copy of the keys in its range when it was opened, so
 * later writes, flushes, compactions and releases must not show through.
 *
 * <p>With {@code wal_sync_mode = always} every acknowledged write is durable, so the model is the
 * same after a {@code crash} op (power cut: unsynced bytes and directory entries dropped) as after
 * a clean {@code reopen}. After either, snapshots and iterators of the old engine must refuse reads
 * with {@link EngineClosedException}, and the whole store is compared with the model.
 *
 * <p>After every reopen the engine's sequence must equal the last acknowledged write's. Optionally
 * a {@link ConcurrentReader} reads on its own thread throughout and checks what it sees against the
 * history of writes.
 *
 * <p>Ops that name a snapshot or iterator slot that is not open are skipped, so a shrunk log (with
 * some ops removed) still runs.
 *
 * <p>Thread safety: one thread; the engine's background threads run as usual.
 */
final class ModelRunner implements AutoCloseable {
  static final Path ROOT = Path.of("/db");
  private static final long QUIET_TIMEOUT_MS = 30_000;

  /** What a run did, for the figures in the report. */
  record Result(
      int ops,
      long readsChecked,
      long entriesChecked,
      long flushes,
      long compactions,
      int reopens,
      int crashes,
      int deepestLevel,
      long concurrentReads) {
    Result plus(Result o) {
      return new Result(
          ops + o.ops,
          readsChecked + o.readsChecked,
          entriesChecked + o.entriesChecked,
          flushes + o.flushes,
          compactions + o.compactions,
          reopens + o.reopens,
          crashes + o.crashes,
          Math.max(deepestLevel, o.deepestLevel),
          concurrentReads + o.concurrentReads);
    }

    static Result zero() {
      return new Result(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
  }

  private record SnapSlot(Snapshot snapshot, NavigableMap<byte[], byte[]> model) {}

  private static final class IterSlot {
    final KiwiIterator it;
    final NavigableMap<byte[], byte[]> view;
    byte[] position; // the model's current key, or null when not valid

    IterSlot(KiwiIterator it, NavigableMap<byte[], byte[]> view) {
      this.it = it;
      this.view = view;
    }
  }

  private final FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
  private final TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
  private final Map<Integer, SnapSlot> snaps = new HashMap<>();
  private final Map<Integer, IterSlot> iters = new HashMap<>();
  private volatile LsmEngine engine;
  private final ConcurrentReader reader;
  private final Thread readerThread;
  private long seq;
  private int index = -1;
  private Op current;
  private int ops;
  private long reads;
  private long entries;
  private long flushes;
  private long compactions;
  private int reopens;
  private int crashes;
  private int deepest;

  /**
   * Opens a fresh engine for {@code config}.
   *
   * @param readerSeed the seed of a {@link ConcurrentReader} to run alongside, or null for none
   */
  ModelRunner(ModelConfig config, Long readerSeed) {
    config.write(fs, ROOT);
    engine = LsmEngine.open(fs, ROOT, null);
    seq = engine.stats().seq();
    if (readerSeed == null) {
      reader = null;
      readerThread = null;
    } else {
      reader = new ConcurrentReader(() -> engine, readerSeed);
      reader.opened(seq);
      readerThread = new Thread(reader, "model-reader");
      readerThread.setDaemon(true);
      readerThread.start();
    }
  }

  /** Runs a whole log on a fresh engine, then checks the whole store. */
  static Result run(ModelConfig config, List<Op> log) {
    return run(config, log, null);
  }

  /** As {@link #run(ModelConfig, List)}, with a concurrent reader seeded by {@code readerSeed}. */
  static Result run(ModelConfig config, List<Op> log, Long readerSeed) {
    try (ModelRunner runner = new ModelRunner(config, readerSeed)) {
      for (int i = 0; i < log.size(); i++) {
        runner.apply(i, log.get(i));
      }
      runner.checkEverything(log.size(), "final check");
      runner.stopReader();
      return runner.result();
    }
  }

  /** The engine under test, for tests that check the runner notices a tampered store. */
  LsmEngine engine() {
    return engine;
  }

  Result result() {
    countBackgroundWork();
    return new Result(
        ops,
        reads,
        entries,
        flushes,
        compactions,
        reopens,
        crashes,
        deepest,
        reader == null ? 0 : reader.reads());
  }

  /** Applies one op to the engine and the model; throws {@link ModelMismatch} on disagreement. */
  void apply(int i, Op op) {
    index = i;
    current = op;
    ops++;
    try {
      dispatch(op);
    } catch (ModelMismatch e) {
      throw e;
    } catch (RuntimeException | AssertionError e) {
      throw new ModelMismatch(i, op, "the engine failed: " + e, e);
    }
    if (reader != null && reader.failure() != null) {
      throw new ModelMismatch(i, op, reader.failure(), null);
    }
  }

  /** Records a write of {@code ops} (puts and deletes) in the reader's history, before it runs. */
  private void issue(List<Op> ops) {
    if (reader != null) {
      long s = seq;
      for (Op o : ops) {
        s++;
        if (o instanceof Op.Put p) {
          reader.record(s, p.key(), Op.value(p.valueId(), p.valueLength()));
        } else {
          reader.record(s, ((Op.Delete) o).key(), null);
        }
      }
      reader.issuing(s);
    }
  }

  private void acknowledge(int count) {
    seq += count;
    if (reader != null) {
      reader.acknowledged(seq);
    }
  }

  /** Closes the engine (cleanly, or as a dead process) and opens it again, reader paused. */
  private void swapEngine(boolean crash) {
    countBackgroundWork();
    if (reader != null) {
      reader.pause().writeLock().lock();
    }
    try {
      if (crash) {
        // Every I/O fails from here: the "process" is dead, and close cannot write anything.
        fs.failAt(FaultInjectingFileSystem.Op.ALL, 1, FaultInjectingFileSystem.Fault.CRASH);
        try {
          engine.close();
        } catch (RuntimeException expected) {
          // A dead process does not close cleanly; only the disk matters now.
        }
        fs.crash();
      } else {
        engine.close();
      }
      afterEngineGone();
      engine = LsmEngine.open(fs, ROOT, null);
      long reopened = engine.stats().seq();
      if (reopened != seq) {
        throw new ModelMismatch(
            index,
            current,
            "the sequence after reopen is " + reopened + ", the last acknowledged was " + seq,
            null);
      }
      if (reader != null) {
        reader.opened(seq);
      }
    } finally {
      if (reader != null) {
        reader.pause().writeLock().unlock();
      }
    }
  }

  private void dispatch(Op op) {
    if (op instanceof Op.Put p) {
      issue(List.of(p));
      engine.put(p.key(), Op.value(p.valueId(), p.valueLength()));
      acknowledge(1);
      model.put(p.key(), Op.value(p.valueId(), p.valueLength()));
    } else if (op instanceof Op.Delete d) {
      issue(List.of(d));
      engine.delete(d.key());
      acknowledge(1);
      model.remove(d.key());
    } else if (op instanceof Op.Batch b) {
      WriteBatch batch = new WriteBatch();
      for (Op o : b.ops()) {
        if (o instanceof Op.Put p) {
          batch.put(p.key(), Op.value(p.valueId(), p.valueLength()));
        } else {
          batch.delete(((Op.Delete) o).key());
        }
      }
      issue(b.ops());
      engine.write(batch);
      acknowledge(b.ops().size());
      for (Op o : b.ops()) {
        if (o instanceof Op.Put p) {
          model.put(p.key(), Op.value(p.valueId(), p.valueLength()));
        } else {
          model.remove(((Op.Delete) o).key());
        }
      }
    } else if (op instanceof Op.Get g) {
      checkGet(g.key(), engine.get(g.key()), model.get(g.key()));
    } else if (op instanceof Op.Scan s) {
      scan(s);
    } else if (op instanceof Op.SnapTake t) {
      release(t.slot());
      snaps.put(t.slot(), new SnapSlot(engine.snapshot(), new TreeMap<>(model)));
    } else if (op instanceof Op.SnapGet g) {
      SnapSlot slot = snaps.get(g.slot());
      if (slot != null) {
        checkGet(g.key(), engine.get(g.key(), slot.snapshot()), slot.model().get(g.key()));
      }
    } else if (op instanceof Op.SnapRelease r) {
      release(r.slot());
    } else if (op instanceof Op.IterOpen o) {
      openIterator(o);
    } else if (op instanceof Op.IterSeek s) {
      IterSlot slot = iters.get(s.slot());
      if (slot != null) {
        seek(slot.it, s.seek());
        slot.position = modelSeek(slot.view, s.seek());
        checkPosition(slot, "after " + s.seek());
      }
    } else if (op instanceof Op.IterStep s) {
      IterSlot slot = iters.get(s.slot());
      if (slot != null) {
        for (int n = 0; n < s.count() && slot.position != null; n++) {
          if (s.forward()) {
            slot.it.next();
            slot.position = slot.view.higherKey(slot.position);
          } else {
            slot.it.prev();
            slot.position = slot.view.lowerKey(slot.position);
          }
          checkPosition(slot, "after step " + (n + 1));
        }
      }
    } else if (op instanceof Op.IterClose c) {
      IterSlot slot = iters.remove(c.slot());
      if (slot != null) {
        slot.it.close();
      }
    } else if (op instanceof Op.Flush) {
      engine.flush();
    } else if (op instanceof Op.AwaitCompaction) {
      awaitQuiet();
    } else if (op instanceof Op.Reopen) {
      swapEngine(false);
      reopens++;
      checkEverything(index, "after reopen");
    } else if (op instanceof Op.Crash) {
      swapEngine(true);
      crashes++;
      checkEverything(index, "after crash");
    } else {
      throw new IllegalArgumentException("unknown op " + op);
    }
  }

  /** The old engine is gone: its snapshots and iterators must refuse to read, then close. */
  private void afterEngineGone() {
    for (Map.Entry<Integer, SnapSlot> e : snaps.entrySet()) {
      Snapshot s = e.getValue().snapshot();
      expectClosed("snapshot " + e.getKey(), s::sequence);
      s.close();
    }
    snaps.clear();
    for (Map.Entry<Integer, IterSlot> e : iters.entrySet()) {
      KiwiIterator it = e.getValue().it;
      expectClosed("iterator " + e.getKey(), it::seekToFirst);
      it.close();
    }
    iters.clear();
  }

  private void expectClosed(String what, Runnable call) {
    try {
      call.run();
    } catch (EngineClosedException expected) {
      return;
    }
    throw new ModelMismatch(index, current, what + " still reads after its engine closed", null);
  }

  private void release(int slot) {
    SnapSlot old = snaps.remove(slot);
    if (old != null) {
      old.snapshot().close();
    }
  }

  // ---------------------------------------------------------------- reads

  private void checkGet(byte[] key, Optional<byte[]> got, byte[] want) {
    reads++;
    if (!Arrays.equals(want, got.orElse(null))) {
      throw new ModelMismatch(
          index,
          current,
          "get "
              + Bytes.hex(key)
              + ": expected "
              + describe(want)
              + ", engine returned "
              + describe(got.orElse(null)),
          null);
    }
  }

  private NavigableMap<byte[], byte[]> source(int snapSlot) {
    if (snapSlot < 0) {
      return model;
    }
    SnapSlot s = snaps.get(snapSlot);
    return s == null ? null : s.model();
  }

  private Snapshot snapshot(int snapSlot) {
    return snapSlot < 0 ? null : snaps.get(snapSlot).snapshot();
  }

  /** The model's view of a scan: the keys of {@code source} the options select. */
  private static NavigableMap<byte[], byte[]> view(
      NavigableMap<byte[], byte[]> source, ScanOptions options) {
    TreeMap<byte[], byte[]> v = new TreeMap<>(Arrays::compareUnsigned);
    source.forEach(
        (k, val) -> {
          if (options.contains(k)) {
            v.put(k, val);
          }
        });
    return v;
  }

  private void scan(Op.Scan s) {
    NavigableMap<byte[], byte[]> source = source(s.range().snapSlot());
    if (source == null) {
      return;
    }
    ScanOptions options = s.range().options(snapshot(s.range().snapSlot()));
    NavigableMap<byte[], byte[]> view = view(source, options);
    List<byte[][]> want = new ArrayList<>();
    for (byte[] k = modelSeek(view, s.seek());
        k != null && want.size() < s.limit();
        k = s.reverse() ? view.lowerKey(k) : view.higherKey(k)) {
      want.add(new byte[][] {k, view.get(k)});
    }
    List<byte[][]> got = new ArrayList<>();
    try (KiwiIterator it = engine.iterator(options)) {
      seek(it, s.seek());
      while (it.isValid() && got.size() < s.limit()) {
        got.add(new byte[][] {it.key(), it.value()});
        if (s.reverse()) {
          it.prev();
        } else {
          it.next();
        }
      }
    }
    reads++;
    compareEntries(want, got, "scan");
  }

  private void compareEntries(List<byte[][]> want, List<byte[][]> got, String what) {
    int n = Math.min(want.size(), got.size());
    for (int i = 0; i < n; i++) {
      entries++;
      if (!Arrays.equals(want.get(i)[0], got.get(i)[0])
          || !Arrays.equals(want.get(i)[1], got.get(i)[1])) {
        throw new ModelMismatch(
            index,
            current,
            what
                + " entry "
                + i
                + ": expected "
                + Bytes.hex(want.get(i)[0])
                + "="
                + describe(want.get(i)[1])
                + ", engine returned "
                + Bytes.hex(got.get(i)[0])
                + "="
                + describe(got.get(i)[1]),
            null);
      }
    }
    if (want.size() != got.size()) {
      throw new ModelMismatch(
          index,
          current,
          what
              + ": expected "
              + want.size()
              + " entries, engine returned "
              + got.size()
              + (want.size() > n ? "; first missing " + Bytes.hex(want.get(n)[0]) : "")
              + (got.size() > n ? "; first extra " + Bytes.hex(got.get(n)[0]) : ""),
          null);
    }
  }

  private static void seek(KiwiIterator it, Op.Seek seek) {
    switch (seek.how()) {
      case "first" -> it.seekToFirst();
      case "last" -> it.seekToLast();
      case "ge" -> it.seek(seek.target());
      case "le" -> it.seekForPrev(seek.target());
      default -> throw new IllegalArgumentException("seek " + seek);
    }
  }

  private static byte[] modelSeek(NavigableMap<byte[], byte[]> view, Op.Seek seek) {
    return switch (seek.how()) {
      case "first" -> view.isEmpty() ? null : view.firstKey();
      case "last" -> view.isEmpty() ? null : view.lastKey();
      case "ge" -> view.ceilingKey(seek.target());
      case "le" -> view.floorKey(seek.target());
      default -> throw new IllegalArgumentException("seek " + seek);
    };
  }

  private void openIterator(Op.IterOpen o) {
    NavigableMap<byte[], byte[]> source = source(o.range().snapSlot());
    if (source == null) {
      return;
    }
    IterSlot old = iters.remove(o.slot());
    if (old != null) {
      old.it.close();
    }
    ScanOptions options = o.range().options(snapshot(o.range().snapSlot()));
    iters.put(o.slot(), new IterSlot(engine.iterator(options), view(source, options)));
  }

  private void checkPosition(IterSlot slot, String when) {
    reads++;
    boolean valid = slot.it.isValid();
    if (valid != (slot.position != null)) {
      throw new ModelMismatch(
          index,
          current,
          "iterator "
              + when
              + ": expected "
              + (slot.position == null ? "no entry" : Bytes.hex(slot.position))
              + ", engine is "
              + (valid ? "at " + Bytes.hex(slot.it.key()) : "not valid"),
          null);
    }
    if (valid) {
      List<byte[][]> want =
          List.<byte[][]>of(new byte[][] {slot.position, slot.view.get(slot.position)});
      List<byte[][]> got = List.<byte[][]>of(new byte[][] {slot.it.key(), slot.it.value()});
      compareEntries(want, got, "iterator " + when);
    }
  }

  /** Compares the whole store with the model: a forward and a reverse scan, and every get. */
  void checkEverything(int at, String what) {
    index = at;
    current = new Op.Scan(new Op.Range(null, null, null, -1), false, Op.Seek.FIRST, 0);
    List<byte[][]> want = new ArrayList<>();
    model.forEach((k, v) -> want.add(new byte[][] {k, v}));
    List<byte[][]> forward = new ArrayList<>();
    List<byte[][]> reverse = new ArrayList<>();
    try (KiwiIterator it = engine.iterator(ScanOptions.all())) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        forward.add(new byte[][] {it.key(), it.value()});
      }
      for (it.seekToLast(); it.isValid(); it.prev()) {
        reverse.add(0, new byte[][] {it.key(), it.value()});
      }
    } catch (RuntimeException e) {
      throw new ModelMismatch(at, current, what + ": full scan failed: " + e, e);
    }
    reads += 2;
    compareEntries(want, forward, what + ", full forward scan");
    compareEntries(want, reverse, what + ", full reverse scan");
    for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
      checkGet(e.getKey(), engine.get(e.getKey()), e.getValue());
    }
  }

  // ---------------------------------------------------------------- background work

  /**
   * Waits until no memtable awaits flush and the table set has not changed for a while (the
   * compaction check runs every 10 ms in these configs, so 150 ms of calm means it found nothing).
   */
  private void awaitQuiet() {
    long deadline = System.currentTimeMillis() + QUIET_TIMEOUT_MS;
    String last = null;
    long calmSince = 0;
    while (true) {
      EngineStats st = engine.stats();
      String shape = st.immutableQueueLen() + " " + st.counters().compactions() + " " + disk();
      long now = System.currentTimeMillis();
      if (!shape.equals(last) || st.immutableQueueLen() > 0) {
        last = shape;
        calmSince = now;
      } else if (now - calmSince >= 150) {
        return;
      }
      if (now > deadline) {
        throw new ModelMismatch(index, current, "flushes and compactions never went quiet", null);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ModelMismatch(index, current, "interrupted", e);
      }
    }
  }

  private String disk() {
    StringBuilder sb = new StringBuilder();
    engine
        .showDisk()
        .levels()
        .forEach(
            (level, files) -> {
              sb.append(level).append(':');
              for (TableSummary t : files) {
                sb.append(t.fileId()).append(',');
                if (!level.equals("L0")) {
                  deepest = Math.max(deepest, t.level());
                }
              }
            });
    return sb.toString();
  }

  private void countBackgroundWork() {
    try {
      EngineStats st = engine.stats();
      flushes += st.counters().flushes();
      compactions += st.counters().compactions();
      disk();
    } catch (EngineClosedException e) {
      // Counted already.
    }
  }

  static String describe(byte[] value) {
    if (value == null) {
      return "absent";
    }
    if (value.length < 4) {
      return "0x" + Bytes.hex(value);
    }
    int id = ((value[0] & 0xff) << 24) | ((value[1] & 0xff) << 16) | ((value[2] & 0xff) << 8);
    id |= value[3] & 0xff;
    return "v"
        + id
        + ":"
        + value.length
        + (Arrays.equals(value, Op.value(id, value.length)) ? "" : "(garbled)");
  }

  /** Stops the concurrent reader and fails if it saw anything wrong. */
  void stopReader() {
    if (reader == null) {
      return;
    }
    reader.stop();
    try {
      readerThread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (reader.failure() != null) {
      throw new ModelMismatch(index, current, reader.failure(), null);
    }
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.stop();
      try {
        readerThread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (IterSlot s : iters.values()) {
      s.it.close();
    }
    iters.clear();
    for (SnapSlot s : snaps.values()) {
      s.snapshot().close();
    }
    snaps.clear();
    engine.close();
  }
}
