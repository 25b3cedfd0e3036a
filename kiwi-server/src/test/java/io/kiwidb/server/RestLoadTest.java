package io.kiwidb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link RestLoad}: small by default (so the build checks the load runs with no errors), the
 * documented size with {@code -Dkiwi.load.requests=20000 -Dkiwi.load.seconds=20}.
 */
class RestLoadTest {
  @TempDir Path dir;

  @Test
  void aBoundedLoopbackLoadAt1And8And32ClientsHasNoErrors() throws Exception {
    int requests = Integer.getInteger("kiwi.load.requests", 300);
    int seconds = Integer.getInteger("kiwi.load.seconds", 20);
    List<RestLoad.Row> rows =
        RestLoad.run(dir.resolve("d"), new int[] {1, 8, 32}, requests, seconds);
    System.out.println(
        "REST load, "
            + requests
            + " requests or "
            + seconds
            + " s per row:\n"
            + RestLoad.table(rows));
    assertEquals(6, rows.size());
    for (RestLoad.Row r : rows) {
      assertEquals(0, r.errors(), r.toString());
      assertTrue(r.requests() > 0, r.toString());
    }
  }
}
