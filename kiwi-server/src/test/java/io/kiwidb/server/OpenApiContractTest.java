package io.kiwidb.server;

import static io.kiwidb.server.ServerFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /openapi.json} against the running server, both ways: the document is valid OpenAPI 3
 * (swagger-parser reports nothing), its paths and methods are exactly the server's {@code /api}
 * routes, and every response it documents, status by status, is produced by a real request whose
 * body then conforms to the documented schema. A scenario that is not documented fails too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {
  static final String TOKEN = "contract-test-token-0123456789";

  @TempDir static Path dir;
  ServerFixture m; // the main server: has a token and some data
  ServerFixture closed; // its engine closed under it
  ServerFixture small; // a 4 KiB body limit
  ServerFixture bin; // holds keys and values that are not UTF-8
  ServerFixture noTerminal;
  ServerFixture streams;
  ServerFixture snaps;
  JsonNode doc;
  String fileId;
  String binFileId;

  record Result(int status, String contentType, String body) {}

  @BeforeAll
  void start() throws Exception {
    m = ServerFixture.start(dir.resolve("m"), o -> o.withToken(TOKEN));
    closed = ServerFixture.start(dir.resolve("closed"));
    closed.closeEngineOnly();
    small = ServerFixture.start(dir.resolve("small"), o -> o.withMaxBodyBytes(4096));
    bin = ServerFixture.start(dir.resolve("bin"));
    noTerminal = ServerFixture.start(dir.resolve("noterm"), o -> o.withTerminal(null));
    streams = ServerFixture.start(dir.resolve("streams"));
    snaps = ServerFixture.start(dir.resolve("snaps"));

    m.putKey("k", "v");
    m.engine.flush();
    m.putKey("k2", "v2");
    fileId = waitForFile(m);
    bin.engine.put(new byte[] {(byte) 0xff, 1}, "x".getBytes(StandardCharsets.UTF_8));
    bin.engine.put("bin-value".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xfe, 2});
    bin.engine.flush();
    binFileId = waitForFile(bin);
    bin.engine.put(new byte[] {(byte) 0xff, 2}, "y".getBytes(StandardCharsets.UTF_8));
    doc = json(m.get("/openapi.json"));
  }

  private static String waitForFile(ServerFixture f) throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < until) {
      JsonNode l0 = json(f.get("/api/disk?encoding=base64")).get("levels").get("L0");
      if (l0.size() > 0) {
        return l0.get(0).get("file_id").asText();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no L0 file after flush");
  }

  @AfterAll
  void stop() {
    for (ServerFixture f :
        new ServerFixture[] {m, closed, small, bin, noTerminal, streams, snaps}) {
      if (f != null) {
        f.close();
      }
    }
  }

  @Test
  void theDocumentIsValidOpenApi3() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult r = new OpenAPIV3Parser().readContents(doc.toString(), null, options);
    assertNotNull(r.getOpenAPI(), String.valueOf(r.getMessages()));
    assertEquals(List.of(), r.getMessages());
    assertEquals("3.0.3", r.getOpenAPI().getOpenapi());
  }

  @Test
  void theDocumentedPathsAreExactlyTheServersApiRoutes() {
    Set<String> routes = new TreeSet<>();
    Set<String> others = new TreeSet<>();
    for (String route : m.server.routes()) {
      String[] mp = route.split(" ", 2);
      String path = mp[1].replaceAll("<([a-z]+)>", "{$1}");
      if (path.startsWith("/api/") || path.equals("/openapi.json")) {
        routes.add(mp[0] + " " + path);
      } else {
        others.add(mp[0] + " " + path);
      }
    }
    Set<String> documented = new TreeSet<>();
    doc.get("paths")
        .properties()
        .iterator()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method -> {
                          if (!method.equals("parameters")) {
                            documented.add(
                                method.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
                          }
                        }));
    assertEquals(documented, routes);
    // Everything else is a dashboard page, fragment, asset or the login form: HTML, not API.
    for (String o : others) {
      String path = o.split(" ", 2)[1];
      assertTrue(
          path.startsWith("/ui/") || path.startsWith("/assets/") || !path.contains("api"),
          "route outside the API that looks like API: " + o);
    }
  }

  private Map<String, Function<OpenApiContractTest, Result>> scenarios() {
    Map<String, Function<OpenApiContractTest, Result>> s = new LinkedHashMap<>();
    s.put("GET /api/health 200", t -> r(m.get("/api/health")));
    s.put("GET /api/kv/{key} 200", t -> r(m.get("/api/kv/k")));
    s.put("GET /api/kv/{key} 400", t -> r(m.get("/api/kv/k?encoding=hex")));
    s.put("GET /api/kv/{key} 404", t -> r(m.get("/api/kv/absent")));
    s.put("GET /api/kv/{key} 422", t -> r(bin.get("/api/kv/bin-value")));
    s.put("GET /api/kv/{key} 503", t -> r(closed.get("/api/kv/k")));
    s.put("PUT /api/kv/{key} 200", t -> r(m.put("/api/kv/new?sync=false", "{\"value\":\"n\"}")));
    s.put("PUT /api/kv/{key} 400", t -> r(m.put("/api/kv/new", "{}")));
    s.put("PUT /api/kv/{key} 413", t -> r(small.put("/api/kv/k", big())));
    s.put("PUT /api/kv/{key} 415", t -> r(textPlain(m, "/api/kv/k", "PUT")));
    s.put("PUT /api/kv/{key} 503", t -> r(closed.put("/api/kv/k", "{\"value\":\"v\"}")));
    s.put("DELETE /api/kv/{key} 200", t -> r(m.delete("/api/kv/new")));
    s.put("DELETE /api/kv/{key} 400", t -> r(m.delete("/api/kv/k?encoding=hex")));
    s.put("DELETE /api/kv/{key} 503", t -> r(closed.delete("/api/kv/k")));
    String batch = "{\"ops\":[{\"op\":\"put\",\"key\":\"b\",\"value\":\"1\"}]}";
    s.put("POST /api/batch 200", t -> r(m.post("/api/batch", batch)));
    s.put("POST /api/batch 400", t -> r(m.post("/api/batch", "{\"ops\":7}")));
    s.put("POST /api/batch 413", t -> r(small.post("/api/batch", big())));
    s.put("POST /api/batch 415", t -> r(textPlain(m, "/api/batch", "POST")));
    s.put("POST /api/batch 503", t -> r(closed.post("/api/batch", batch)));
    s.put("GET /api/scan 200", t -> r(m.get("/api/scan?limit=1")));
    s.put("GET /api/scan 400", t -> r(m.get("/api/scan?limit=5000")));
    s.put("GET /api/scan 404", t -> r(m.get("/api/scan?snapshot=nope")));
    s.put("GET /api/scan 422", t -> r(bin.get("/api/scan")));
    s.put("GET /api/scan 503", t -> r(closed.get("/api/scan")));
    s.put("POST /api/snapshots 201", t -> r(m.post("/api/snapshots", "")));
    s.put(
        "POST /api/snapshots 429",
        t -> {
          for (int i = 0; i < 64; i++) {
            assertEquals(201, snaps.post("/api/snapshots", "").statusCode());
          }
          return r(snaps.post("/api/snapshots", ""));
        });
    s.put("POST /api/snapshots 503", t -> r(closed.post("/api/snapshots", "")));
    s.put(
        "DELETE /api/snapshots/{id} 200",
        t ->
            r(m.delete("/api/snapshots/" + json(m.post("/api/snapshots", "")).get("id").asText())));
    s.put("DELETE /api/snapshots/{id} 404", t -> r(m.delete("/api/snapshots/nope")));
    s.put("POST /api/flush 200", t -> r(m.post("/api/flush?wait=true", "")));
    s.put("POST /api/flush 400", t -> r(m.post("/api/flush?wait=soon", "")));
    s.put("POST /api/flush 503", t -> r(closed.post("/api/flush", "")));
    s.put("GET /api/stats 200", t -> r(m.get("/api/stats")));
    s.put("GET /api/stats 503", t -> r(closed.get("/api/stats")));
    s.put("GET /api/stats/history 200", t -> r(m.get("/api/stats/history")));
    s.put("GET /api/mem 200", t -> r(m.get("/api/mem")));
    s.put("GET /api/mem 503", t -> r(closed.get("/api/mem")));
    s.put("GET /api/mem/{id} 200", t -> r(m.get("/api/mem/active")));
    s.put("GET /api/mem/{id} 400", t -> r(m.get("/api/mem/active?limit=-1")));
    s.put("GET /api/mem/{id} 404", t -> r(m.get("/api/mem/nope")));
    s.put("GET /api/mem/{id} 422", t -> r(bin.get("/api/mem/active")));
    s.put("GET /api/mem/{id} 503", t -> r(closed.get("/api/mem/active")));
    s.put("GET /api/disk 200", t -> r(m.get("/api/disk")));
    s.put("GET /api/disk 400", t -> r(m.get("/api/disk?encoding=hex")));
    s.put("GET /api/disk 422", t -> r(bin.get("/api/disk")));
    s.put("GET /api/disk 503", t -> r(closed.get("/api/disk")));
    s.put("GET /api/disk/{id} 200", t -> r(m.get("/api/disk/" + fileId)));
    s.put("GET /api/disk/{id} 400", t -> r(m.get("/api/disk/" + fileId + "?limit=x")));
    s.put("GET /api/disk/{id} 404", t -> r(m.get("/api/disk/999999")));
    s.put("GET /api/disk/{id} 422", t -> r(bin.get("/api/disk/" + binFileId)));
    s.put("GET /api/disk/{id} 503", t -> r(closed.get("/api/disk/1")));
    s.put("GET /api/config 200", t -> r(m.get("/api/config")));
    s.put("GET /api/config 503", t -> r(closed.get("/api/config")));
    s.put(
        "PUT /api/config/{key} 200",
        t -> r(m.put("/api/config/l0_compaction_threshold", "{\"value\":9}")));
    s.put(
        "PUT /api/config/{key} 400",
        t -> r(m.put("/api/config/l0_compaction_threshold", "{\"value\":\"many\"}")));
    s.put(
        "PUT /api/config/{key} 415",
        t -> r(textPlain(m, "/api/config/l0_compaction_threshold", "PUT")));
    s.put(
        "PUT /api/config/{key} 503",
        t -> r(closed.put("/api/config/l0_compaction_threshold", "{\"value\":9}")));
    s.put("GET /api/trace/{key} 200", t -> r(m.get("/api/trace/k")));
    s.put("GET /api/trace/{key} 400", t -> r(m.get("/api/trace/k?encoding=hex")));
    s.put("GET /api/trace/{key} 422", t -> r(bin.get("/api/trace/bin-value")));
    s.put("GET /api/trace/{key} 503", t -> r(closed.get("/api/trace/k")));
    s.put("GET /api/compactions 200", t -> r(m.get("/api/compactions")));
    s.put("GET /api/compactions 503", t -> r(closed.get("/api/compactions")));
    s.put("GET /api/events 200", t -> firstEvent(m, "/api/events"));
    s.put("GET /api/events 400", t -> r(m.get("/api/events?topics=everything")));
    s.put("GET /api/events 406", t -> r(m.get("/api/events")));
    s.put(
        "GET /api/events 503",
        t -> {
          List<InputStream> open = new ArrayList<>();
          try {
            for (int i = 0; i < 16; i++) {
              open.add(openStream(streams, "/api/events?topics=stats"));
            }
            waitFor(() -> streams.get("/api/health").statusCode() == 200);
            return r(
                streams.send(
                    streams
                        .request("/api/events")
                        .header("Accept", "text/event-stream")
                        .GET()
                        .build()));
          } finally {
            open.forEach(OpenApiContractTest::closeQuietly);
          }
        });
    s.put("GET /api/load 200", t -> r(m.get("/api/load")));
    s.put(
        "POST /api/load 202",
        t -> {
          Result res = r(m.post("/api/load", "{\"operations\":50,\"threads\":1,\"seed\":1}"));
          waitFor(() -> !json(m.get("/api/load")).get("state").asText().equals("running"));
          return res;
        });
    s.put("POST /api/load 400", t -> r(m.post("/api/load", "{\"threads\":99}")));
    s.put(
        "POST /api/load 409",
        t -> {
          assertEquals(
              202,
              m.post("/api/load", "{\"operations\":10000000,\"duration_seconds\":600}")
                  .statusCode());
          return r(m.post("/api/load", "{\"operations\":1}"));
        });
    s.put("DELETE /api/load 200", t -> r(m.delete("/api/load")));
    s.put("POST /api/load 413", t -> r(small.post("/api/load", big())));
    s.put("POST /api/load 415", t -> r(textPlain(m, "/api/load", "POST")));
    s.put("POST /api/terminal 200", t -> r(m.post("/api/terminal", "{\"line\":\"stats\"}")));
    s.put("POST /api/terminal 400", t -> r(m.post("/api/terminal", "{\"line\":5}")));
    s.put("POST /api/terminal 413", t -> r(small.post("/api/terminal", big())));
    s.put("POST /api/terminal 415", t -> r(textPlain(m, "/api/terminal", "POST")));
    s.put(
        "POST /api/terminal 503", t -> r(noTerminal.post("/api/terminal", "{\"line\":\"stats\"}")));
    s.put("GET /openapi.json 200", t -> r(m.get("/openapi.json")));
    return s;
  }

  @Test
  void everyDocumentedResponseIsProducedAndMatchesItsSchema() {
    Map<String, Function<OpenApiContractTest, Result>> scenarios = scenarios();
    Map<String, JsonNode> documented = documentedResponses();
    Set<String> specific = new TreeSet<>(documented.keySet());
    specific.removeIf(k -> k.endsWith(" 401") || k.endsWith(" 403"));
    assertEquals(specific, new TreeSet<>(scenarios.keySet()), "scenarios vs documented responses");
    SchemaCheck check = new SchemaCheck(doc);
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, Function<OpenApiContractTest, Result>> e : scenarios.entrySet()) {
      Result res = e.getValue().apply(this);
      verify(e.getKey(), documented.get(e.getKey()), res, check, failures);
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void everyOperationAnswers401WithoutTheTokenAnd403ToAForeignHost() throws IOException {
    Map<String, JsonNode> documented = documentedResponses();
    SchemaCheck check = new SchemaCheck(doc);
    List<String> failures = new ArrayList<>();
    for (String k : documented.keySet()) {
      if (!k.endsWith(" 401") && !k.endsWith(" 403")) {
        continue;
      }
      String[] parts = k.split(" ");
      String method = parts[0];
      String path = parts[1].replace("{key}", "k").replace("{id}", "x");
      Result res;
      if (k.endsWith(" 401")) {
        HttpRequest.Builder b =
            HttpRequest.newBuilder(java.net.URI.create(m.base() + path))
                .header("Content-Type", "application/json");
        b.method(method, HttpRequest.BodyPublishers.ofString("{}"));
        res = r(m.send(b.build()));
      } else {
        String raw =
            m.raw(
                method
                    + " "
                    + path
                    + " HTTP/1.1\r\nHost: rebind.example:"
                    + m.server.port()
                    + "\r\nAuthorization: Bearer "
                    + TOKEN
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        res = parseRaw(raw);
      }
      verify(k, documented.get(k), res, check, failures);
    }
    assertEquals(List.of(), failures);
  }

  private void verify(
      String key, JsonNode response, Result res, SchemaCheck check, List<String> failures) {
    int expected = Integer.parseInt(key.substring(key.lastIndexOf(' ') + 1));
    if (res.status() != expected) {
      failures.add(key + ": got " + res.status() + " " + res.body());
      return;
    }
    JsonNode content = response.path("content");
    String ct = res.contentType() == null ? "" : res.contentType().split(";")[0].strip();
    if (!content.has(ct)) {
      failures.add(
          key
              + ": content type "
              + ct
              + " is not documented ("
              + content.fieldNames().next()
              + ")");
      return;
    }
    if (ct.equals("text/event-stream")) {
      return;
    }
    JsonNode body;
    try {
      body = ServerFixture.JSON.readTree(res.body());
    } catch (IOException e) {
      failures.add(key + ": body is not JSON: " + res.body());
      return;
    }
    List<String> errors = check.check(content.get(ct).get("schema"), body);
    if (!errors.isEmpty()) {
      failures.add(key + ": " + errors + " in " + res.body());
    }
  }

  /** "METHOD /path STATUS" to the response object, $refs to components resolved. */
  private Map<String, JsonNode> documentedResponses() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = doc.get("paths").properties().iterator();
        p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      for (Iterator<Map.Entry<String, JsonNode>> o = path.getValue().properties().iterator();
          o.hasNext(); ) {
        Map.Entry<String, JsonNode> op = o.next();
        if (op.getKey().equals("parameters")) {
          continue;
        }
        for (Iterator<Map.Entry<String, JsonNode>> r =
                op.getValue().get("responses").properties().iterator();
            r.hasNext(); ) {
          Map.Entry<String, JsonNode> resp = r.next();
          JsonNode v = resp.getValue();
          if (v.has("$ref")) {
            String name = v.get("$ref").asText().replace("#/components/responses/", "");
            v = doc.get("components").get("responses").get(name);
          }
          out.put(
              op.getKey().toUpperCase(java.util.Locale.ROOT)
                  + " "
                  + path.getKey()
                  + " "
                  + resp.getKey(),
              v);
        }
      }
    }
    return out;
  }

  private static Result r(HttpResponse<String> h) {
    return new Result(
        h.statusCode(), h.headers().firstValue("Content-Type").orElse(null), h.body());
  }

  private static Result parseRaw(String raw) {
    int status = Integer.parseInt(raw.substring(9, 12));
    String head = raw.substring(0, raw.indexOf("\r\n\r\n"));
    String ct = null;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
        ct = line.substring(13).strip();
      }
    }
    String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
    if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
      body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
    }
    return new Result(status, ct, body);
  }

  private static String big() {
    return "{\"value\":\"" + "x".repeat(5000) + "\"}";
  }

  private static HttpResponse<String> textPlain(ServerFixture f, String path, String method) {
    return f.send(
        f.request(path)
            .header("Content-Type", "text/plain")
            .method(method, HttpRequest.BodyPublishers.ofString("{}"))
            .build());
  }

  private static InputStream openStream(ServerFixture f, String path) {
    try {
      HttpResponse<InputStream> r =
          f.http.send(
              f.request(path).header("Accept", "text/event-stream").GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, r.statusCode());
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Result firstEvent(ServerFixture f, String path) {
    try {
      HttpResponse<InputStream> r =
          f.http.send(
              f.request(path).header("Accept", "text/event-stream").GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body();
          BufferedReader br =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        StringBuilder sb = new StringBuilder();
        for (String line = br.readLine(); line != null && !line.isEmpty(); line = br.readLine()) {
          sb.append(line).append('\n');
        }
        assertTrue(sb.toString().startsWith("event: hello"), sb.toString());
        return new Result(
            r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), sb.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // The stream's server side notices on its next write.
    }
  }

  static void waitFor(java.util.function.BooleanSupplier condition) {
    long until = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > until) {
        throw new AssertionError("condition not met within 10 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
