package io.kiwidb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event stream: engine log lines relayed from the broadcast port, and stats every second. */
class EventStreamTest {
  @TempDir Path dir;

  record Event(String name, JsonNode data) {}

  /** Reads events of one stream on a thread of its own into a queue. */
  static BlockingQueue<Event> listen(ServerFixture f, String path) throws Exception {
    HttpResponse<InputStream> r =
        f.http.send(
            f.request(path).header("Accept", "text/event-stream").GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    BlockingQueue<Event> q = new LinkedBlockingQueue<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String name = null;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (line.startsWith("event: ")) {
                    name = line.substring(7);
                  } else if (line.startsWith("data: ") && name != null) {
                    q.add(new Event(name, ServerFixture.JSON.readTree(line.substring(6))));
                  }
                }
              } catch (Exception e) {
                // stream closed
              }
            },
            "test-sse-reader");
    t.setDaemon(true);
    t.start();
    return q;
  }

  static Event next(BlockingQueue<Event> q, String name, long millis) throws InterruptedException {
    long until = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < until) {
      Event e = q.poll(until - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
      if (e != null && e.name().equals(name)) {
        return e;
      }
    }
    return null;
  }

  @Test
  void aFlushsLogLinesArriveWithinTwoSeconds() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir.resolve("d"))) {
      BlockingQueue<Event> q = listen(f, "/api/events?topics=log");
      Event hello = next(q, "hello", 5000);
      assertTrue(hello != null && hello.data().get("log_port").asInt() > 0);
      OpenApiContractTest.waitFor(() -> f.get("/api/health").body().contains("\"connected\""));
      while (q.poll() != null) {
        // drop the backlog
      }
      f.putKey("x", "y");
      long start = System.nanoTime();
      f.post("/api/flush", "");
      Event flushLine = null;
      while (flushLine == null) {
        Event e = next(q, "log", 2000 - (System.nanoTime() - start) / 1_000_000);
        if (e == null) {
          break;
        }
        if (e.data().get("line").asText().toLowerCase(java.util.Locale.ROOT).contains("flush")) {
          flushLine = e;
        }
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(flushLine != null, "no flush log line within 2 s");
      assertTrue(millis < 2000, "took " + millis + " ms");
      assertEquals("INFO", flushLine.data().get("level").asText());
    }
  }

  @Test
  void statsArriveEverySecondWithRates() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir.resolve("d"))) {
      BlockingQueue<Event> q = listen(f, "/api/events?topics=stats");
      Event first = next(q, "stats", 3000);
      for (int i = 0; i < 200; i++) {
        f.putKey("k" + i, "v");
      }
      Event second = next(q, "stats", 3000);
      Event third = next(q, "stats", 3000);
      assertTrue(first != null && second != null && third != null);
      long gap =
          third.data().get("time_millis").asLong() - second.data().get("time_millis").asLong();
      assertTrue(gap >= 800 && gap <= 1500, "gap " + gap);
      double writes =
          second.data().get("writes_per_sec").asDouble()
              + third.data().get("writes_per_sec").asDouble();
      assertTrue(writes > 0, "writes/s moved: " + second.data() + " " + third.data());
      assertTrue(third.data().get("counters").get("writes").asLong() >= 200);
    }
  }

  @Test
  void streamsAreCappedAndAClosedStreamFreesItsPlace() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir.resolve("d"))) {
      java.util.List<InputStream> open = new java.util.ArrayList<>();
      for (int i = 0; i < 16; i++) {
        HttpResponse<InputStream> r =
            f.http.send(
                f.request("/api/events?topics=stats")
                    .header("Accept", "text/event-stream")
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        open.add(r.body());
      }
      HttpResponse<String> full =
          f.send(f.request("/api/events").header("Accept", "text/event-stream").GET().build());
      assertEquals(503, full.statusCode(), full.body());
      assertTrue(full.headers().firstValue("Retry-After").isPresent());
      open.remove(0).close();
      // The server notices the closed stream at its next write (a stats event within a second).
      OpenApiContractTest.waitFor(
          () -> {
            try {
              HttpResponse<InputStream> r =
                  f.http.send(
                      f.request("/api/events?topics=stats")
                          .header("Accept", "text/event-stream")
                          .GET()
                          .build(),
                      HttpResponse.BodyHandlers.ofInputStream());
              if (r.statusCode() == 200) {
                open.add(r.body());
                return true;
              }
              r.body().close();
              return false;
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
      for (InputStream in : open) {
        in.close();
      }
    }
  }
}
