package io.kiwidb.sstable.manifest;

import static io.kiwidb.sstable.manifest.VersionSetTest.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The worked example of {@code docs/format/manifest.md}: builds the store it describes and checks
 * that the bytes shown there are the bytes this build writes, so the page cannot drift from the
 * code.
 */
class ManifestFormatExampleTest {
  private static final Path DOC = repositoryFile("docs/format/manifest.md");

  /** {@code relative} in the repository, found from the module's directory upwards. */
  private static Path repositoryFile(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (java.nio.file.Files.exists(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }

  static String hexDump(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int off = 0; off < b.length; off += 16) {
      s.append(String.format("%04x ", off));
      for (int i = off; i < Math.min(b.length, off + 16); i++) {
        s.append(String.format(" %02x", b[i] & 0xff));
      }
      s.append('\n');
    }
    return s.toString();
  }

  /** The text of the fenced block that follows {@code <!-- name -->} in the page. */
  static String block(String doc, String name) {
    int marker = doc.indexOf("<!-- " + name + " -->");
    int start = doc.indexOf("```\n", marker) + 4;
    int end = doc.indexOf("```", start);
    return doc.substring(start, end);
  }

  @Test
  void theDocumentedBytesAreTheBytesWeWrite() throws IOException {
    InMemoryFileSystem mem = new InMemoryFileSystem();
    long manifest;
    try (VersionSet set = VersionSet.open(mem, ROOT, VersionSetOptions.defaults())) {
      long n = set.newFileNumber();
      set.logAndApply(
          new VersionEdit()
              .addFile(
                  new TableMeta(n, 0, Bytes.utf8("apple"), Bytes.utf8("cherry"), 4096, 3, 1, 1, 3))
              .setLastSequence(3)
              .setLogNumber(2));
      manifest = set.manifestNumber();
    }
    assertEquals(1, manifest);
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    byte[] bytes = mem.contents(ROOT.resolve("MANIFEST-000001"));
    String actual = hexDump(bytes);
    assertEquals(
        block(doc, "example-manifest"), actual, "docs/format/manifest.md is stale:\n" + actual);
    assertEquals(block(doc, "example-current"), hexDump(mem.contents(ROOT.resolve("CURRENT"))));

    // The two cases the page walks through.
    ManifestReader.Contents torn =
        ManifestReader.parse("MANIFEST-000001", Arrays.copyOf(bytes, 0x51), 1);
    assertEquals(1, torn.records().size());
    assertEquals(0x41, torn.tornTailOffset());
    byte[] damaged = bytes.clone();
    damaged[0x5a] ^= 0x10;
    CorruptionException e =
        assertThrows(
            CorruptionException.class, () -> ManifestReader.parse("MANIFEST-000001", damaged, 1));
    assertEquals(
        "corruption in MANIFEST-000001 at offset 65: record checksum mismatch", e.getMessage());
  }
}
