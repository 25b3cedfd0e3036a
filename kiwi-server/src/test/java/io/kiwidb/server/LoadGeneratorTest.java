package io.kiwidb.server;

import static io.kiwidb.server.ServerFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator: bounded by count and time, stops by itself, one run at a time. */
class LoadGeneratorTest {
  @TempDir Path dir;

  @Test
  void aRunReachesItsCountAndWritesWhatItSays() {
    try (ServerFixture f = ServerFixture.start(dir.resolve("d"))) {
      JsonNode started =
          json(
              f.post(
                  "/api/load",
                  "{\"operations\":3000,\"threads\":3,\"read_fraction\":0.25,\"key_space\":500,"
                      + "\"key_prefix\":\"lt:\",\"seed\":42}"));
      assertEquals("running", started.get("state").asText());
      OpenApiContractTest.waitFor(
          () -> !json(f.get("/api/load")).get("state").asText().equals("running"));
      JsonNode s = json(f.get("/api/load"));
      assertEquals("finished", s.get("state").asText(), s.toString());
      assertEquals("count reached", s.get("reason").asText());
      assertEquals(3000, s.get("done").asLong());
      assertEquals(1.0, s.get("progress").asDouble());
      assertEquals(3000, s.get("puts").asLong() + s.get("gets").asLong());
      assertEquals(42, s.get("seed").asLong());
      long keys = 0;
      String cursor = null;
      do {
        JsonNode page =
            json(
                f.get(
                    "/api/scan?prefix=lt:&limit=1000"
                        + (cursor == null ? "" : "&cursor=" + cursor)));
        keys += page.get("items").size();
        cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      } while (cursor != null);
      assertTrue(keys > 0 && keys <= 500, "keys " + keys);
      assertTrue(f.engine.stats().counters().writes() >= s.get("puts").asLong());
    }
  }

  @Test
  void aRunStopsAtItsTimeLimitOrWhenAsked() {
    try (ServerFixture f = ServerFixture.start(dir.resolve("d"))) {
      f.post("/api/load", "{\"operations\":10000000,\"duration_seconds\":1,\"value_bytes\":10}");
      OpenApiContractTest.waitFor(
          () -> !json(f.get("/api/load")).get("state").asText().equals("running"));
      JsonNode s = json(f.get("/api/load"));
      assertEquals("time limit reached", s.get("reason").asText(), s.toString());
      assertTrue(s.get("elapsed_millis").asLong() < 5000);

      f.post("/api/load", "{\"operations\":10000000,\"duration_seconds\":600}");
      assertEquals(409, f.post("/api/load", "{}").statusCode());
      JsonNode stopped = json(f.delete("/api/load"));
      assertEquals("stopped", stopped.get("state").asText(), stopped.toString());
      assertTrue(stopped.get("done").asLong() < 10_000_000);
    }
  }
}
