package io.kiwidb.reliability.fuzz;

import static io.kiwidb.reliability.fuzz.FuzzFiles.ROOT;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kiwidb.api.CorruptionException;
import io.kiwidb.sstable.manifest.VersionEdit;
import io.kiwidb.sstable.manifest.VersionSet;
import io.kiwidb.sstable.manifest.VersionSetOptions;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the manifest: {@link VersionEdit#decode} on the raw input, and the whole recovery path
 * ({@code CURRENT}, header, record framing, edit decoding, version building and its invariants)
 * through {@link VersionSet#open}. Input: one option byte (bit 0: leave record checksums as they
 * are instead of repairing them), then the manifest after its 24-byte header.
 *
 * <p>Properties: {@code decode} throws nothing but {@link IllegalArgumentException}, and what it
 * decodes re-encodes to bytes that decode to an equal edit; {@code open} throws nothing but {@link
 * CorruptionException}, and a store it opens can be reopened with the same files and sequence.
 */
class ManifestFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void manifest(byte[] data) {
    int flags = FuzzFiles.flags(data);
    byte[] body = FuzzFiles.body(data);
    try {
      VersionEdit e = VersionEdit.decode(body, 0, body.length);
      byte[] canonical = e.encode();
      VersionEdit again = VersionEdit.decode(canonical, 0, canonical.length);
      if (!Arrays.equals(canonical, again.encode())) {
        throw new AssertionError("edit does not survive encode/decode: " + e);
      }
    } catch (IllegalArgumentException expected) {
      // A malformed edit, named as such.
    }

    byte[] manifest = FuzzFiles.concat(FuzzFiles.header("KIWI-MAN", 1), body);
    if ((flags & 1) == 0) {
      FuzzFiles.fixManifestRecords(manifest);
    }
    InMemoryFileSystem fs = FuzzFiles.fsWith(ROOT.resolve("MANIFEST-000001"), manifest);
    FuzzFiles.write(
        fs, ROOT.resolve("CURRENT"), "MANIFEST-000001\n".getBytes(StandardCharsets.US_ASCII));
    long files;
    long last;
    try (VersionSet set = VersionSet.open(fs, ROOT, VersionSetOptions.defaults())) {
      files = set.liveFileNumbers().size();
      last = set.lastSequence();
    } catch (CorruptionException expected) {
      return;
    }
    try (VersionSet set = VersionSet.open(fs, ROOT, VersionSetOptions.defaults())) {
      if (set.liveFileNumbers().size() != files || set.lastSequence() != last) {
        throw new AssertionError("reopen changed the state: " + set);
      }
    }
  }
}
