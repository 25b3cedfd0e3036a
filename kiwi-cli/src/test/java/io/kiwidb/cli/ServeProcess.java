package io.kiwidb.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code ./kiwi serve} on a free loopback port, and a minimal HTTP client for it
 * (HttpURLConnection, so the tests need no extra JDK module).
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)/");

  final KiwiLauncher.Child child;
  final String base;

  private ServeProcess(KiwiLauncher.Child child, String base) {
    this.child = child;
    this.base = base;
  }

  static ServeProcess start(KiwiLauncher kiwi, String data, String... extra) throws Exception {
    String[] args = new String[4 + extra.length];
    args[0] = "serve";
    args[1] = "--data";
    args[2] = data;
    args[3] = "--port=0";
    System.arraycopy(extra, 0, args, 4, extra.length);
    KiwiLauncher.Child c = kiwi.start(args);
    c.awaitOutput("the server to listen", r -> URL.matcher(r.out()).find(), 60);
    Matcher m = URL.matcher(c.stdout());
    if (!m.find()) {
      throw new AssertionError(c.snapshot().toString());
    }
    return new ServeProcess(c, m.group(1));
  }

  /** A response: status and body. */
  record Response(int status, String body) {}

  Response request(String method, String path, String json) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
      c.setRequestMethod(method);
      c.setConnectTimeout(5000);
      c.setReadTimeout(30_000);
      if (json != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream o = c.getOutputStream()) {
          o.write(json.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (in != null) {
        try (in) {
          in.transferTo(body);
        }
      }
      return new Response(status, body.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    }
  }

  @Override
  public void close() {
    child.close();
  }
}
