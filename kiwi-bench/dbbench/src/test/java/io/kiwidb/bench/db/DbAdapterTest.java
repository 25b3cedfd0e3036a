package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every adapter behaves the same, so the workloads measure the same work on each engine. */
class DbAdapterTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.US_ASCII);
  }

  @ParameterizedTest
  @EnumSource(EngineKind.class)
  void pointOperationsBatchesCursorsAndCounters(EngineKind engine) {
    StoreFactory factory = StoreFactory.create(dir, Map.of());
    try (DbAdapter db = factory.open(engine, dir.resolve("store"), false)) {
      byte[] key = b("k1");
      db.put(key, b("v1"));
      key[1] = '2'; // the adapter copied the first key
      db.put(key, b("v2"));
      db.put(b("k3"), b("v3"));
      assertEquals("v1", s(db.get(b("k1"))));
      db.delete(b("k2"));
      assertNull(db.get(b("k2")));
      db.writeBatch(
          new byte[][] {b("k4"), b("k1"), b("k5")}, new byte[][] {b("v4"), null, b("v5")}, 2);
      assertNull(db.get(b("k1")), "the batch deleted k1");
      assertNull(db.get(b("k5")), "only count operations are applied");

      List<String> forward = new ArrayList<>();
      try (DbAdapter.Cursor c = db.cursor()) {
        for (c.seekToFirst(); c.isValid(); c.next()) {
          forward.add(s(c.key()) + "=" + s(c.value()));
        }
        assertEquals(List.of("k3=v3", "k4=v4"), forward);
        c.seek(b("k35"));
        assertEquals("k4", s(c.key()));
        c.prev();
        assertEquals("k3", s(c.key()));
        c.seekToLast();
        assertEquals("k4", s(c.key()));
        c.seek(b("k9"));
        assertFalse(c.isValid());
      }

      db.flushAndSettle();
      DbAdapter.BackgroundWrites w = db.backgroundWrites();
      assertTrue(w.flushBytes() > 0, engine + " counted its flush: " + w);
      assertTrue(w.walBytes() > 0, engine + " counted its log bytes: " + w);
      assertTrue(db.fileCount() > 0);
      assertTrue(db.diskBytes() > 0);
      assertArrayEquals(b("v4"), db.get(b("k4")), "still readable from the table");
    }
  }

  @ParameterizedTest
  @EnumSource(EngineKind.class)
  void syncedStoresAcceptWrites(EngineKind engine) {
    StoreFactory factory = StoreFactory.create(dir, Map.of());
    try (DbAdapter db = factory.open(engine, dir.resolve("sync"), true)) {
      db.put(b("a"), b("1"));
      assertEquals("1", s(db.get(b("a"))));
    }
  }
}
