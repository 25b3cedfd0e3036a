package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.EntryView;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reference page's {@code put}, {@code delete} and {@code get}, and its sequence numbers. */
class WriteReadConformanceTest extends EngineFixture {

  private List<EntryView> activeEntries() {
    return engine.showMem(engine.showMem().active().tableId()).entries();
  }

  @Test
  @DisplayName("put: \"Write a key-value pair\"; get returns it, a later put replaces it")
  void putThenGet() {
    open();
    engine.put(b("k"), b("v1"));
    assertEquals("v1", get("k"));
    engine.put(b("k"), b("v2"));
    assertEquals("v2", get("k"));
  }

  @Test
  @DisplayName(
      "put: \"Atomic under write_lock: seq generation + WAL append + memtable put +"
          + " maybe_freeze\" (each put: next seq, one WAL entry, one memtable entry)")
  void eachPutTakesTheNextSequenceAndReachesWalAndMemtable() {
    open();
    for (int i = 1; i <= 3; i++) {
      engine.put(b("k" + i), b("v"));
      assertEquals(i, engine.stats().seq());
      assertEquals(i, engine.stats().walEntryCount());
      assertEquals(i, engine.stats().keyCount());
    }
    List<EntryView> entries = activeEntries();
    assertEquals(List.of(1L, 2L, 3L), entries.stream().map(EntryView::seq).toList());
  }

  @Test
  @DisplayName("put: \"WAL first — durability before visibility\" (invisible until the fsync)")
  void aWriteIsInvisibleUntilItsWalSyncCompletes() throws Exception {
    open();
    fs.holdSyncs(ObservedFileSystem.under(walDir()));
    CompletableFuture<Void> put = CompletableFuture.runAsync(() -> engine.put(b("k"), b("v")));
    await("the WAL sync to be held", () -> fs.heldSyncs() == 1);
    assertNull(get("k"), "not visible before it is durable");
    assertEquals(0, engine.stats().seq());
    assertFalse(put.isDone());
    fs.releaseSyncs();
    put.get();
    assertEquals("v", get("k"));
    assertEquals(1, engine.stats().seq());
  }

  @Test
  @DisplayName("put: \"except Exception: logger.error('Engine PUT failed') ; raise\"")
  void aFailedWriteIsLoggedAndRaised() {
    open();
    fs.failWrites(ObservedFileSystem.under(walDir()));
    assertThrows(KiwiException.class, () -> engine.put(b("k"), b("v")));
    assertEquals("put", logs.kv("Engine write failed").get("call"));
    fs.failWrites(p -> false);
    assertNull(get("k"), "a failed write is not applied");
  }

  @Test
  @DisplayName("delete: \"Delete a key by writing a tombstone\" (a DELETE entry with its own seq)")
  void deleteWritesATombstone() {
    open();
    engine.put(b("k"), b("v"));
    engine.delete(b("k"));
    engine.delete(b("never-written"));
    assertEquals(3, engine.stats().seq(), "deleting an absent key also takes a sequence number");
    List<EntryView> entries = activeEntries();
    EntryView tombstone = entries.stream().filter(e -> e.seq() == 2).findFirst().orElseThrow();
    assertEquals(EntryKind.DELETE, tombstone.op());
    assertNull(tombstone.value());
    assertNull(get("k"));
  }

  @Test
  @DisplayName("get: \"Returns None if not found or deleted\"")
  void getIsEmptyForMissingAndDeletedKeys() {
    open();
    assertNull(get("missing"));
    engine.put(b("k"), b("v"));
    engine.delete(b("k"));
    assertNull(get("k"));
    engine.flush();
    awaitFlushed(1);
    assertNull(get("k"), "the tombstone hides the value in the table too");
  }

