package io.kiwidb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The worked example of {@code docs/format/wal.md}, byte for byte: the page and code agree. */
class LogFormatTest {
  @Test
  void theWorkedExampleOfTheFormatPageIsWhatTheWriterProduces() throws IOException {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    WalBatch batch =
        WalBatch.of(
            new WriteBatch().put(Bytes.utf8("k1"), Bytes.utf8("v1")).delete(Bytes.utf8("k2")),
            1_764_000_000_000L);
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      assertEquals(1, wal.append(batch));
    }
    String hex = Bytes.hex(fs.contents(WalTesting.DIR.resolve("000001.log")));
    assertEquals(EXPECTED, hex);
  }

  private static final String EXPECTED =
      // segment header: magic "KIWI-WAL", version 2, segment 1, masked CRC32C of those 20 bytes
      "4b4957492d57414c"
          + "02000000"
          + "0100000000000000"
          + "202d95ee"
          // chunk header: masked CRC32C of length+type+payload, length 31, type FULL
          + "07242314"
          + "1f00"
          + "01"
          // payload: first_seq 1, count 2, timestamp_ms 1764000000000
          + "0100000000000000"
          + "02000000"
          + "00e897b69a010000"
          // op 1: PUT, key "k1", value "v1"; op 2: DELETE, key "k2"
          + "01026b31027631"
          + "00026b32";
}
