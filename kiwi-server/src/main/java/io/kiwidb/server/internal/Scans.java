package io.kiwidb.server.internal;

import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.StorageEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One page of a range, prefix or reverse scan: shared by {@code GET /api/scan} and the KV explorer.
 * A page ends at {@code limit} keys or once it holds {@link #PAGE_BYTES} of keys and values (so a
 * page of large values stays bounded), whichever comes first; it always holds at least one entry
 * when any is left.
 */
public final class Scans {
  /** The most keys one page returns. */
  public static final int MAX_LIMIT = 1000;

  /** The default page size. */
  public static final int DEFAULT_LIMIT = 100;

  /** A page stops growing past this many key and value bytes. */
  public static final long PAGE_BYTES = 4L << 20;

  private Scans() {}

  /** What to scan. */
  public record Request(
      byte[] prefix,
      byte[] from,
      byte[] to,
      boolean reverse,
      int limit,
      String snapshotId,
      String cursor) {
    long fingerprint() {
      return ScanCursor.fingerprint(prefix, from, to, reverse, snapshotId);
    }
  }

  /** One page: entries as {key, value} pairs, and the cursor for the next page or null. */
  public record Page(List<byte[][]> entries, String nextCursor, Long snapshotSequence) {}

  /** Reads one page (at the leased snapshot when the request names one). */
  public static Page page(StorageEngine engine, SnapshotLeases leases, Request r) {
    byte[] after = r.cursor() == null ? null : ScanCursor.decode(r.cursor(), r.fingerprint());
    if (r.snapshotId() == null) {
      return read(engine, null, r, after);
    }
    return leases.use(r.snapshotId(), "snapshot", s -> read(engine, s, r, after));
  }

  private static Page read(StorageEngine engine, Snapshot snapshot, Request r, byte[] after) {
    List<byte[][]> out = new ArrayList<>();
    byte[] last = null;
    boolean more;
    try (KiwiIterator it =
        engine.iterator(new ScanOptions(r.from(), r.to(), r.prefix(), snapshot))) {
      if (after == null) {
        if (r.reverse()) {
          it.seekToLast();
        } else {
          it.seekToFirst();
        }
      } else if (r.reverse()) {
        it.seekForPrev(after);
        if (it.isValid() && Arrays.equals(it.key(), after)) {
          it.prev();
        }
      } else {
        it.seek(after);
        if (it.isValid() && Arrays.equals(it.key(), after)) {
          it.next();
        }
      }
      long bytes = 0;
      while (it.isValid() && out.size() < r.limit() && (out.isEmpty() || bytes < PAGE_BYTES)) {
        byte[] k = it.key();
        byte[] v = it.value();
        out.add(new byte[][] {k, v});
        bytes += k.length + v.length;
        last = k;
        if (r.reverse()) {
          it.prev();
        } else {
          it.next();
        }
      }
      more = it.isValid() && r.limit() > 0;
    }
    String next = more && last != null ? ScanCursor.encode(r.fingerprint(), last) : null;
    return new Page(out, next, snapshot == null ? null : snapshot.sequence());
  }
}
