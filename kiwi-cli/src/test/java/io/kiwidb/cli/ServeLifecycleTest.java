package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code kiwi serve} started and stopped: SIGTERM in the middle of a write load keeps
 * every write the server acknowledged (HTTP 200) and closes the engine cleanly; Ctrl-C (SIGINT)
 * does the same; a non-loopback bind without a token is refused before anything is opened. The load
 * is bounded (4 threads, at most 20,000 requests, 10 s) and loopback only.
 */
@Tag("launcher")
class ServeLifecycleTest {
  @TempDir Path work;

  @BeforeAll
  static void needsThePackagedProgram() {
    KiwiLauncher.assumePackaged();
  }

  @Test
  void everyAcknowledgedWriteSurvivesSigtermMidLoad() throws Exception {
    KiwiLauncher kiwi = new KiwiLauncher(work);
    Path data = work.resolve("data");
    Map<String, String> acked = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger sent = new AtomicInteger();
    long deadline = System.currentTimeMillis() + 10_000;
    List<Thread> clients = new ArrayList<>();
    try (ServeProcess serve = ServeProcess.start(kiwi, data.toString())) {
      for (int t = 0; t < 4; t++) {
        int thread = t;
        Thread c =
            new Thread(
                () -> {
                  for (int i = 0;
                      !stop.get()
                          && sent.incrementAndGet() <= 20_000
                          && System.currentTimeMillis() < deadline;
                      i++) {
                    String key = "d:" + thread + ":" + i;
                    String value = "value-" + thread + "-" + i;
                    try {
                      ServeProcess.Response r =
                          serve.request("PUT", "/api/kv/" + key, "{\"value\":\"" + value + "\"}");
                      if (r.status() == 200) {
                        acked.put(key, value);
                      } else {
                        refused.incrementAndGet(); // 503 while stopping: not acknowledged
                      }
                    } catch (UncheckedIOException e) {
                      return; // the server is gone
                    }
                  }
                },
                "sigterm-load-" + t);
        clients.add(c);
        c.start();
      }
      // Let the load run, then stop the server under it.
      while (acked.size() < 300 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      serve.child.terminate();
      CliRun exited = serve.child.await(60);
      stop.set(true);
      for (Thread c : clients) {
        c.join(15_000);
      }
      assertEquals(143, exited.code(), exited::toString);
    }
    assertTrue(
        acked.size() >= 300, "the load was running: " + acked.size() + " writes acknowledged");
    String log = Files.readString(data.resolve("logs").resolve("kiwidb.log"));
    assertTrue(log.contains("Shutdown complete"), "the engine closed cleanly");
    int missing = 0;
    try (StorageEngine engine = KiwiDb.open(data)) {
      for (Map.Entry<String, String> e : acked.entrySet()) {
        Optional<byte[]> v = engine.get(e.getKey().getBytes(StandardCharsets.UTF_8));
        if (v.isEmpty() || !new String(v.get(), StandardCharsets.UTF_8).equals(e.getValue())) {
          missing++;
        }
      }
    }
    assertEquals(
        0,
        missing,
        missing + " of " + acked.size() + " acknowledged writes lost (refused: " + refused + ")");
    System.out.println(
        "SIGTERM mid-load: "
            + acked.size()
            + " acknowledged writes all present; "
            + refused
            + " refused while stopping");
  }

  @Test
  void ctrlCClosesTheEngineCleanly() throws Exception {
    KiwiLauncher kiwi = new KiwiLauncher(work);
    Path data = work.resolve("data");
    try (ServeProcess serve = ServeProcess.start(kiwi, data.toString())) {
      assertEquals(200, serve.request("PUT", "/api/kv/k", "{\"value\":\"v\"}").status());
      serve.child.interrupt();
      CliRun exited = serve.child.await(60);
      assertEquals(130, exited.code(), exited::toString);
    }
    assertTrue(
        Files.readString(data.resolve("logs").resolve("kiwidb.log")).contains("Shutdown complete"));
    CliRun get = kiwi.run("get", "--data", data.toString(), "k");
    assertEquals("v\n", get.out(), get::toString);
  }

  @Test
  void aNonLoopbackBindWithoutATokenIsRefusedBeforeTheStoreIsOpened() {
    KiwiLauncher kiwi = new KiwiLauncher(work);
    Path data = work.resolve("never");
    CliRun r = kiwi.run("serve", "--data", data.toString(), "--bind", "0.0.0.0", "--port", "0");
    assertEquals(ExitCodes.USAGE, r.code(), r::toString);
    assertTrue(r.err().contains("--token"), r::toString);
    assertTrue(!Files.exists(data), "no data directory was created");
    CliRun shortToken =
        kiwi.run("serve", "--data", data.toString(), "--bind", "0.0.0.0", "--token", "abc");
    assertEquals(ExitCodes.USAGE, shortToken.code(), shortToken::toString);
    assertTrue(shortToken.err().contains("at least 16"), shortToken::toString);
  }
}
