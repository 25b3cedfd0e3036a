package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.TableMeta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every table store must have: lookups take the newest version visible at the read
 * sequence, L0 newest first before deeper levels; installed tables and the last sequence survive a
 * reopen and a power cut, tables never installed do not appear; a replacement (a compaction) is
 * atomic; a damaged table is reported, naming its file, rather than read as garbage.
 *
 * <p>The contract drives the store through a harness (the abstract methods), so it depends on the
 * API alone; an implementation's test maps each method onto its store. Keys and values are UTF-8
 * strings here, for readable failures.
 *
 * @param <S> the store type
 */
@ExtendWith(SeededRandomExtension.class)
public abstract class TableContract<S> {
  /** The store's data directory in the test file system. */
  protected static final Path ROOT = Path.of("/db");

  /** Creates the contract (subclasses only). */
  protected TableContract() {}

  /** Opens (or creates) the store under {@link #ROOT}. */
  protected abstract S open(FileSystem fs);

  /**
   * Writes a table of {@code entries} (in internal key order) at {@code level} and installs it.
   *
   * @param lastSequence every write through this sequence is now in tables, or -1 for no change
   */
  protected abstract TableMeta install(
      S store, int level, List<InternalEntry> entries, long lastSequence);

  /** Writes a complete table that no edit installs (a flush cut short before its edit). */
  protected abstract TableMeta writeOnly(S store, int level, List<InternalEntry> entries);

  /** Replaces {@code removed} with {@code added} in one atomic edit (a compaction's install). */
  protected abstract void replace(S store, List<TableMeta> removed, List<TableMeta> added);

  /** The newest version of {@code key} visible at {@code readSeq}, tombstones included, or null. */
  protected abstract InternalEntry get(S store, byte[] key, long readSeq);

  /** The live tables, by level. */
  protected abstract List<List<TableMeta>> levels(S store);

  /** Every entry of one live table, in order. */
  protected abstract List<InternalEntry> entries(S store, TableMeta table);

  /** The last sequence the tables hold. */
  protected abstract long lastSequence(S store);

  /** A live table's file. */
  protected abstract Path file(S store, TableMeta table);

  /** Closes the store. */
  protected abstract void close(S store);

  // ------------------------------------------------------------------ helpers

  private static InternalEntry put(String k, long seq, String v) {
    return InternalEntry.put(Bytes.utf8(k), seq, Bytes.utf8(v));
  }

  private static InternalEntry del(String k, long seq) {
    return InternalEntry.delete(Bytes.utf8(k), seq);
  }

  private String read(S store, String key, long seq) {
    InternalEntry e = get(store, Bytes.utf8(key), seq);
    return e == null ? null : e.isTombstone() ? "<deleted>" : new String(e.value(), UTF8);
  }

  private static final java.nio.charset.Charset UTF8 = java.nio.charset.StandardCharsets.UTF_8;

  private static List<Long> numbers(List<TableMeta> tables) {
    List<Long> out = new ArrayList<>();
    tables.forEach(t -> out.add(t.fileNumber()));
    return out;
  }

  // ------------------------------------------------------------------ the contract

  @Test
  void lookupsTakeL0NewestFirstThenDeeperLevelsAtTheReadSequence() {
    S store = open(new InMemoryFileSystem());
    install(store, 1, List.of(put("a", 1, "deep"), put("m", 2, "deep-m")), 2);
    install(store, 0, List.of(put("a", 5, "older-l0")), 5);
    install(store, 0, List.of(put("a", 9, "newer-l0"), del("m", 8)), 9);
    assertEquals("newer-l0", read(store, "a", 100));
    assertEquals("older-l0", read(store, "a", 8));
    assertEquals("deep", read(store, "a", 4));
    assertNull(read(store, "a", 0));
    assertEquals("<deleted>", read(store, "m", 100), "a tombstone answers, it is not skipped");
    assertEquals("deep-m", read(store, "m", 7));
    assertNull(read(store, "zzz", 100));
    assertEquals(9, lastSequence(store));
    close(store);
  }

