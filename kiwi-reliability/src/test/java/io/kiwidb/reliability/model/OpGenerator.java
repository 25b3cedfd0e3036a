package io.kiwidb.reliability.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws random op logs. Keys come mostly from a small universe built from the bytes that make
 * ordering and prefix code go wrong ({@code 0x00}, {@code 0x7f}, {@code 0x80}, {@code 0xff}), so
 * keys are overwritten and deleted often and prefixes end at the {@code 0xff} boundary; the rest
 * from a wider range ({@code 'k'} and two bytes) that lets the store grow past one level. Values
 * are mostly small with occasional kilobyte-sized ones, so size-triggered freezes and deeper levels
 * happen too.
 *
 * <p>Weights (per 1000 ops, roughly): puts 300, deletes 80, batches 60, gets 140, scans 100,
 * snapshot ops 80, iterator ops 115, flushes 20, waits for compaction 7, reopens 4, crashes 4.
 */
final class OpGenerator {
  private static final byte[] FIRST = {0x00, 0x61, 0x62, (byte) 0xfe, (byte) 0xff};
  private static final byte[] REST = {0x00, 0x01, 0x7f, (byte) 0x80, (byte) 0xff};
  private static final byte[][] PREFIXES = {
    {(byte) 0xff},
    {(byte) 0xff, (byte) 0xff},
    {0x61},
    {0x00},
    {0x6b},
    {0x61, (byte) 0xff},
    {(byte) 0xfe, (byte) 0xff},
    {0x62, 0x00}
  };
  private static final int SNAP_SLOTS = 4;
  private static final int ITER_SLOTS = 3;

  private final Random random;
  private final List<byte[]> written = new ArrayList<>();
  private final boolean[] snapOpen = new boolean[SNAP_SLOTS];
  private final boolean[] iterOpen = new boolean[ITER_SLOTS];
  private int nextValueId = 1;

  OpGenerator(Random random) {
    this.random = random;
  }

  /** A log of {@code count} ops. */
  List<Op> log(int count) {
    List<Op> ops = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ops.add(next());
    }
    return ops;
  }

  private Op next() {
    int r = random.nextInt(1000);
    if (r < 300) {
      return put();
    } else if (r < 380) {
      return new Op.Delete(existingOrNewKey());
    } else if (r < 440) {
      List<Op> ops = new ArrayList<>();
      int n = 1 + random.nextInt(8);
      for (int i = 0; i < n; i++) {
        ops.add(random.nextInt(4) == 0 ? new Op.Delete(existingOrNewKey()) : put());
      }
      return new Op.Batch(ops);
    } else if (r < 580) {
      return new Op.Get(existingOrNewKey());
    } else if (r < 680) {
      return new Op.Scan(range(), random.nextBoolean(), seek(), 1 + random.nextInt(40));
    } else if (r < 700) {
      int slot = random.nextInt(SNAP_SLOTS);
      snapOpen[slot] = true;
      return new Op.SnapTake(slot);
    } else if (r < 745) {
      int slot = openSlot(snapOpen);
      return slot < 0 ? put() : new Op.SnapGet(slot, existingOrNewKey());
    } else if (r < 760) {
      int slot = openSlot(snapOpen);
      if (slot < 0) {
        return put();
      }
      snapOpen[slot] = false;
      return new Op.SnapRelease(slot);
    } else if (r < 780) {
      int slot = random.nextInt(ITER_SLOTS);
      iterOpen[slot] = true;
      return new Op.IterOpen(slot, range());
    } else if (r < 810) {
      int slot = openSlot(iterOpen);
      return slot < 0 ? put() : new Op.IterSeek(slot, seek());
    } else if (r < 865) {
      int slot = openSlot(iterOpen);
      return slot < 0 ? put() : new Op.IterStep(slot, random.nextBoolean(), 1 + random.nextInt(8));
    } else if (r < 875) {
      int slot = openSlot(iterOpen);
      if (slot < 0) {
        return put();
      }
      iterOpen[slot] = false;
      return new Op.IterClose(slot);
    } else if (r < 895) {
      return new Op.Flush();
    } else if (r < 902) {
      return new Op.AwaitCompaction();
    } else if (r < 906) {
      return engineGone(new Op.Reopen());
    } else if (r < 910) {
      return engineGone(new Op.Crash());
    }
    return put();
  }

  private Op engineGone(Op op) {
    java.util.Arrays.fill(snapOpen, false);
    java.util.Arrays.fill(iterOpen, false);
    return op;
  }

  private int openSlot(boolean[] open) {
    int start = random.nextInt(open.length);
    for (int i = 0; i < open.length; i++) {
      int s = (start + i) % open.length;
      if (open[s]) {
        return s;
      }
    }
    return -1;
  }

  private Op.Put put() {
    byte[] key = newKey();
    written.add(key);
    int r = random.nextInt(100);
    int length;
    if (key[0] == 0x6b && r < 75) {
      // The wide key range carries the bulk, so the store outgrows L1 (1 MiB) in long logs.
      length = 1000 + random.nextInt(9000);
    } else if (r < 85) {
      length = random.nextInt(24);
    } else if (r < 97) {
      length = 100 + random.nextInt(1900);
    } else {
      length = 4000 + random.nextInt(12000);
    }
    return new Op.Put(key, nextValueId++, length);
  }

  private byte[] newKey() {
    if (random.nextInt(3) == 0) {
      return new byte[] {0x6b, (byte) random.nextInt(256), (byte) random.nextInt(16)};
    }
    byte[] k = new byte[1 + random.nextInt(3)];
    k[0] = FIRST[random.nextInt(FIRST.length)];
    for (int i = 1; i < k.length; i++) {
      k[i] = REST[random.nextInt(REST.length)];
    }
    return k;
  }

  private byte[] existingOrNewKey() {
    if (!written.isEmpty() && random.nextInt(10) < 7) {
      // Recent keys are likelier to still be live and to sit in memtables or young tables.
      int span = Math.min(written.size(), 1 + random.nextInt(200));
      return written.get(written.size() - 1 - random.nextInt(span));
    }
    return newKey();
  }

  private Op.Range range() {
    byte[] lower = random.nextBoolean() ? null : existingOrNewKey();
    byte[] upper = random.nextBoolean() ? null : existingOrNewKey();
    byte[] prefix = null;
    int p = random.nextInt(10);
    if (p < 3) {
      prefix = PREFIXES[random.nextInt(PREFIXES.length)];
    } else if (p == 3) {
      prefix = java.util.Arrays.copyOf(existingOrNewKey(), 1 + random.nextInt(2));
    }
    int snap = random.nextInt(5) < 2 ? openSlot(snapOpen) : -1;
    return new Op.Range(lower, upper, prefix, snap);
  }

  private Op.Seek seek() {
    return switch (random.nextInt(4)) {
      case 0 -> Op.Seek.FIRST;
      case 1 -> Op.Seek.LAST;
      case 2 -> new Op.Seek("ge", existingOrNewKey());
      default -> new Op.Seek("le", existingOrNewKey());
    };
  }
}
