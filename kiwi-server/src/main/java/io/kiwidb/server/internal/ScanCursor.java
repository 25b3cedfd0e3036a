package io.kiwidb.server.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * The {@code next_cursor} of a paged scan: the last key a page returned, bound to the scan it came
 * from. The next page starts after that key (before it, in a reverse scan), so paging never skips
 * or repeats a key, and keys written between pages show up if they fall after the cursor (read at a
 * snapshot for a fully consistent listing).
 *
 * <p>Form: URL-safe base64 of {@code version(1) | fingerprint(8) | last key}. The fingerprint
 * hashes the scan's prefix, bounds, direction and snapshot id, so a cursor handed to a different
 * scan is rejected instead of silently jumping. A cursor is not a secret and carries no authority.
 */
public final class ScanCursor {
  private static final byte VERSION = 1;

  private ScanCursor() {}

  /** The fingerprint of a scan's parameters. */
  public static long fingerprint(
      byte[] prefix, byte[] from, byte[] to, boolean reverse, String snapshot) {
    long h = 0xcbf29ce484222325L; // FNV-1a 64
    for (byte[] part :
        new byte[][] {
          prefix,
          from,
          to,
          {(byte) (reverse ? 1 : 0)},
          snapshot == null ? null : Text.utf8(snapshot)
        }) {
      if (part == null) {
        h = (h ^ 0xff) * 0x100000001b3L;
        continue;
      }
      h = (h ^ part.length) * 0x100000001b3L;
      for (byte b : part) {
        h = (h ^ (b & 0xff)) * 0x100000001b3L;
      }
    }
    return h;
  }

  /** Encodes a cursor. */
  public static String encode(long fingerprint, byte[] lastKey) {
    ByteBuffer b = ByteBuffer.allocate(9 + lastKey.length);
    b.put(VERSION).putLong(fingerprint).put(lastKey);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /**
   * Decodes a cursor and returns the last key.
   *
   * @throws ProblemException 400 naming {@code cursor} if it is malformed or from another scan
   */
  public static byte[] decode(String cursor, long expectedFingerprint) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(cursor);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest("cursor", "cursor is not a cursor this server issued");
    }
    if (raw.length < 10 || raw[0] != VERSION) {
      throw ProblemException.badRequest("cursor", "cursor is not a cursor this server issued");
    }
    long fp = ByteBuffer.wrap(raw, 1, 8).getLong();
    if (fp != expectedFingerprint) {
      throw ProblemException.badRequest(
          "cursor",
          "cursor belongs to a scan with other parameters (prefix, from, to, reverse or snapshot"
              + " changed): repeat them exactly, or start again without a cursor");
    }
    return Arrays.copyOfRange(raw, 9, raw.length);
  }
}