  @Test
  void installedTablesAndTheLastSequenceSurviveAReopen(SeededRandom random) {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    S store = open(fs);
    Map<String, String> model = new TreeMap<>();
    long seq = 0;
    for (int t = 0; t < 5; t++) {
      Map<String, InternalEntry> table = new TreeMap<>();
      for (int i = 0; i < 50; i++) {
        String k = "k" + random.nextInt(200);
        String v = "v" + random.nextInt();
        table.put(k, put(k, ++seq, v));
        model.put(k, v);
      }
      install(store, 0, new ArrayList<>(table.values()), seq);
    }
    close(store);
    store = open(fs);
    assertEquals(seq, lastSequence(store));
    for (Map.Entry<String, String> e : model.entrySet()) {
      assertEquals(e.getValue(), read(store, e.getKey(), seq), e.getKey());
    }
    close(store);
  }

  @Test
  void aTableNoEditInstalledIsNotLiveAfterAReopen() {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    S store = open(fs);
    TableMeta live = install(store, 0, List.of(put("a", 1, "x")), 1);
    TableMeta orphan = writeOnly(store, 0, List.of(put("b", 2, "y")));
    assertFalse(numbers(levels(store).get(0)).contains(orphan.fileNumber()));
    close(store);
    store = open(fs);
    assertEquals(List.of(live.fileNumber()), numbers(levels(store).get(0)));
    assertNull(read(store, "b", 10));
    assertEquals(1, lastSequence(store));
    close(store);
  }

  @Test
  void anInstallIsDurableWhenItReturns() {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    S store = open(fs);
    install(store, 0, List.of(put("a", 1, "x")), 1);
    install(store, 0, List.of(put("b", 2, "y")), 2);
    fs.crash();
    S reopened = open(fs);
    assertEquals("x", read(reopened, "a", 10));
    assertEquals("y", read(reopened, "b", 10));
    assertEquals(2, lastSequence(reopened));
    close(reopened);
  }

  @Test
  void aReplacementIsAtomicAndKeepsEveryVisibleVersion() {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    S store = open(fs);
    TableMeta first = install(store, 0, List.of(put("a", 1, "a1"), put("b", 2, "b1")), 2);
    TableMeta second = install(store, 0, List.of(put("a", 3, "a2")), 3);
    TableMeta merged = writeOnly(store, 1, List.of(put("a", 3, "a2"), put("b", 2, "b1")));
    replace(store, List.of(first, second), List.of(merged));
    assertEquals(List.of(), levels(store).get(0));
    assertEquals(List.of(merged.fileNumber()), numbers(levels(store).get(1)));
    assertEquals("a2", read(store, "a", 10));
    assertEquals("b1", read(store, "b", 10));
    assertEquals(
        List.of(put("a", 3, "a2").toString(), put("b", 2, "b1").toString()),
        entries(store, levels(store).get(1).get(0)).stream().map(Object::toString).toList());
    close(store);
    store = open(fs);
    assertEquals(List.of(merged.fileNumber()), numbers(levels(store).get(1)));
    assertEquals(3, lastSequence(store), "a replacement moves data, it adds none");
    close(store);
  }

  @Test
  void aDamagedTableIsReportedNamingItsFile() throws IOException {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    S store = open(fs);
    List<InternalEntry> entries = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      entries.add(put(String.format("key%04d", i), i + 1, "value-" + i));
    }
    entries.sort((x, y) -> KeyOrder.compareInternal(x.key(), x.seq(), y.key(), y.seq()));
    TableMeta t = install(store, 1, entries, 200);
    Path f = file(store, t);
    close(store);
    byte[] bytes = fs.contents(f);
    bytes[bytes.length / 4] ^= 0x5A; // inside a data block
    fs.overwrite(f, bytes);
    S reopened = open(fs);
    CorruptionException e =
        assertThrows(
            CorruptionException.class,
            () -> {
              for (int i = 0; i < 200; i++) {
                get(reopened, Bytes.utf8(String.format("key%04d", i)), 1000);
              }
            });
    assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
    close(reopened);
  }
}
