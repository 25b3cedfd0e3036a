package io.kiwidb.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A real engine in a temporary directory served by a real {@link KiwiServer} on a free loopback
 * port, with an HTTP client for tests. Close it to stop both.
 */
final class ServerFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final StorageEngine engine;
  final KiwiServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String token;
  private boolean engineClosed;

  private ServerFixture(StorageEngine engine, KiwiServer server, String token) {
    this.engine = engine;
    this.server = server;
    this.token = token;
  }

  /** An engine on {@code dir} and a server with the default options on port 0 and a terminal. */
  static ServerFixture start(Path dir) {
    return start(dir, o -> o);
  }

  static ServerFixture start(Path dir, UnaryOperator<ServerOptions> options) {
    return start(dir, options, e -> e);
  }

  /**
   * As {@link #start(Path, UnaryOperator)}, serving {@code wrap} of the engine (a recording
   * decorator, say); {@link #engine} is the served one.
   */
  static ServerFixture start(
      Path dir, UnaryOperator<ServerOptions> options, UnaryOperator<StorageEngine> wrap) {
    StorageEngine engine = wrap.apply(KiwiDb.open(dir));
    try {
      ServerOptions o =
          options.apply(
              ServerOptions.defaults()
                  .withPort(0)
                  .withTerminal(line -> new CommandRunner.Result(0, "ran: " + line, "")));
      return new ServerFixture(engine, KiwiServer.start(engine, o), o.token());
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  /** The base URL without the trailing slash. */
  String base() {
    return "http://127.0.0.1:" + server.port();
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  HttpResponse<String> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  HttpResponse<String> delete(String path) {
    return send(request(path).DELETE().build());
  }

  HttpResponse<String> post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  HttpResponse<String> put(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** PUT /api/kv/{key} with a UTF-8 value. */
  HttpResponse<String> putKey(String key, String value) {
    return put("/api/kv/" + enc(key), "{\"value\":" + quote(value) + "}");
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
    }
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Percent-encodes a path segment or query value (keeps '/' literal for keys with slashes). */
  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
  }

  /**
   * Sends a raw HTTP/1.1 request (for headers HttpClient will not set, such as Host) and returns
   * the status line and headers and body as one string.
   */
  String raw(String requestHead) throws IOException {
    try (Socket s =
        new Socket(java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Closes the engine under the running server (for the 503 paths). */
  void closeEngineOnly() {
    engine.close();
    engineClosed = true;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      if (!engineClosed) {
        engine.close();
      }
    }
  }
}
