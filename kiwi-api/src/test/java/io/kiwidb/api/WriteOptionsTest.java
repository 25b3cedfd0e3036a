package io.kiwidb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.WriteOptions.Sync;
import org.junit.jupiter.api.Test;

/** {@link WriteOptions}: the constants, the one combination it refuses, and the withers. */
class WriteOptionsTest {
  @Test
  void theConstantsSayWhatTheirNamesSay() {
    assertEquals(new WriteOptions(Sync.DEFAULT, false), WriteOptions.DEFAULTS);
    assertEquals(new WriteOptions(Sync.SYNC, false), WriteOptions.SYNC);
    assertEquals(new WriteOptions(Sync.NO_SYNC, false), WriteOptions.NO_SYNC);
    assertEquals(new WriteOptions(Sync.DEFAULT, true), WriteOptions.NO_WAL);
    assertNotEquals(WriteOptions.SYNC, WriteOptions.NO_SYNC);
    assertEquals(WriteOptions.NO_WAL.hashCode(), new WriteOptions(Sync.DEFAULT, true).hashCode());
  }

  @Test
  void syncWithDisableWalIsRefusedNamingBoth() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new WriteOptions(Sync.SYNC, true));
    assertTrue(e.getMessage().contains("sync=SYNC"), e.getMessage());
    assertTrue(e.getMessage().contains("disableWal=true"), e.getMessage());
    assertTrue(e.getMessage().contains("flush(true)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WriteOptions.NO_WAL.withSync(Sync.SYNC));
    assertThrows(IllegalArgumentException.class, () -> WriteOptions.SYNC.withDisableWal(true));
  }

  @Test
  void everyOtherCombinationIsAllowed() {
    for (Sync s : Sync.values()) {
      WriteOptions logged = new WriteOptions(s, false);
      assertEquals(s, logged.sync());
      assertFalse(logged.disableWal());
      if (s != Sync.SYNC) {
        assertTrue(new WriteOptions(s, true).disableWal());
      }
    }
  }

  @Test
  void nullSyncIsRefused() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> new WriteOptions(null, false));
    assertEquals("sync", e.getMessage());
  }

  @Test
  void withersChangeOneComponentAndLeaveTheOriginal() {
    WriteOptions o = WriteOptions.NO_SYNC.withDisableWal(true);
    assertEquals(new WriteOptions(Sync.NO_SYNC, true), o);
    assertEquals(new WriteOptions(Sync.NO_SYNC, false), WriteOptions.NO_SYNC, "immutable");
    assertEquals(WriteOptions.SYNC, WriteOptions.DEFAULTS.withSync(Sync.SYNC));
    assertEquals(WriteOptions.NO_SYNC, o.withDisableWal(false));
    assertEquals(WriteOptions.NO_WAL, o.withSync(Sync.DEFAULT));
  }
}
