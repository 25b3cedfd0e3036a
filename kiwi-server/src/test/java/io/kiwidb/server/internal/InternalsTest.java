package io.kiwidb.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small pieces the routes rely on: escaping, strict decoding, cursors, snapshot leases. */
class InternalsTest {
  @TempDir Path dir;

  @Test
  void htmlEscapesEveryCharacterThatCouldOpenMarkup() {
    assertEquals(
        "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;",
        Html.escape("<a href=\"x\" onclick='y'>&"));
    assertEquals("plain ✓", Html.escape("plain ✓"));
  }

  @Test
  void decodingIsStrictAndNamesTheField() {
    ProblemException lone =
        assertThrows(ProblemException.class, () -> ByteEncoding.UTF8.decode("key", "a\uD800b"));
    assertEquals("key", lone.field());
    ProblemException bad64 =
        assertThrows(ProblemException.class, () -> ByteEncoding.BASE64.decode("value", "***"));
    assertEquals("value", bad64.field());
    assertArrayEquals(
        new byte[] {(byte) 0xfb, (byte) 0xff}, ByteEncoding.BASE64.decode("k", "-_8"));
    assertArrayEquals(
        new byte[] {(byte) 0xfb, (byte) 0xff}, ByteEncoding.BASE64.decode("k", "+/8="));
    ProblemException notUtf8 =
        assertThrows(
            ProblemException.class,
            () -> ByteEncoding.UTF8.encode("the value", new byte[] {(byte) 0xc3}));
    assertEquals(422, notUtf8.status());
    assertEquals(ByteEncoding.BASE64, ByteEncoding.parse("encoding", "BASE64"));
    assertThrows(ProblemException.class, () -> ByteEncoding.parse("encoding", "hex"));
  }

  @Test
  void aCursorRoundTripsAndIsBoundToItsScan() {
    long fp = ScanCursor.fingerprint("p".getBytes(StandardCharsets.UTF_8), null, null, false, null);
    byte[] key = {0, 1, (byte) 0xff};
    assertArrayEquals(key, ScanCursor.decode(ScanCursor.encode(fp, key), fp));
    long other =
        ScanCursor.fingerprint("p".getBytes(StandardCharsets.UTF_8), null, null, true, null);
    assertThrows(
        ProblemException.class, () -> ScanCursor.decode(ScanCursor.encode(fp, key), other));
    // null and empty bounds are different scans
    long empty = ScanCursor.fingerprint(new byte[0], null, null, false, null);
    long none = ScanCursor.fingerprint(null, null, null, false, null);
    assertEquals(false, empty == none);
  }

  @Test
  void idleSnapshotsExpireButOnesInUseDoNot() {
    try (StorageEngine engine = KiwiDb.open(dir.resolve("d"));
        SnapshotLeases leases = new SnapshotLeases(engine, Duration.ofMillis(50))) {
      SnapshotLeases.Created idle = leases.create();
      SnapshotLeases.Created busy = leases.create();
      long later = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      leases.use(
          busy.id(),
          "snapshot",
          s -> {
            assertEquals(1, leases.expire(later)); // only the idle one
            return null;
          });
      assertEquals(1, leases.open());
      ProblemException gone =
          assertThrows(ProblemException.class, () -> leases.use(idle.id(), "snapshot", s -> null));
      assertEquals(404, gone.status());
      assertEquals(1, leases.expire(System.nanoTime() + Duration.ofSeconds(2).toNanos()));
      assertEquals(0, leases.open());
    }
  }
}
