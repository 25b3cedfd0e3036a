package io.kiwidb.server;

import static io.kiwidb.server.ServerFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.testkit.ModuleDescriptors;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loopback by default, tokens elsewhere, no CORS, no rebinding, no cross-site writes. */
class SecurityTest {
  static final String TOKEN = "s3cret-token-for-tests-0001";

  @TempDir Path dir;

  @Test
  void aNonLoopbackBindWithoutATokenIsRefusedAtStart() {
    try (StorageEngine engine = KiwiDb.open(dir.resolve("d"))) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  KiwiServer.start(
                      engine, ServerOptions.defaults().withBindAddress("0.0.0.0").withPort(0)));
      assertTrue(e.getMessage().contains("without a token"), e.getMessage());
      // The engine is untouched and still usable.
      engine.put(new byte[] {1}, new byte[] {2});
    }
  }

  @Test
  void optionsAreCheckedAndTheTokenNeverPrinted() {
    assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withToken("short"));
    assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withPort(70000));
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerOptions.defaults().withToken("has space in it 123"));
    String s = ServerOptions.defaults().withToken(TOKEN).toString();
    assertFalse(s.contains(TOKEN), s);
    assertTrue(ServerOptions.defaults().isLoopback());
    assertFalse(ServerOptions.defaults().withBindAddress("0.0.0.0").isLoopback());
  }

  @Test
  void withATokenEveryRequestNeedsItIncludingTheEventStream() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir.resolve("t"), o -> o.withToken(TOKEN))) {
      HttpClient http = HttpClient.newHttpClient();
      for (String path : new String[] {"/api/stats", "/api/events", "/openapi.json", "/ui/mem"}) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(f.base() + path))
                    .header("Accept", "text/event-stream")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode(), path);
        assertEquals(
            "Bearer realm=\"kiwi-db\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
      }
      HttpResponse<String> wrong =
          http.send(
              HttpRequest.newBuilder(URI.create(f.base() + "/api/stats"))
                  .header("Authorization", "Bearer " + TOKEN + "x")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, wrong.statusCode());
      assertEquals("Authorization", json(wrong).get("field").asText());
      // With the token the stream opens.
      HttpResponse<InputStream> stream =
          http.send(
              f.request("/api/events").header("Accept", "text/event-stream").build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, stream.statusCode());
      stream.body().close();
      // A page redirects a browser to the login form instead.
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(f.base() + "/sstables")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(303, page.statusCode());
      assertEquals("/login?next=%2Fsstables", page.headers().firstValue("Location").orElse(""));
    }
  }

  @Test
  void theLoginFormSetsAStrictHttpOnlySessionCookieThatOpensTheStream() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir.resolve("l"), o -> o.withToken(TOKEN))) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> bad = login(http, f, "not-the-token-at-all", "/kv");
      assertEquals(401, bad.statusCode());
      assertTrue(bad.headers().firstValue("Set-Cookie").isEmpty());
      HttpResponse<String> ok = login(http, f, TOKEN, "//evil.example/");
      assertEquals(303, ok.statusCode());
      assertEquals("/", ok.headers().firstValue("Location").orElse(""), "no open redirect");
      String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
      assertFalse(cookie.contains(TOKEN), "the cookie is a session id, not the token");
      String session = cookie.substring(0, cookie.indexOf(';'));
      HttpResponse<InputStream> stream =
          http.send(
              HttpRequest.newBuilder(URI.create(f.base() + "/api/events?topics=log"))
                  .header("Accept", "text/event-stream")
                  .header("Cookie", session)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, stream.statusCode());
      stream.body().close();
      HttpResponse<String> loggedOut =
          http.send(
              HttpRequest.newBuilder(URI.create(f.base() + "/logout"))
                  .header("Cookie", session)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(303, loggedOut.statusCode());
      HttpResponse<String> after =
          http.send(
              HttpRequest.newBuilder(URI.create(f.base() + "/api/stats"))
                  .header("Cookie", session)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, after.statusCode());
    }
  }

  private static HttpResponse<String> login(
      HttpClient http, ServerFixture f, String token, String next) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(f.base() + "/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token="
                        + java.net.URLEncoder.encode(token, "UTF-8")
                        + "&next="
                        + java.net.URLEncoder.encode(next, "UTF-8")))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void loopbackRefusesForeignHostsAndCrossOriginWritesAndSendsNoCors() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir.resolve("c"))) {
      String rebind =
          f.raw("GET /api/stats HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
      assertTrue(rebind.startsWith("HTTP/1.1 403"), rebind);
      String local =
          f.raw("GET /api/health HTTP/1.1\r\nHost: localhost:1\r\nConnection: close\r\n\r\n");
      assertTrue(local.startsWith("HTTP/1.1 200"), local);

      HttpResponse<String> cross =
          f.send(
              f.request("/api/flush")
                  .header("Origin", "http://attacker.example")
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build());
      assertEquals(403, cross.statusCode());
      assertEquals("Origin", json(cross).get("field").asText());
      assertEquals(0, f.engine.stats().counters().flushes());

      HttpResponse<String> same =
          f.send(
              f.request("/api/flush")
                  .header("Origin", f.base())
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build());
      assertEquals(200, same.statusCode(), same.body());

      HttpResponse<String> preflight =
          f.send(
              f.request("/api/kv/k")
                  .header("Origin", "http://attacker.example")
                  .header("Access-Control-Request-Method", "PUT")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .build());
      assertTrue(preflight.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
      HttpResponse<String> get = f.get("/api/health");
      assertTrue(get.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
      assertEquals("nosniff", get.headers().firstValue("X-Content-Type-Options").orElse(""));
      assertTrue(
          get.headers()
              .firstValue("Content-Security-Policy")
              .orElse("")
              .contains("script-src 'self'"));
    }
  }

  @Test
  void theModuleExportsOnlyItsApi() {
    ModuleDescriptors.assertExports(KiwiServer.class.getModule(), Set.of("io.kiwidb.server"));
  }
}
