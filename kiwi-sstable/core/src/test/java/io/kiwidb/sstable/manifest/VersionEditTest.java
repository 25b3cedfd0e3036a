package io.kiwidb.sstable.manifest;

import static io.kiwidb.sstable.manifest.Tables.table;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandomExtension.class)
class VersionEditTest {

  static VersionEdit randomEdit(SeededRandom random) {
    VersionEdit e = new VersionEdit();
    if (random.nextBoolean()) {
      e.setKeyOrderName("order-" + random.nextInt(100));
    }
    if (random.nextBoolean()) {
      e.setLogNumber(random.nextLong() >>> 1);
    }
    if (random.nextBoolean()) {
      e.setNextFileNumber(random.nextLong() >>> 1);
    }
    if (random.nextBoolean()) {
      e.setLastSequence(random.nextLong() >>> 8);
    }
    for (int i = random.nextInt(4); i > 0; i--) {
      e.deleteFile(random.nextInt(Version.MAX_LEVELS), 1 + (random.nextLong() >>> 1));
    }
    for (int i = random.nextInt(4); i > 0; i--) {
      byte[] a = random.bytes(1 + random.nextInt(20));
      byte[] b = random.bytes(1 + random.nextInt(20));
      boolean ordered = KeyOrder.compareKeys(a, b) <= 0;
      long s1 = random.nextLong() >>> 8;
      long s2 = random.nextLong() >>> 8;
      long entries = random.nextLong() >>> 1;
      e.addFile(
          new TableMeta(
              1 + random.nextInt(1 << 30),
              random.nextInt(Version.MAX_LEVELS),
              ordered ? a : b,
              ordered ? b : a,
              random.nextLong() >>> 1,
              entries,
              entries == 0 ? 0 : Math.floorMod(random.nextLong(), entries),
              Math.min(s1, s2),
              Math.max(s1, s2)));
    }
    return e;
  }

  @Test
  void encodeDecodeRoundTrips(SeededRandom random) {
    for (int i = 0; i < 2000; i++) {
      VersionEdit e = randomEdit(random);
      byte[] bytes = e.encode();
      VersionEdit back = VersionEdit.decode(bytes, 0, bytes.length);
      assertArrayEquals(bytes, back.encode(), e.toString());
      assertEquals(e, back);
      assertEquals(e.addedFiles().size(), back.addedFiles().size());
      for (int j = 0; j < e.addedFiles().size(); j++) {
        TableMeta x = e.addedFiles().get(j);
        TableMeta y = back.addedFiles().get(j);
        assertArrayEquals(x.smallestKey(), y.smallestKey());
        assertArrayEquals(x.largestKey(), y.largestKey());
        assertEquals(
            Arrays.asList(
                x.fileNumber(),
                (long) x.level(),
                x.sizeBytes(),
                x.entryCount(),
                x.tombstoneCount(),
                x.minSeq(),
                x.maxSeq()),
            Arrays.asList(
                y.fileNumber(),
                (long) y.level(),
                y.sizeBytes(),
                y.entryCount(),
                y.tombstoneCount(),
                y.minSeq(),
                y.maxSeq()));
      }
      assertEquals(e.deletedFiles(), back.deletedFiles());
      assertEquals(e.logNumber(), back.logNumber());
      assertEquals(e.nextFileNumber(), back.nextFileNumber());
      assertEquals(e.lastSequence(), back.lastSequence());
      assertEquals(e.keyOrderName(), back.keyOrderName());
    }
  }

  @Test
  void decodesFromTheMiddleOfABuffer() {
    VersionEdit e = new VersionEdit().setLogNumber(7).addFile(table(3, 1, "a", "b"));
    byte[] bytes = e.encode();
    byte[] padded = new byte[bytes.length + 10];
    System.arraycopy(bytes, 0, padded, 5, bytes.length);
    assertEquals(e, VersionEdit.decode(padded, 5, bytes.length));
  }

  @Test
  void emptyEditEncodesToNothing() {
    VersionEdit e = new VersionEdit();
    assertTrue(e.isEmpty());
    assertEquals(0, e.encode().length);
    assertTrue(VersionEdit.decode(new byte[0], 0, 0).isEmpty());
  }

