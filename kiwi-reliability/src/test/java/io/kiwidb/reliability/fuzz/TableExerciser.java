package io.kiwidb.reliability.fuzz;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.sstable.TableCodecs;
import io.kiwidb.sstable.table.BlockCache;
import io.kiwidb.sstable.table.TableLookup;
import io.kiwidb.sstable.table.TableReader;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Opens a table file and drives every read path over it: a forward scan, a backward scan, seeks and
 * point lookups of the keys it found (and of neighbours), and {@link TableReader#verify()}. Damage
 * may only surface as {@link CorruptionException}; anything else escapes to the fuzzer as a
 * finding. Iteration is capped, so a malformed block cannot turn into a hang.
 */
final class TableExerciser {
  private static final int MAX_STEPS = 10_000;

  private TableExerciser() {}

  static void exercise(byte[] file) {
    Path path = FuzzFiles.ROOT.resolve("sst/000001.sst");
    InMemoryFileSystem fs = FuzzFiles.fsWith(path, file);
    TableReader r;
    try {
      r =
          TableReader.open(
              fs, path, 1, new BlockCache(8, 8, 8), TableCodecs.installed().withoutFilters());
    } catch (CorruptionException expected) {
      return;
    }
    try {
      List<byte[]> keys = new ArrayList<>();
      List<Long> seqs = new ArrayList<>();
      try (InternalIterator it = r.iterator()) {
        int steps = 0;
        for (it.seekToFirst(); it.isValid() && steps < MAX_STEPS; it.next(), steps++) {
          keys.add(it.key());
          seqs.add(it.seq());
          it.value();
          it.kind();
        }
        steps = 0;
        for (it.seekToLast(); it.isValid() && steps < MAX_STEPS; it.prev(), steps++) {
          it.key();
        }
        for (int i = 0; i < Math.min(keys.size(), 64); i++) {
          // No claim about where it lands: a block that passed its checksum may still hold
          // entries out of order, which only verify() checks.
          it.seek(keys.get(i), seqs.get(i));
        }
      } catch (CorruptionException expected) {
        // Damage found on the way; the lookups below still must not misbehave.
      }
      for (int i = 0; i < Math.min(keys.size(), 64); i++) {
        byte[] k = keys.get(i);
        if (k.length == 0) {
          continue;
        }
        lookup(r, k, KeyOrder.MAX_SEQUENCE);
        lookup(r, k, 0);
        byte[] after = Arrays.copyOf(k, k.length + 1);
        lookup(r, after, KeyOrder.MAX_SEQUENCE);
      }
      lookup(r, new byte[] {0}, KeyOrder.MAX_SEQUENCE);
      lookup(r, new byte[] {(byte) 0xff, (byte) 0xff}, KeyOrder.MAX_SEQUENCE);
      try {
        r.verify();
      } catch (CorruptionException expected) {
        // Fine: that is what verify is for.
      }
    } finally {
      r.close();
    }
  }

  private static void lookup(TableReader r, byte[] key, long seq) {
    try {
      TableLookup found = r.get(key, seq);
      if (found.isFound() && !Arrays.equals(found.entry().key(), key)) {
        throw new AssertionError("lookup of one key returned another");
      }
    } catch (CorruptionException expected) {
      // Fine.
    }
  }
}
