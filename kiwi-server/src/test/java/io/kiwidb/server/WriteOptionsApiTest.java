package io.kiwidb.server;

import static io.kiwidb.server.ServerFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteOptions;
import io.kiwidb.api.WriteOptions.Sync;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-write query parameters {@code sync} and {@code disable_wal} on put, delete and batch, and
 * {@code wait} on flush, against a real engine behind a recording decorator: the {@link
 * WriteOptions} and flush argument that reach the engine, and the 400 problems for bad values.
 */
class WriteOptionsApiTest {
  private static final WriteOptions NO_SYNC_NO_WAL = new WriteOptions(Sync.NO_SYNC, true);
  private static final String BATCH =
      "{\"ops\":[{\"op\":\"put\",\"key\":\"b1\",\"value\":\"1\"},{\"op\":\"delete\",\"key\":\"b0\"}]}";

  @TempDir Path dir;
  ServerFixture f;

  /** What reached the engine: "put OPTIONS", "delete OPTIONS", "write OPTIONS", "flush WAIT". */
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() {
    f = ServerFixture.start(dir.resolve("data"), o -> o, this::recording);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  /** The engine, recording the write and flush calls with their options. */
  private StorageEngine recording(StorageEngine real) {
    return (StorageEngine)
        Proxy.newProxyInstance(
            StorageEngine.class.getClassLoader(),
            new Class<?>[] {StorageEngine.class},
            (proxy, method, args) -> {
              record(method, args);
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private void record(Method m, Object[] args) {
    int n = args == null ? 0 : args.length;
    switch (m.getName()) {
      case "put", "delete", "write" -> {
        if (n > 0 && args[n - 1] instanceof WriteOptions o) {
          calls.add(m.getName() + " " + o);
        } else {
          calls.add(m.getName() + " (no options)");
        }
      }
      case "flush" -> calls.add("flush " + (n == 0 ? "(no argument)" : args[0]));
      default -> {}
    }
  }

  private static String s(WriteOptions o) {
    return o.toString();
  }

  private void ok(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void putDeleteAndBatchPassTheOptionsTheQueryAsksFor() {
    ok(f.put("/api/kv/k", "{\"value\":\"v\"}"));
    ok(f.put("/api/kv/k?sync=true", "{\"value\":\"v\"}"));
    ok(f.put("/api/kv/k?sync=false", "{\"value\":\"v\"}"));
    ok(f.put("/api/kv/k?disable_wal=true", "{\"value\":\"v\"}"));
    ok(f.put("/api/kv/k?sync=0&disable_wal=1", "{\"value\":\"v\"}"));
    ok(f.put("/api/kv/k?sync=true&disable_wal=false", "{\"value\":\"v\"}"));
    ok(f.delete("/api/kv/k?sync=true"));
    ok(f.delete("/api/kv/k?disable_wal=true&encoding=utf8"));
    ok(f.post("/api/batch?sync=false", BATCH));
    ok(f.post("/api/batch?disable_wal=true&sync=false", BATCH));
    ok(f.post("/api/batch", BATCH));
    assertEquals(
        List.of(
            "put " + s(WriteOptions.DEFAULTS),
            "put " + s(WriteOptions.SYNC),
            "put " + s(WriteOptions.NO_SYNC),
            "put " + s(WriteOptions.NO_WAL),
            "put " + s(NO_SYNC_NO_WAL),
            "put " + s(WriteOptions.SYNC),
            "delete " + s(WriteOptions.SYNC),
            "delete " + s(WriteOptions.NO_WAL),
            "write " + s(WriteOptions.NO_SYNC),
            "write " + s(NO_SYNC_NO_WAL),
            "write " + s(WriteOptions.DEFAULTS)),
        calls);
    assertEquals("1", json(f.get("/api/kv/b1")).get("value").asText());
  }

  @Test
  void badValuesAreProblemsNamingTheParameterAndWriteNothing() {
    assertProblem(f.put("/api/kv/k?sync=maybe", "{\"value\":\"v\"}"), "sync", "sync must be true");
    assertProblem(f.put("/api/kv/k?sync=", "{\"value\":\"v\"}"), "sync", "sync must be true");
    assertProblem(f.delete("/api/kv/k?disable_wal=yes"), "disable_wal", "disable_wal must be");
    assertProblem(f.post("/api/batch?sync=always", BATCH), "sync", "sync must be true");
    assertProblem(
        f.put("/api/kv/k?sync=true&sync=false", "{\"value\":\"v\"}"), "sync", "more than once");
    assertProblem(
        f.put("/api/kv/k?disablewal=true", "{\"value\":\"v\"}"),
        "disablewal",
        "disable_wal, encoding, sync");
    for (HttpResponse<String> both :
        List.of(
            f.put("/api/kv/k?sync=true&disable_wal=true", "{\"value\":\"v\"}"),
            f.delete("/api/kv/k?disable_wal=true&sync=1"),
            f.post("/api/batch?sync=true&disable_wal=true", BATCH))) {
      assertProblem(
          both,
          "disable_wal",
          "disable_wal=true cannot be combined with sync=true: a write that skips the write-ahead"
              + " log has nothing to fsync (make it durable with POST /api/flush?wait=true)");
    }
    assertEquals(List.of(), calls, "no bad request reached the engine");
    assertEquals(404, f.get("/api/kv/k").statusCode());
    assertEquals(404, f.get("/api/kv/b1").statusCode());
  }

  @Test
  void flushWithWaitReturnsOnceTheUnloggedWritesAreInATable() {
    ok(f.put("/api/kv/bulk:1?disable_wal=true", "{\"value\":\"one\"}"));
    ok(f.post("/api/batch?disable_wal=true", BATCH));
    HttpResponse<String> r = f.post("/api/flush?wait=true", "");
    ok(r);
    assertEquals("{\"flushed\":true,\"waited\":true}", r.body());
    // No polling: the answer came after the table was written.
    JsonNode l0 = json(f.get("/api/disk")).get("levels").get("L0");
    assertEquals(1, l0.size(), l0::toString);
    assertEquals("b0", l0.get(0).get("smallest_key").asText(), l0::toString);
    assertEquals("bulk:1", l0.get(0).get("largest_key").asText(), l0::toString);
    assertEquals(0, f.engine.showMem().active().entryCount());

    assertEquals("{\"flushed\":false,\"waited\":true}", f.post("/api/flush?wait=1", "").body());
    assertEquals("{\"flushed\":false}", f.post("/api/flush?wait=false", "").body());
    assertEquals("{\"flushed\":false}", f.post("/api/flush", "").body());
    assertProblem(f.post("/api/flush?wait=soon", ""), "wait", "wait must be true or false");
    assertProblem(f.post("/api/flush?sync=true", ""), "sync", "this route takes wait");
    assertEquals(
        List.of(
            "put " + s(WriteOptions.NO_WAL),
            "write " + s(WriteOptions.NO_WAL),
            "flush true",
            "flush true",
            "flush false",
            "flush false"),
        calls);
    assertEquals(
        "one",
        new String(
            f.engine.get("bulk:1".getBytes(StandardCharsets.UTF_8)).orElseThrow(),
            StandardCharsets.UTF_8));
  }

  private static void assertProblem(HttpResponse<String> r, String field, String detailPart) {
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
        r::toString);
    JsonNode p = json(r);
    assertEquals(field, p.get("field").asText(), r.body());
    assertEquals("urn:kiwidb:problem:invalid-request", p.get("type").asText(), r.body());
    assertTrue(p.get("detail").asText().contains(detailPart), r.body());
  }
}
