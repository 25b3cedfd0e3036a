package io.kiwidb.sstable.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The worked example of {@code docs/format/sstable.md}: a three-entry table written with a fixed
 * clock must have exactly the bytes in {@code testdata/sstable-example.hex} (the page shows the
 * same dump). A format change fails here first; regenerate with {@code -Dkiwi.golden.rewrite=true}
 * and update the page.
 */
class TableFormatExampleTest {
  static byte[] exampleTable() throws IOException {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    Path p = Path.of("/000001.sst");
    try (TableBuilder b =
        TableBuilder.create(fs, p, TableOptions.defaults(), () -> 1_700_000_000_000L)) {
      b.add(InternalEntry.put(Bytes.utf8("apple"), 3, Bytes.utf8("red")));
      b.add(InternalEntry.delete(Bytes.utf8("apple"), 1));
      b.add(InternalEntry.put(Bytes.utf8("apricot"), 2, Bytes.utf8("orange")));
      b.finish();
    }
    return fs.contents(p);
  }

  static String hexDump(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < b.length; i += 16) {
      s.append(String.format("%04x ", i));
      for (int j = i; j < i + 16 && j < b.length; j++) {
        s.append(String.format(" %02x", b[j] & 0xff));
      }
      s.append('\n');
    }
    return s.toString();
  }

  @Test
  void exampleTableHasTheDocumentedBytes() throws IOException {
    String actual = hexDump(exampleTable());
    if (Boolean.getBoolean("kiwi.golden.rewrite")) {
      System.out.println("=== sstable-example.hex ===\n" + actual);
    }
    String expected;
    try (InputStream in =
        TableFormatExampleTest.class.getResourceAsStream("/testdata/sstable-example.hex")) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(expected, actual);
  }
}
