package io.kiwidb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LimitsTest {
  @Test
  void keysMustBeNonEmptyAndWithinTheLimit() {
    assertThrows(NullPointerException.class, () -> Limits.checkKey(null));
    IllegalArgumentException empty =
        assertThrows(IllegalArgumentException.class, () -> Limits.checkKey(new byte[0]));
    assertTrue(empty.getMessage().contains("key is empty"), empty.getMessage());
    Limits.checkKey(new byte[Limits.MAX_KEY_BYTES]);
    IllegalArgumentException big =
        assertThrows(
            IllegalArgumentException.class,
            () -> Limits.checkKey(new byte[Limits.MAX_KEY_BYTES + 1]));
    assertTrue(big.getMessage().contains("65536 bytes"), big.getMessage());
  }

  @Test
  void valuesMayBeEmptyButNotNullOrTooLarge() {
    Limits.checkValue(new byte[0]);
    assertThrows(NullPointerException.class, () -> Limits.checkValue(null));
    assertThrows(
        IllegalArgumentException.class,
        () -> Limits.checkValue(new byte[Limits.MAX_VALUE_BYTES + 1]));
  }

  @Test
  void writeBatchCopiesAndValidates() {
    byte[] key = {1, 2};
    byte[] value = {3};
    WriteBatch batch = new WriteBatch().put(key, value).delete(new byte[] {9});
    key[0] = 7;
    assertEquals(1, batch.operations().get(0).key()[0]);
    assertEquals(2, batch.size());
    assertTrue(batch.operations().get(1).isDelete());
    assertThrows(IllegalArgumentException.class, () -> batch.put(new byte[0], value));
    assertThrows(UnsupportedOperationException.class, () -> batch.operations().clear());
    batch.clear();
    assertTrue(batch.isEmpty());
    assertEquals(0, batch.approximateBytes());
  }

  @Test
  void scanOptionsContainsHonoursBoundsAndPrefix() {
    ScanOptions range = ScanOptions.range(new byte[] {2}, new byte[] {5});
    assertTrue(range.contains(new byte[] {2}));
    assertTrue(range.contains(new byte[] {4, (byte) 0xff}));
    assertTrue(!range.contains(new byte[] {5}));
    assertTrue(!range.contains(new byte[] {1}));
    ScanOptions prefix = ScanOptions.prefix(new byte[] {(byte) 0x80});
    assertTrue(prefix.contains(new byte[] {(byte) 0x80, 0}));
    assertTrue(!prefix.contains(new byte[] {(byte) 0x81}));
    assertEquals(prefix, ScanOptions.all().withPrefix(new byte[] {(byte) 0x80}));
  }

  @Test
  void exceptionsNameWhatWentWrong() {
    assertEquals(
        "invalid config block_size=-1: must be at least 512",
        new InvalidConfigException("block_size", -1, "must be at least 512").getMessage());
    assertEquals(
        "invalid config memtable_impl=\"avl\": unknown",
        new InvalidConfigException("memtable_impl", "avl", "unknown").getMessage());
    CorruptionException c = new CorruptionException("sst/000007.sst", 4096, "block checksum");
    assertEquals("corruption in sst/000007.sst at offset 4096: block checksum", c.getMessage());
    assertEquals(4096, c.offset());
    assertEquals(
        "put failed: engine at ./data is closed",
        new EngineClosedException("engine at ./data", "put").getMessage());
  }
}
