package io.kiwidb.sstable.manifest;

import static io.kiwidb.sstable.manifest.VersionSetTest.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Damages every byte of the manifest and of CURRENT, and cuts them at every length. A damaged byte
 * must fail the open with a {@link CorruptionException} naming the file; a cut manifest is a torn
 * tail, which by design yields exactly the state of the complete records before the cut (and fails
 * if not even the snapshot record survived); a cut CURRENT always fails.
 */
class ManifestCorruptionTest {
  private static final int[] MASKS = {0x01, 0x80, 0xff};

  private final Map<Path, byte[]> files = new LinkedHashMap<>();
  private final List<String> states = new ArrayList<>(); // after 0, 1, 2, ... edits
  private String manifestName;

  @BeforeEach
  void buildStore() throws IOException {
    InMemoryFileSystem mem = new InMemoryFileSystem();
    try (VersionSet set = VersionSetTest.open(mem)) {
      states.add(state(set));
      for (int i = 0; i < 4; i++) {
        VersionEdit e =
            new VersionEdit()
                .addFile(VersionSetTest.flush(mem, set, 0, "k" + i, "m" + i))
                .setLastSequence(100L * (i + 1))
                .setLogNumber(i + 2);
        set.logAndApply(e);
        states.add(state(set));
      }
      manifestName = FileNames.manifestFileName(set.manifestNumber());
    }
    for (Path dir : List.of(ROOT, ROOT.resolve(FileNames.TABLE_DIR))) {
      for (Path p : mem.list(dir)) {
        if (!p.getFileName().toString().equals(FileNames.TABLE_DIR)) {
          files.put(p, mem.contents(p));
        }
      }
    }
  }

  private static String state(VersionSet set) {
    return set.current() + "seq=" + set.lastSequence() + " log=" + set.logNumber();
  }

  /** A durable copy of the store with one file replaced. */
  private InMemoryFileSystem storeWith(String name, byte[] contents) throws IOException {
    InMemoryFileSystem mem = new InMemoryFileSystem();
    mem.createDirectories(ROOT.resolve(FileNames.TABLE_DIR));
    for (Map.Entry<Path, byte[]> f : files.entrySet()) {
      byte[] bytes = f.getKey().equals(ROOT.resolve(name)) ? contents : f.getValue();
      try (WritableFile w = mem.create(f.getKey())) {
        w.append(bytes);
        w.sync();
      }
    }
    mem.syncDirectory(ROOT);
    mem.syncDirectory(ROOT.resolve(FileNames.TABLE_DIR));
    return mem;
  }

  private void assertCorrupt(String name, byte[] contents, String what) throws IOException {
    InMemoryFileSystem mem = storeWith(name, contents);
    try (VersionSet set = VersionSetTest.open(mem)) {
      fail(what + ": opened a damaged " + name + " as\n" + state(set));
    } catch (CorruptionException e) {
      assertEquals(name, e.file(), what + ": " + e.getMessage());
    }
  }

  @Test
  void everyFlippedManifestByteFailsOpenNamingTheManifest() throws IOException {
    byte[] good = files.get(ROOT.resolve(manifestName));
    assertTrue(good.length > 100, "the manifest holds a snapshot and four edits");
    for (int i = 0; i < good.length; i++) {
      for (int mask : MASKS) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) mask;
        assertCorrupt(manifestName, bad, "byte " + i + " ^ " + mask);
      }
    }
  }

  @Test
  void everyCutOfTheManifestYieldsTheStateOfItsCompleteRecordsOrFails() throws IOException {
    byte[] good = files.get(ROOT.resolve(manifestName));
    List<Long> recordEnds = new ArrayList<>();
    ManifestReader.Contents all = ManifestReader.parse(manifestName, good, 1);
    for (ManifestReader.EditRecord r : all.records()) {
      recordEnds.add(r.offset() + ManifestFormat.RECORD_HEADER_SIZE + r.payload().length);
    }
    assertEquals(5, recordEnds.size(), "snapshot + 4 edits");
    for (int len = 0; len < good.length; len++) {
      byte[] cut = Arrays.copyOf(good, len);
      int complete = 0;
      while (complete < recordEnds.size() && recordEnds.get(complete) <= len) {
        complete++;
      }
      if (complete == 0) {
        assertCorrupt(manifestName, cut, "cut at " + len);
        continue;
      }
      try (VersionSet set = VersionSetTest.open(storeWith(manifestName, cut))) {
        assertEquals(states.get(complete - 1), state(set), "cut at " + len);
      }
    }
  }

  @Test
  void zeroFilledTailIsATornWriteNotCorruption() throws IOException {
    byte[] good = files.get(ROOT.resolve(manifestName));
    byte[] extended = Arrays.copyOf(good, good.length + 37);
    try (VersionSet set = VersionSetTest.open(storeWith(manifestName, extended))) {
      assertEquals(states.get(4), state(set));
    }
  }

  @Test
  void everyFlippedOrCutCurrentByteFailsOpenNamingCurrent() throws IOException {
    byte[] good = files.get(ROOT.resolve(FileNames.CURRENT));
    assertEquals(manifestName + "\n", new String(good, java.nio.charset.StandardCharsets.US_ASCII));
    for (int i = 0; i < good.length; i++) {
      for (int mask : MASKS) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) mask;
        assertCorrupt(FileNames.CURRENT, bad, "CURRENT byte " + i + " ^ " + mask);
      }
    }
    for (int len = 0; len < good.length; len++) {
      assertCorrupt(FileNames.CURRENT, Arrays.copyOf(good, len), "CURRENT cut at " + len);
    }
  }
}
