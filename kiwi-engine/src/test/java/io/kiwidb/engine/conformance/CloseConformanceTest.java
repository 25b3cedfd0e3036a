package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.AsyncStorageEngine;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.engine.EngineTestHooks;
import io.kiwidb.engine.LsmEngine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The reference's {@code close()} step by step, and {@code _check_closed}. */
class CloseConformanceTest extends EngineFixture {

  @Test
  @DisplayName("close: \"Flush and close the engine. Idempotent.\"")
  void closeIsIdempotent() {
    open();
    engine.put(b("a"), b("1"));
    engine.close();
    engine.close();
    assertEquals(1, logs.messages().stream().filter("Shutdown started"::equals).count());
  }

  @Test
  @DisplayName(
      "close: log lines in order: Shutdown started, MemTable state at shutdown, WAL closed,"
          + " SSTables closed, Log server stopping, Shutdown complete")
  void closeStepsAreLoggedInOrder() {
    open(Map.of("log_broadcast_enabled", true, "log_broadcast_port", 0));
    engine.put(b("a"), b("1"));
    engine.close();
    List<String> order =
        List.of(
            "Shutdown started",
            "MemTable state at shutdown",
            "WAL closed",
            "SSTables closed",
            "Log server stopping",
            "Shutdown complete");
    logs.assertInOrder(order);
    assertEquals("Shutdown complete", logs.messages().get(logs.messages().size() - 1));
  }

