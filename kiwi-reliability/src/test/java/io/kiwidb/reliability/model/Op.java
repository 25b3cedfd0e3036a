package io.kiwidb.reliability.model;

import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.spi.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One step of a model-based run. Every op prints as one line of a small text format and parses back
 * from it, so a failing log (or a shrunk one) can be pasted into a regression test as it is:
 *
 * <pre>
 * put 61ff v17:300          key 0x61ff, value #17 of 300 bytes
 * del 61
 * batch put 61 v3:0, del 62 one WriteBatch
 * get 61
 * scan lo=61 hi=- pre=- snap=2 rev seek=le:62 limit=5
 * snap-take 2 | snap-get 2 61 | snap-release 2
 * iter-open 1 lo=- hi=- pre=ff snap=- | iter-seek 1 ge:61 | iter-step 1 prev 4 | iter-close 1
 * flush | await-compaction | reopen | crash
 * </pre>
 *
 * Keys are hex; a value is named by an id and a length and generated from them ({@link #value}), so
 * logs stay short and values stay distinct.
 */
sealed interface Op {
  /** Bounds, prefix and snapshot slot of a scan or iterator ({@code null}/-1 for none). */
  record Range(byte[] lower, byte[] upper, byte[] prefix, int snapSlot) {
    ScanOptions options(Snapshot snapshot) {
      ScanOptions o = new ScanOptions(lower, upper, prefix, null);
      return snapshot == null ? o : o.withSnapshot(snapshot);
    }

    @Override
    public String toString() {
      return "lo="
          + hexOrDash(lower)
          + " hi="
          + hexOrDash(upper)
          + " pre="
          + hexOrDash(prefix)
          + " snap="
          + (snapSlot < 0 ? "-" : Integer.toString(snapSlot));
    }

    static Range parse(String lo, String hi, String pre, String snap) {
      return new Range(
          dashOrHex(after(lo, "lo=")),
          dashOrHex(after(hi, "hi=")),
          dashOrHex(after(pre, "pre=")),
          after(snap, "snap=").equals("-") ? -1 : Integer.parseInt(after(snap, "snap=")));
    }
  }

  /** Where a scan or iterator seek starts: first, last, {@code ge:key} or {@code le:key}. */
  record Seek(String how, byte[] target) {
    static final Seek FIRST = new Seek("first", null);
    static final Seek LAST = new Seek("last", null);

    @Override
    public String toString() {
      return target == null ? how : how + ":" + Bytes.hex(target);
    }

    static Seek parse(String s) {
      return switch (s) {
        case "first" -> FIRST;
        case "last" -> LAST;
        default -> {
          int colon = s.indexOf(':');
          yield new Seek(s.substring(0, colon), Bytes.fromHex(s.substring(colon + 1)));
        }
      };
    }
  }

  record Put(byte[] key, int valueId, int valueLength) implements Op {
    @Override
    public String toString() {
      return "put " + Bytes.hex(key) + " v" + valueId + ":" + valueLength;
    }
  }

  record Delete(byte[] key) implements Op {
    @Override
    public String toString() {
      return "del " + Bytes.hex(key);
    }
  }

  /** A WriteBatch of puts and deletes. */
  record Batch(List<Op> ops) implements Op {
    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      for (Op op : ops) {
        parts.add(op.toString());
      }
      return "batch " + String.join(", ", parts);
    }
  }

  record Get(byte[] key) implements Op {
    @Override
    public String toString() {
      return "get " + Bytes.hex(key);
    }
  }

  /** Opens an iterator, seeks, reads up to {@code limit} entries in one direction, closes it. */
  record Scan(Range range, boolean reverse, Seek seek, int limit) implements Op {
    @Override
    public String toString() {
      return "scan " + range + (reverse ? " rev" : " fwd") + " seek=" + seek + " limit=" + limit;
    }
  }

  record SnapTake(int slot) implements Op {
    @Override
    public String toString() {
      return "snap-take " + slot;
    }
  }

  record SnapGet(int slot, byte[] key) implements Op {
    @Override
    public String toString() {
      return "snap-get " + slot + " " + Bytes.hex(key);
    }
  }

  record SnapRelease(int slot) implements Op {
    @Override
    public String toString() {
      return "snap-release " + slot;
    }
  }

  /** Opens an iterator that stays open across later ops until {@link IterClose}. */
  record IterOpen(int slot, Range range) implements Op {
    @Override
    public String toString() {
      return "iter-open " + slot + " " + range;
    }
  }

  record IterSeek(int slot, Seek seek) implements Op {
    @Override
    public String toString() {
      return "iter-seek " + slot + " " + seek;
    }
  }

  /** Up to {@code count} steps, stopping early when the iterator runs off its range. */
  record IterStep(int slot, boolean forward, int count) implements Op {
    @Override
    public String toString() {
      return "iter-step " + slot + (forward ? " next " : " prev ") + count;
    }
  }

  record IterClose(int slot) implements Op {
    @Override
    public String toString() {
      return "iter-close " + slot;
    }
  }

  /** A manual flush of the active memtable. */
  record Flush() implements Op {
    @Override
    public String toString() {
      return "flush";
    }
  }

  /** Waits until the flush queue is empty and compactions have gone quiet. */
  record AwaitCompaction() implements Op {
    @Override
    public String toString() {
      return "await-compaction";
    }
  }

  /** A clean close and reopen. */
  record Reopen() implements Op {
    @Override
    public String toString() {
      return "reopen";
    }
  }

  /** A power cut (every unsynced byte and directory entry lost) and a reopen. */
  record Crash() implements Op {
    @Override
    public String toString() {
      return "crash";
    }
  }

  /** The bytes of value {@code id} with {@code length} bytes: the id, then a pattern. */
  static byte[] value(int id, int length) {
    byte[] v = new byte[length];
    for (int i = 0; i < length; i++) {
      v[i] = i < 4 ? (byte) (id >>> (8 * (3 - i))) : (byte) (id * 31 + i);
    }
    return v;
  }

  /** Parses one line of the text format. */
  static Op parse(String line) {
    String[] t = line.trim().split("\\s+");
    try {
      return switch (t[0]) {
        case "put" -> parsePut(t[1], t[2]);
        case "del" -> new Delete(Bytes.fromHex(t[1]));
        case "batch" -> parseBatch(line.trim().substring("batch".length()));
        case "get" -> new Get(Bytes.fromHex(t[1]));
        case "scan" ->
            new Scan(
                Range.parse(t[1], t[2], t[3], t[4]),
                t[5].equals("rev"),
                Seek.parse(after(t[6], "seek=")),
                Integer.parseInt(after(t[7], "limit=")));
        case "snap-take" -> new SnapTake(Integer.parseInt(t[1]));
        case "snap-get" -> new SnapGet(Integer.parseInt(t[1]), Bytes.fromHex(t[2]));
        case "snap-release" -> new SnapRelease(Integer.parseInt(t[1]));
        case "iter-open" ->
            new IterOpen(Integer.parseInt(t[1]), Range.parse(t[2], t[3], t[4], t[5]));
        case "iter-seek" -> new IterSeek(Integer.parseInt(t[1]), Seek.parse(t[2]));
        case "iter-step" ->
            new IterStep(Integer.parseInt(t[1]), t[2].equals("next"), Integer.parseInt(t[3]));
        case "iter-close" -> new IterClose(Integer.parseInt(t[1]));
        case "flush" -> new Flush();
        case "await-compaction" -> new AwaitCompaction();
        case "reopen" -> new Reopen();
        case "crash" -> new Crash();
        default -> throw new IllegalArgumentException("unknown op " + t[0]);
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot parse op line '" + line + "': " + e, e);
    }
  }

  /** Parses a whole log, one op per non-blank line; {@code #} starts a comment. */
  static List<Op> parseAll(String text) {
    List<Op> ops = new ArrayList<>();
    for (String line : text.split("\n")) {
      int hash = line.indexOf('#');
      String l = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (!l.isEmpty()) {
        ops.add(parse(l));
      }
    }
    return ops;
  }

  private static Put parsePut(String key, String value) {
    int colon = value.indexOf(':');
    return new Put(
        Bytes.fromHex(key),
        Integer.parseInt(value.substring(1, colon)),
        Integer.parseInt(value.substring(colon + 1)));
  }

  private static Batch parseBatch(String body) {
    List<Op> ops = new ArrayList<>();
    for (String part : body.split(",")) {
      Op op = parse(part);
      if (!(op instanceof Put || op instanceof Delete)) {
        throw new IllegalArgumentException("a batch holds puts and deletes only: " + part);
      }
      ops.add(op);
    }
    return new Batch(ops);
  }

  private static String after(String token, String prefix) {
    if (!token.startsWith(prefix)) {
      throw new IllegalArgumentException("expected " + prefix + "..., got " + token);
    }
    return token.substring(prefix.length());
  }

  private static String hexOrDash(byte[] b) {
    return b == null ? "-" : Bytes.hex(b);
  }

  private static byte[] dashOrHex(String s) {
    return s.equals("-") ? null : Bytes.fromHex(s);
  }

  /** Whether two logs are the same ops (records compare arrays by identity, so via text). */
  static boolean sameLog(List<Op> a, List<Op> b) {
    return Arrays.equals(
        a.stream().map(Op::toString).toArray(), b.stream().map(Op::toString).toArray());
  }
}