  @Test
  void everyTruncationInsideAFieldIsRejectedAndCutsAtFieldBoundariesDecodeAPrefix() {
    VersionEdit e =
        new VersionEdit()
            .setLogNumber(300)
            .setLastSequence(1 << 20)
            .deleteFile(1, 17)
            .addFile(table(12, 2, "apple", "melon"));
    byte[] bytes = e.encode();
    int rejected = 0;
    for (int len = 0; len < bytes.length; len++) {
      try {
        VersionEdit prefix = VersionEdit.decode(bytes, 0, len);
        // A cut exactly between fields is a smaller, valid edit (the manifest's record checksum is
        // what catches truncation there); it must re-encode to exactly the prefix.
        assertArrayEquals(Arrays.copyOf(bytes, len), prefix.encode());
      } catch (IllegalArgumentException expected) {
        rejected++;
      }
    }
    assertTrue(rejected > bytes.length / 2, "most cuts fall inside a field: " + rejected);
  }

  @Test
  void unknownTagIsRejectedWithItsOffset() {
    byte[] good = new VersionEdit().setLogNumber(5).encode();
    byte[] bad = Arrays.copyOf(good, good.length + 2);
    bad[good.length] = 42;
    bad[good.length + 1] = 1;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VersionEdit.decode(bad, 0, bad.length));
    assertEquals("version edit field at offset 2: unknown tag 42", e.getMessage());
  }

  @Test
  void repeatedSingletonFieldIsRejected() {
    byte[] once = new VersionEdit().setLastSequence(9).encode();
    byte[] twice = new byte[once.length * 2];
    System.arraycopy(once, 0, twice, 0, once.length);
    System.arraycopy(once, 0, twice, once.length, once.length);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> VersionEdit.decode(twice, 0, twice.length));
    assertTrue(e.getMessage().contains("last sequence appears twice"), e.getMessage());
  }

  @Test
  void keyLengthPastTheEndIsRejected() {
    byte[] b = new VersionEdit().addFile(table(3, 1, "abc", "abd")).encode();
    // tag 6, level 1, number 3, size 300 (2 bytes), then the smallest key's length at offset 5.
    assertEquals(3, b[5]);
    b[5] = 100;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VersionEdit.decode(b, 0, b.length));
    assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
  }

  @Test
  void implausibleValuesAreRejected() {
    byte[] b = new byte[12];
    int n = Coding.putVarLong(b, 0, VersionEdit.TAG_LAST_SEQUENCE);
    n = Coding.putVarLong(b, n, KeyOrder.MAX_SEQUENCE + 1);
    int len = n;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VersionEdit.decode(b, 0, len));
    assertTrue(e.getMessage().contains("sequence"), e.getMessage());

    byte[] level = new byte[12];
    int m = Coding.putVarLong(level, 0, VersionEdit.TAG_DELETED_FILE);
    m = Coding.putVarLong(level, m, Version.MAX_LEVELS);
    m = Coding.putVarLong(level, m, 5);
    int levelLen = m;
    e = assertThrows(IllegalArgumentException.class, () -> VersionEdit.decode(level, 0, levelLen));
    assertTrue(e.getMessage().contains("level 64 is outside [0, 63]"), e.getMessage());
  }

  @Test
  void builderRejectsBadArgumentsNamingThem() {
    VersionEdit e = new VersionEdit();
    assertThrows(IllegalArgumentException.class, () -> e.setLogNumber(-1));
    assertThrows(IllegalArgumentException.class, () -> e.deleteFile(-1, 3));
    assertThrows(IllegalArgumentException.class, () -> e.deleteFile(1, 0));
    IllegalArgumentException x =
        assertThrows(IllegalArgumentException.class, () -> e.addFile(table(5, 1, "", "b")));
    assertTrue(x.getMessage().startsWith("table 5: key is empty"), x.getMessage());
    assertTrue(e.isEmpty());
  }

  @Test
  void toStringIsReadable() {
    VersionEdit e =
        new VersionEdit()
            .setLogNumber(4)
            .setLastSequence(99)
            .deleteFile(0, 7)
            .addFile(table(12, 1, "a", "f"));
    assertEquals("{ log=4 seq=99 -L0:7 +L1:12[a..f] }", e.toString());
  }
}