  @Test
  @DisplayName(
      "close: \"1. Stop the flush pipeline and wait for it to drain\" (queued memtables reach"
          + " L0)")
  void closeDrainsTheFlushPipeline() throws Exception {
    open();
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("a"), b("1"));
    engine.flush();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(engine::close);
    Thread.sleep(200);
    assertFalse(closing.isDone(), "close waits for the queued flush");
    fs.releaseSyncs();
    closing.get();
    engine = LsmEngine.open(fs, root, null);
    assertEquals(1, engine.stats().l0SstableCount(), "the queued memtable was flushed");
    assertEquals(0, engine.stats().keyCount(), "nothing left to replay into the memtable");
  }

  @Test
  @DisplayName(
      "close: \"wait_for(pipeline, timeout=30.0) ... logger.warning('FlushPipeline drain timed"
          + " out')\" (the data stays in the WAL)")
  void anExpiredDrainLogsAWarningAndCloseStillCompletes() {
    open();
    EngineTestHooks.setCloseDrainTimeout(engine, Duration.ofMillis(200));
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("a"), b("1"));
    engine.flush();
    engine.close(); // returns after the timeout although the flush is stuck
    assertTrue(
        logs.messages()
            .contains("FlushPipeline drain timed out; unflushed memtables stay in the WAL"),
        logs.messages().toString());
    assertEquals(
        "WARN",
        logs.last("FlushPipeline drain timed out; unflushed memtables stay in the WAL")
            .getLevel()
            .toString());
    assertTrue(logs.messages().contains("Shutdown complete"));
    String abandoned = "Flush abandoned at close; the memtable stays in the WAL";
    await("the interrupted flush to give up", () -> logs.messages().contains(abandoned));
    assertFalse(
        logs.messages().contains("Background error; writes are refused until reopen"),
        "an abandoned flush is not a store failure");
    fs.releaseSyncs();
    engine = LsmEngine.open(fs, root, null);
    assertEquals("1", get("a"), "replayed from the WAL");
  }

  @Test
  @DisplayName(
      "close: \"2. Log memtable state before closing\" (active_entries, active_size_bytes,"
          + " immutable_queue_len, seq)")
  void closeLogsTheMemtableState() {
    open();
    engine.put(b("a"), b("1"));
    engine.put(b("b"), b("2"));
    long size = engine.stats().activeSizeBytes();
    engine.close();
    Map<String, String> kv = logs.kv("MemTable state at shutdown");
    assertEquals("2", kv.get("active_entries"));
    assertEquals(String.valueOf(size), kv.get("active_size_bytes"));
    assertEquals("0", kv.get("immutable_queue_len"));
    assertEquals("2", kv.get("seq"));
  }

  @Test
  @DisplayName("close: \"3. WAL — fsync + close\"")
  void closeSyncsAndClosesTheWal() {
    open(Map.of("wal_sync_mode", "none"));
    fs.clearOps(); // the open syncs the new segment's header
    engine.put(b("a"), b("1"));
    assertEquals(
        List.of(),
        fs.ops(walDir().toString()).stream().filter(o -> o.startsWith("sync ")).toList(),
        "no per-write fsync in mode none");
    fs.clearOps();
    engine.close();
    List<String> wal = fs.ops(walDir().toString());
    assertTrue(wal.size() >= 2, wal.toString());
    assertTrue(wal.get(0).startsWith("sync "), wal.toString());
    assertTrue(wal.get(1).startsWith("close "), wal.toString());
  }

  @Test
  @DisplayName("close: \"4. SSTable readers — close all\"")
  void closeClosesEveryTableReader() {
    open();
    for (int t = 0; t < 3; t++) {
      engine.put(b("k" + t), b("v"));
      engine.flush();
      awaitFlushed(t + 1);
    }
    for (int t = 0; t < 3; t++) {
      assertEquals("v", get("k" + t));
    }
    assertTrue(fs.openReaders() >= 3, "readers open: " + fs.openReaders());
    engine.close();
    assertEquals(0, fs.openReaders());
  }

  @Test
  @DisplayName(
      "close: \"5. Log server — stop last so shutdown logs are broadcast\" (a client sees"
          + " Shutdown complete, then the port closes)")
  void theLogServerStopsLastAndBroadcastsTheShutdown() throws Exception {
    open(Map.of("log_broadcast_enabled", true, "log_broadcast_port", 0));
    int port = engine.logPort();
    List<String> lines = new ArrayList<>();
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
      await("the client to be registered", () -> EngineTestHooks.broadcastClients(engine) == 1);
      engine.close();
      for (String line; (line = in.readLine()) != null; ) {
        lines.add(line);
      }
    }
    assertTrue(lines.get(lines.size() - 1).contains("Shutdown complete"), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("Log server stopping")), lines.toString());
    assertThrows(
        ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
  }

  @Test
  @DisplayName("_check_closed: every call after close fails clearly (EngineClosedException)")
  void everyCallAfterCloseFails() {
    open();
    engine.close();
    List<Executable> calls =
        List.of(
            () -> engine.put(b("a"), b("1")),
            () -> engine.get(b("a")),
            () -> engine.delete(b("a")),
            () -> engine.write(new WriteBatch().put(b("a"), b("1"))),
            () -> engine.flush(),
            () -> engine.updateConfig("block_size", 8192),
            () -> engine.stats(),
            () -> engine.showMem(),
            () -> engine.showMem("x"),
            () -> engine.showDisk(),
            () -> engine.showDisk("1"),
            () -> engine.trace(b("a")),
            () -> engine.snapshot(),
            () -> engine.iterator(ScanOptions.all()),
            () -> engine.async(),
            () -> engine.config());
    for (Executable call : calls) {
      EngineClosedException e = assertThrows(EngineClosedException.class, call);
      assertTrue(e.getMessage().contains("engine at " + root + " is closed"), e.getMessage());
    }
    assertEquals(root, engine.dataRoot(), "the data_root property still answers");
  }

  @Test
  @DisplayName("_check_closed: an async view kept past close hands out failed futures")
  void anAsyncViewKeptPastCloseFailsClearly() {
    open();
    AsyncStorageEngine async = engine.async();
    engine.close();
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> async.put(b("a"), b("1")).get());
    assertInstanceOf(EngineClosedException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("put failed"), e.getCause().getMessage());
    assertThrows(ExecutionException.class, () -> async.get(b("a")).get());
  }
}