  @Test
  @DisplayName("get: \"Checks memtable first, then SSTables\" (a memtable hit stops the lookup)")
  void memtableIsCheckedBeforeTables() {
    open();
    engine.put(b("k"), b("old"));
    engine.flush();
    awaitFlushed(1);
    engine.put(b("k"), b("new"));
    assertEquals("new", get("k"));
    LookupTrace t = engine.trace(b("k"));
    assertEquals(1, t.steps().size(), "no table consulted: " + t.steps());
    assertEquals("memtable", t.steps().get(0).layer());
    engine.delete(b("k"));
    assertNull(get("k"), "a memtable tombstone hides the table's value: hit = value != TOMBSTONE");
  }

  @Test
  @DisplayName("get: \"2. SSTables\" — newest table first; a tombstone there hides older tables")
  void newerTablesShadowOlderOnes() {
    open();
    engine.put(b("k"), b("v1"));
    engine.flush();
    awaitFlushed(1);
    engine.put(b("k"), b("v2"));
    engine.flush();
    awaitFlushed(2);
    assertEquals("v2", get("k"));
    engine.delete(b("k"));
    engine.flush();
    awaitFlushed(3);
    assertNull(get("k"));
  }

  @Test
  @DisplayName(
      "SeqGenerator: \"seq — Current sequence number (highest generated so far)\"; a batch takes"
          + " one per operation (Java addition: atomic write batches)")
  void sequenceNumbersCountOperations() {
    open();
    engine.put(b("a"), b("1"));
    engine.write(new WriteBatch().put(b("b"), b("2")).delete(b("a")).put(b("c"), b("3")));
    assertEquals(4, engine.stats().seq());
    assertNull(get("a"));
    assertEquals("3", get("c"));
    engine.write(new WriteBatch());
    assertEquals(4, engine.stats().seq(), "an empty batch takes no sequence number");
  }

  @Test
  @DisplayName("trace: a lookup followed step by step through every layer (seed REPL `trace`)")
  void traceReportsEachLayer() {
    open(Map.of("max_memtable_entries", 1000, "immutable_queue_max_len", 4));
    engine.put(b("a"), b("old"));
    engine.put(b("m"), b("in-table"));
    engine.put(b("z"), b("old"));
    engine.flush();
    awaitFlushed(1);
    engine.put(b("b"), b("x"));
    engine.put(b("y"), b("x"));
    engine.flush();
    awaitFlushed(2);
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("q"), b("frozen"));
    engine.flush(); // stays in the immutable queue while table syncs are held
    engine.put(b("r"), b("active"));

    LookupTrace t = engine.trace(b("m"));
    List<String> layers = t.steps().stream().map(LookupTrace.Step::layer).toList();
    assertEquals(List.of("memtable", "immutable", "L0", "L0"), layers);
    assertEquals(LookupTrace.Answer.ABSENT, t.steps().get(0).answer());
    assertEquals(LookupTrace.Answer.ABSENT, t.steps().get(1).answer());
    LookupTrace.Step newer = t.steps().get(2);
    assertEquals(LookupTrace.Answer.ABSENT, newer.answer(), "the newer table lacks m");
    assertTrue(newer.filter() != LookupTrace.FilterAnswer.NOT_CHECKED, newer.toString());
    LookupTrace.Step found = t.steps().get(3);
    assertEquals(LookupTrace.Answer.FOUND, found.answer());
    assertEquals(LookupTrace.FilterAnswer.MAYBE, found.filter());
    assertEquals(2, found.seq());
    assertEquals(LookupTrace.Answer.FOUND, t.outcome());
    assertEquals("in-table", s(t.value()));
    assertEquals(
        LookupTrace.CacheAnswer.HIT,
        engine.trace(b("m")).steps().get(3).cache(),
        "the second lookup finds the block in the cache");
    assertEquals(LookupTrace.Answer.FOUND, engine.trace(b("q")).steps().get(1).answer());
    assertEquals(LookupTrace.Answer.ABSENT, engine.trace(b("nothing")).outcome());
  }
}
