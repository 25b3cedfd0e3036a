package io.kiwidb.server;

import static io.kiwidb.server.ServerFixture.enc;
import static io.kiwidb.server.ServerFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiwidb.api.Limits;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API against a real engine: round trips, limits, scans and paging, errors. */
@ExtendWith(SeededRandomExtension.class)
class RestApiTest {
  @TempDir Path dir;
  ServerFixture f;

  @BeforeEach
  void start() {
    f = ServerFixture.start(dir.resolve("data"));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void putGetDeleteRoundTripInUtf8WithSlashesAndUnicode() {
    String key = "users/ada/ñame ✓";
    assertEquals(200, f.putKey(key, "Lovelace ✓").statusCode());
    HttpResponse<String> r = f.get("/api/kv/" + enc(key));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("Lovelace ✓", json(r).get("value").asText());
    assertEquals(key, json(r).get("key").asText());
    // What the API wrote, the engine holds.
    assertArrayEquals(
        "Lovelace ✓".getBytes(StandardCharsets.UTF_8),
        f.engine.get(key.getBytes(StandardCharsets.UTF_8)).orElseThrow());
    assertEquals(200, f.delete("/api/kv/" + enc(key)).statusCode());
    HttpResponse<String> gone = f.get("/api/kv/" + enc(key));
    assertEquals(404, gone.statusCode());
    assertEquals("key", json(gone).get("field").asText());
  }

  @Test
  void base64KeysAndValuesCarryAnyBytes(SeededRandom rnd) {
    byte[] key = rnd.bytes(40);
    key[0] = (byte) 0xff; // not UTF-8
    byte[] value = rnd.bytes(300);
    String k64 = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    HttpResponse<String> put =
        f.put(
            "/api/kv/" + k64 + "?encoding=base64",
            "{\"value\":\"" + Base64.getEncoder().encodeToString(value) + "\"}");
    assertEquals(200, put.statusCode(), put.body());
    assertArrayEquals(value, f.engine.get(key).orElseThrow());
    JsonNode got = json(f.get("/api/kv/" + k64 + "?encoding=base64"));
    assertArrayEquals(value, Base64.getDecoder().decode(got.get("value").asText()));
    // Asking for the same bytes as UTF-8 is refused, naming how to ask instead.
    HttpResponse<String> utf8 = f.get("/api/scan?encoding=utf8");
    assertEquals(422, utf8.statusCode(), utf8.body());
    assertTrue(json(utf8).get("detail").asText().contains("encoding=base64"));
  }

  @Test
  void limitsAreEnforcedBeforeTheEngineWithTheFieldNamed() {
    String bigKey = "k".repeat(Limits.MAX_KEY_BYTES + 1);
    HttpResponse<String> r = f.putKey(bigKey, "v");
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("key", json(r).get("field").asText());
    assertTrue(json(r).get("detail").asText().contains(String.valueOf(Limits.MAX_KEY_BYTES)));
    // The longest key allowed fits in a URL, even percent-encoded.
    String longest = "é".repeat(Limits.MAX_KEY_BYTES / 2);
    assertEquals(200, f.putKey(longest, "v").statusCode());
    assertEquals("v", json(f.get("/api/kv/" + enc(longest))).get("value").asText());
    // Past what a URL may carry, Jetty's refusal is a problem document too.
    HttpResponse<String> huge = f.get("/api/kv/" + "k".repeat(300_000));
    assertEquals(414, huge.statusCode());
    assertEquals("urn:kiwidb:problem:uri-too-long", json(huge).get("type").asText());

    HttpResponse<String> badEnc = f.get("/api/kv/a?encoding=hex");
    assertEquals(400, badEnc.statusCode());
    assertEquals("encoding", json(badEnc).get("field").asText());

    HttpResponse<String> bad64 = f.get("/api/kv/@@@?encoding=base64");
    assertEquals(400, bad64.statusCode());
    assertEquals("key", json(bad64).get("field").asText());

    HttpResponse<String> noValue = f.put("/api/kv/a", "{}");
    assertEquals(400, noValue.statusCode());
    assertEquals("value", json(noValue).get("field").asText());

    HttpResponse<String> typo = f.put("/api/kv/a", "{\"value\":\"x\",\"vaule\":1}");
    assertEquals(400, typo.statusCode());
    assertEquals("vaule", json(typo).get("field").asText());

    HttpResponse<String> notJson = f.put("/api/kv/a", "{\"value\": ");
    assertEquals(400, notJson.statusCode());
    assertEquals("body", json(notJson).get("field").asText());

    HttpResponse<String> dup = f.put("/api/kv/a", "{\"value\":\"x\",\"value\":\"y\"}");
    assertEquals(400, dup.statusCode(), dup.body());

    HttpResponse<String> wrongType =
        f.send(
            f.request("/api/kv/a")
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"x\"}"))
                .build());
    assertEquals(415, wrongType.statusCode());
    assertEquals("Content-Type", json(wrongType).get("field").asText());
    assertTrue(f.engine.get("a".getBytes(StandardCharsets.UTF_8)).isEmpty(), "nothing written");
  }

  @Test
  void bodiesOverTheLimitAreRefusedWith413(@TempDir Path other) {
    try (ServerFixture small =
        ServerFixture.start(other.resolve("d"), o -> o.withMaxBodyBytes(4096))) {
      String value = "x".repeat(5000);
      HttpResponse<String> r = small.putKey("k", value);
      assertEquals(413, r.statusCode(), r.body());
      assertEquals("body", json(r).get("field").asText());
      assertEquals(
          "application/problem+json",
          r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
      // A chunked body (no Content-Length) is cut off by the same limit.
      HttpResponse<String> chunked =
          small.send(
              small
                  .request("/api/kv/k")
                  .header("Content-Type", "application/json")
                  .PUT(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () ->
                              new java.io.ByteArrayInputStream(
                                  ("{\"value\":\"" + value + "\"}")
                                      .getBytes(StandardCharsets.UTF_8))))
                  .build());
      assertEquals(413, chunked.statusCode(), chunked.body());
      assertTrue(small.engine.get("k".getBytes(StandardCharsets.UTF_8)).isEmpty());
    }
  }

  @Test
  void batchIsAtomicAndAllOrNothingOnABadOperation() {
    f.putKey("b:gone", "x");
    HttpResponse<String> bad =
        f.post(
            "/api/batch",
            "{\"ops\":[{\"op\":\"put\",\"key\":\"b:1\",\"value\":\"1\"},{\"op\":\"frob\",\"key\":\"b:2\"}]}");
    assertEquals(400, bad.statusCode());
    assertEquals("ops[1].op", json(bad).get("field").asText());
    assertTrue(f.engine.get("b:1".getBytes(StandardCharsets.UTF_8)).isEmpty(), "none applied");

    HttpResponse<String> ok =
        f.post(
            "/api/batch",
            "{\"ops\":[{\"op\":\"put\",\"key\":\"b:1\",\"value\":\"1\"},"
                + "{\"op\":\"put\",\"key\":\"b:2\",\"value\":\"2\"},{\"op\":\"delete\",\"key\":\"b:gone\"}]}");
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(3, json(ok).get("count").asInt());
    assertEquals("2", json(f.get("/api/kv/b:2")).get("value").asText());
    assertEquals(404, f.get("/api/kv/b:gone").statusCode());
  }

  @Test
  void pagedScansMatchAModelForwardReverseAndWithPrefix(SeededRandom rnd) {
    TreeMap<String, String> model = new TreeMap<>();
    StringBuilder ops = new StringBuilder("{\"ops\":[");
    for (int i = 0; i < 300; i++) {
      String k = (rnd.nextBoolean() ? "a:" : "b:") + rnd.nextInt(1000);
      String v = "v" + rnd.nextInt();
      model.put(k, v);
      ops.append(i == 0 ? "" : ",")
          .append("{\"op\":\"put\",\"key\":\"")
          .append(k)
          .append("\",\"value\":\"")
          .append(v)
          .append("\"}");
    }
    assertEquals(200, f.post("/api/batch", ops.append("]}").toString()).statusCode());
    f.engine.flush(); // half of the keys from a table, the rest from the memtable
    for (int i = 0; i < 50; i++) {
      String k = "a:" + (1000 + i);
      model.put(k, "late");
      f.putKey(k, "late");
    }
    for (boolean reverse : new boolean[] {false, true}) {
      for (String prefix : new String[] {null, "a:"}) {
        List<String> expected = new ArrayList<>();
        for (Map.Entry<String, String> e : (reverse ? model.descendingMap() : model).entrySet()) {
          if (prefix == null || e.getKey().startsWith(prefix)) {
            expected.add(e.getKey() + "=" + e.getValue());
          }
        }
        int limit = 1 + rnd.nextInt(40);
        List<String> got = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
          String q =
              "/api/scan?limit="
                  + limit
                  + "&reverse="
                  + reverse
                  + (prefix == null ? "" : "&prefix=" + enc(prefix))
                  + (cursor == null ? "" : "&cursor=" + cursor);
          HttpResponse<String> r = f.get(q);
          assertEquals(200, r.statusCode(), r.body());
          JsonNode page = json(r);
          assertTrue(page.get("items").size() <= limit);
          page.get("items")
              .forEach(it -> got.add(it.get("key").asText() + "=" + it.get("value").asText()));
          cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
          pages++;
        } while (cursor != null && pages < 1000);
        assertEquals(expected, got, "reverse=" + reverse + " prefix=" + prefix + " limit=" + limit);
      }
    }
  }

  @Test
  void aCursorFromAnotherScanIsRefused() {
    for (int i = 0; i < 5; i++) {
      f.putKey("c" + i, "v");
    }
    String cursor = json(f.get("/api/scan?limit=2")).get("next_cursor").asText();
    HttpResponse<String> r = f.get("/api/scan?limit=2&reverse=true&cursor=" + cursor);
    assertEquals(400, r.statusCode());
    assertEquals("cursor", json(r).get("field").asText());
    HttpResponse<String> junk = f.get("/api/scan?cursor=abc");
    assertEquals(400, junk.statusCode());
  }

  @Test
  void aSnapshotScanSeesOneStateAcrossPagesWhileWritesGoOn() {
    for (int i = 0; i < 10; i++) {
      f.putKey("s" + i, "old");
    }
    JsonNode snap = json(f.post("/api/snapshots", ""));
    String id = snap.get("id").asText();
    String cursor = null;
    List<String> values = new ArrayList<>();
    do {
      JsonNode page =
          json(
              f.get(
                  "/api/scan?limit=3&prefix=s&snapshot="
                      + id
                      + (cursor == null ? "" : "&cursor=" + cursor)));
      assertEquals(snap.get("sequence").asLong(), page.get("snapshot_sequence").asLong());
      page.get("items").forEach(it -> values.add(it.get("value").asText()));
      // Writes between pages, including a new key inside the range.
      f.putKey("s" + values.size(), "new");
      f.putKey("s05", "new");
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    assertEquals(
        List.of("old", "old", "old", "old", "old", "old", "old", "old", "old", "old"), values);
    assertEquals(200, f.delete("/api/snapshots/" + id).statusCode());
    HttpResponse<String> after = f.get("/api/scan?snapshot=" + id);
    assertEquals(404, after.statusCode());
    assertEquals("snapshot", json(after).get("field").asText());
  }

  @Test
  void flushStatsMemDiskAndTraceShowTheEngine() {
    f.putKey("t:1", "one");
    JsonNode mem = json(f.get("/api/mem"));
    String active = mem.get("active").get("table_id").asText();
    assertEquals(1, mem.get("active").get("entry_count").asLong());
    JsonNode detail = json(f.get("/api/mem/active"));
    assertEquals(active, detail.get("table_id").asText());
    assertEquals("t:1", detail.get("entries").get(0).get("key").asText());
    assertEquals(404, f.get("/api/mem/nope").statusCode());

    JsonNode traceMem = json(f.get("/api/trace/t:1"));
    assertEquals("memtable", traceMem.get("answered_by").asText());

    assertTrue(json(f.post("/api/flush", "")).get("flushed").asBoolean());
    JsonNode disk = waitForL0(1);
    String file = disk.get("levels").get("L0").get(0).get("file_id").asText();
    JsonNode table = json(f.get("/api/disk/" + file + "?limit=0"));
    assertEquals(1, table.get("entry_count").asInt());
    assertTrue(table.get("truncated").asBoolean());
    assertEquals(0, table.get("entries").size());
    assertEquals(404, f.get("/api/disk/999999").statusCode());

    JsonNode trace = json(f.get("/api/trace/t:1"));
    assertEquals("L0", trace.get("answered_by").asText());
    assertEquals("FOUND", trace.get("outcome").asText());
    JsonNode stats = json(f.get("/api/stats"));
    assertEquals(1, stats.get("l0_sstable_count").asInt());
    assertTrue(stats.get("counters").get("writes").asLong() >= 1);
  }

  private JsonNode waitForL0(int files) {
    long until = System.currentTimeMillis() + 10_000;
    while (true) {
      JsonNode d = json(f.get("/api/disk"));
      if (d.get("levels").get("L0").size() >= files || System.currentTimeMillis() > until) {
        return d;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void configReadsAndChangesLiveAndRejectsBadValuesNamingTheKey() {
    JsonNode config = json(f.get("/api/config"));
    assertTrue(config.has("l0_compaction_threshold"), config.toString());
    HttpResponse<String> ok = f.put("/api/config/l0_compaction_threshold", "{\"value\": 7}");
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(7, json(ok).get("new_value").asInt());
    assertEquals(7L, ((Number) f.engine.config().get("l0_compaction_threshold")).longValue());
    HttpResponse<String> bad = f.put("/api/config/l0_compaction_threshold", "{\"value\": -3}");
    assertEquals(400, bad.statusCode(), bad.body());
    assertEquals("l0_compaction_threshold", json(bad).get("field").asText());
    HttpResponse<String> unknown = f.put("/api/config/no_such_key", "{\"value\": 1}");
    assertEquals(400, unknown.statusCode(), unknown.body());
  }

  @Test
  void compactionsListWhatRanWithBytesInAndOutMatchingTheDocument() {
    assertEquals(200, f.put("/api/config/l0_compaction_threshold", "{\"value\": 2}").statusCode());
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 20; i++) {
        f.putKey("c" + round + ":" + i, "value " + i);
      }
      f.post("/api/flush", "");
      long until = System.currentTimeMillis() + 10_000;
      while (f.engine.stats().counters().flushes() <= round && System.currentTimeMillis() < until) {
        Thread.onSpinWait();
      }
    }
    JsonNode c = null;
    long until = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < until) {
      c = json(f.get("/api/compactions"));
      if (c.get("recent").size() > 0) {
        break;
      }
    }
    assertTrue(c.get("recent").size() > 0, "no compaction ran: " + c);
    JsonNode first = c.get("recent").get(0);
    assertTrue(first.get("input_bytes").asLong() > 0, first.toString());
    assertTrue(first.get("input_files").size() >= 1);
    assertFalse(first.get("running").asBoolean());
    JsonNode doc = json(f.get("/openapi.json"));
    SchemaCheck check = new SchemaCheck(doc);
    assertEquals(
        List.of(), check.check(doc.get("components").get("schemas").get("Compactions"), c));
    JsonNode stats = json(f.get("/api/stats"));
    assertTrue(stats.get("counters").get("write_amplification").asDouble() > 1.0, stats.toString());
    assertTrue(stats.get("implementations").has("compaction_strategy"), stats.toString());
  }

  @Test
  void unknownRoutesAndParametersAreProblems() {
    HttpResponse<String> r = f.get("/api/nothing");
    assertEquals(404, r.statusCode());
    assertEquals("urn:kiwidb:problem:no-route", json(r).get("type").asText());
    HttpResponse<String> p = f.get("/api/stats?verbose=1");
    assertEquals(400, p.statusCode());
    assertEquals("verbose", json(p).get("field").asText());
    HttpResponse<String> lim = f.get("/api/scan?limit=5000");
    assertEquals(400, lim.statusCode());
    assertEquals("limit", json(lim).get("field").asText());
  }

  @Test
  void engineFailuresMapTo503WithTheEnginesMessage() {
    f.closeEngineOnly();
    HttpResponse<String> r = f.putKey("k", "v");
    assertEquals(503, r.statusCode(), r.body());
    JsonNode p = json(r);
    assertEquals("urn:kiwidb:problem:engine-closed", p.get("type").asText());
    assertTrue(p.get("detail").asText().contains("closed"), p.toString());
    assertNull(p.get("field"));
    assertFalse(r.headers().firstValue("Retry-After").isEmpty());
  }

  @Test
  void terminalRunsThroughTheRunnerAndChecksTheLine() {
    JsonNode r = json(f.post("/api/terminal", "{\"line\":\"get k\"}"));
    assertEquals("ran: get k", r.get("output").asText());
    HttpResponse<String> two = f.post("/api/terminal", "{\"line\":\"get a\\nput b c\"}");
    assertEquals(400, two.statusCode());
    assertEquals("line", json(two).get("field").asText());
  }
}
