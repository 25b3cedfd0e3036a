package io.kiwidb.engine.logging;

import static io.kiwidb.engine.logging.LogClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiIOException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogBroadcastServerTest {
  private LogBroadcastServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private LogBroadcastServer start(int port, int queue, int maxClients) {
    server = new LogBroadcastServer(port, queue, maxClients, "test");
    server.start();
    return server;
  }

  @Test
  void everyLineReachesEveryClient() throws Exception {
    start(0, 64, 4);
    try (LogClient a = new LogClient(server.port());
        LogClient b = new LogClient(server.port())) {
      await(() -> server.clientCount() == 2, "two clients");
      server.publish("first\n");
      server.publish("second line\n");
      assertEquals(List.of("first", "second line"), a.readUntil("second"));
      assertEquals(List.of("first", "second line"), b.readUntil("second"));
    }
  }

  @Test
  void listensOn127001Only() throws Exception {
    start(0, 1, 1);
    // On Linux all of 127/8 reaches this host: a listener on the wildcard address would accept a
    // connection to 127.0.0.2, one bound to 127.0.0.1 refuses it.
    InetAddress other = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
    assertThrows(IOException.class, () -> new Socket(other, server.port()).close());
    new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), server.port()).close();
  }

  @Test
  void aClientThatNeverReadsDoesNotBlockPublishingOrOtherClients() throws Exception {
    start(0, 16, 4);
    try (LogClient stuck = new LogClient(server.port())) {
      await(() -> server.clientCount() == 1, "the stuck client");
      String kilobyte = "x".repeat(1023) + "\n";
      // 64 MiB: far beyond the socket buffers and the 16-line queue. Without the drop policy
      // publish would block once the buffers fill; the timeout only guards against that hang.
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            for (int i = 0; i < 65_536; i++) {
              server.publish(kilobyte);
            }
          });
      assertTrue(server.droppedLines() > 0, "lines were dropped for the stuck client");
      try (LogClient reader = new LogClient(server.port())) {
        await(() -> server.clientCount() == 2, "the second client");
        server.publish("still serving\n");
        assertEquals(List.of("still serving"), reader.readUntil("still serving"));
      }
      // The stuck client, once it reads, learns how many lines it missed.
      List<String> lines = stuck.readUntil("lines dropped");
      assertTrue(lines.get(lines.size() - 1).matches(".*: \\d+ lines dropped.*"), lines.get(0));
    }
  }

  @Test
  void takenPortFallsBackToAFreeOne() throws Exception {
    try (ServerSocket occupier = new ServerSocket()) {
      occupier.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int taken = occupier.getLocalPort();
      start(taken, 8, 2);
      assertNotEquals(taken, server.port());
      assertTrue(server.port() > 0);
      assertTrue(server.usedFallbackPort());
      try (LogClient c = new LogClient(server.port())) {
        await(() -> server.clientCount() == 1, "client");
        server.publish("on the fallback port\n");
        assertEquals(1, c.readUntil("fallback").size());
      }
    }
  }

  @Test
  void busy9009FallsBackToAFreePort() throws Exception {
    // Occupy 9009 ourselves; if something else already holds it, it is just as busy.
    ServerSocket occupier = new ServerSocket();
    try {
      try {
        occupier.bind(
            new InetSocketAddress(
                InetAddress.getByAddress(new byte[] {127, 0, 0, 1}),
                LogBroadcastServer.DEFAULT_PORT));
      } catch (IOException alreadyBusy) {
        // Someone else's 9009: the server below must fall back all the same.
      }
      start(LogBroadcastServer.DEFAULT_PORT, 8, 2);
      assertNotEquals(LogBroadcastServer.DEFAULT_PORT, server.port());
      assertTrue(server.usedFallbackPort());
      try (LogClient c = new LogClient(server.port())) {
        await(() -> server.clientCount() == 1, "client");
        server.publish("fell back from 9009\n");
        assertEquals(1, c.readUntil("fell back").size());
      }
    } finally {
      occupier.close();
    }
  }

  @Test
  void stopClosesEveryClientAndTheListener() throws Exception {
    start(0, 8, 4);
    int port = server.port();
    try (LogClient a = new LogClient(port);
        LogClient b = new LogClient(port)) {
      await(() -> server.clientCount() == 2, "two clients");
      server.stop();
      assertTrue(a.closedByServer());
      assertTrue(b.closedByServer());
      assertEquals(0, server.port());
      assertEquals(0, server.clientCount());
      server.publish("ignored after stop\n");
      assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port));
      server.stop(); // idempotent
    }
  }

  @Test
  void linesQueuedBeforeStopStillReachTheClient() throws Exception {
    start(0, 4096, 4);
    try (LogClient a = new LogClient(server.port())) {
      await(() -> server.clientCount() == 1, "a client");
      for (int i = 0; i < 1000; i++) {
        server.publish("line " + i + "\n");
      }
      server.publish("Shutdown complete\n");
      server.stop(); // at once: the queued lines are sent before the connection closes
      List<String> lines = a.readUntil("Shutdown complete");
      assertEquals(1001, lines.size());
      assertTrue(a.closedByServer());
    }
  }

  @Test
  void aVanishedClientIsDropped() throws Exception {
    start(0, 8, 4);
    LogClient c = new LogClient(server.port());
    await(() -> server.clientCount() == 1, "client");
    c.close();
    // The server notices on its next writes to the closed connection.
    await(
        () -> {
          server.publish("anyone there?\n");
          return server.clientCount() == 0;
        },
        "the vanished client to be removed");
  }

  @Test
  void clientsBeyondTheCapAreTurnedAway() throws Exception {
    start(0, 8, 1);
    try (LogClient first = new LogClient(server.port());
        LogClient second = new LogClient(server.port())) {
      assertTrue(second.readUntil("too many clients").get(0).contains("(1)"));
      assertTrue(second.closedByServer());
      await(() -> server.clientCount() == 1, "the first client");
      server.publish("only for the first\n");
      assertEquals(1, first.readUntil("only for the first").size());
    }
  }

  @Test
  void aSilentClientIsDroppedAfterTheIdleTimeoutWhileAKeptAliveOneStays() throws Exception {
    server = LogBroadcastServer.tcp(0, 8, 2, Duration.ofMillis(400), "test");
    server.start();
    try (LogClient silent = new LogClient(server.port());
        LogClient alive = new LogClient(server.port())) {
      await(() -> server.clientCount() == 2, "two clients");
      long start = System.nanoTime();
      // The kept-alive client sends a newline every 100 ms, as kiwi tail-log does every second.
      while (System.nanoTime() - start < 1_500_000_000L) {
        alive.send("\n");
        Thread.sleep(100);
      }
      List<String> last = silent.readUntil("idle for");
      assertTrue(last.get(last.size() - 1).startsWith("kiwidb log broadcast: idle"), "" + last);
      assertTrue(silent.closedByServer());
      assertEquals(1, server.clientCount(), "the kept-alive client stays");
      server.publish("for the live one\n");
      assertEquals(1, alive.readUntil("for the live one").size());
    }
  }

  @Test
  void idleClientsFreeTheirPlacesForANewTail() throws Exception {
    // Sixteen connections that do nothing lock the operator out only until the timeout.
    server = LogBroadcastServer.tcp(0, 8, 2, Duration.ofMillis(300), "test");
    server.start();
    try (LogClient a = new LogClient(server.port());
        LogClient b = new LogClient(server.port())) {
      await(() -> server.clientCount() == 2, "the cap filled");
      try (LogClient refused = new LogClient(server.port())) {
        assertTrue(refused.readUntil("too many clients").size() >= 1, "locked out while full");
      }
      await(() -> server.clientCount() == 0, "idle clients dropped");
      assertTrue(a.readUntil("idle for").size() >= 1 && a.closedByServer());
      assertTrue(b.readUntil("idle for").size() >= 1 && b.closedByServer());
      try (LogClient operator = new LogClient(server.port())) {
        await(() -> server.clientCount() == 1, "the operator's tail");
        server.publish("served\n");
        assertEquals(1, operator.readUntil("served").size());
      }
    }
  }

  @Test
  void aClientReceivingLinesIsNotIdle() throws Exception {
    server = LogBroadcastServer.tcp(0, 64, 2, Duration.ofMillis(400), "test");
    server.start();
    try (LogClient reader = new LogClient(server.port())) {
      await(() -> server.clientCount() == 1, "client");
      for (int i = 0; i < 12; i++) {
        server.publish("tick " + i + "\n");
        assertEquals(1, reader.readUntil("tick " + i).size());
        Thread.sleep(100);
      }
      assertEquals(1, server.clientCount());
    }
  }

  @Test
  void aUnixSocketIsForItsOwnerOnlyAndRemovedAtStop(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("kiwidb.sock");
    server = LogBroadcastServer.unix(socket, 8, 2, Duration.ZERO, "test");
    assertEquals(0, server.start());
    assertEquals(
        PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(socket));
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (LogClient c = LogClient.unix(socket)) {
            await(() -> server.clientCount() == 1, "unix client");
            server.publish("over unix\n");
            assertEquals(1, c.readUntil("over unix").size());
            server.stop();
            assertTrue(c.closedByServer());
          }
        });
    assertFalse(Files.exists(socket));
  }

  @Test
  void aStaleSocketFileIsReplacedButAnotherFileIsNot(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("kiwidb.sock");
    // A crashed engine's socket: bound, never removed.
    try (var stale = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      stale.bind(UnixDomainSocketAddress.of(socket));
    }
    assertTrue(Files.exists(socket));
    server = LogBroadcastServer.unix(socket, 8, 2, Duration.ZERO, "test");
    server.start();
    server.stop();
    Path regular = Files.writeString(dir.resolve("not-a-socket"), "data");
    LogBroadcastServer refused = LogBroadcastServer.unix(regular, 8, 2, Duration.ZERO, "test");
    KiwiIOException e = assertThrows(KiwiIOException.class, refused::start);
    assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
    assertEquals("data", Files.readString(regular));
  }

  @Test
  void aSocketPathOverTheLimitIsRefusedNamingIt(@TempDir Path dir) {
    Path deep = dir.resolve("d".repeat(120)).resolve("kiwidb.sock");
    LogBroadcastServer s = LogBroadcastServer.unix(deep, 8, 2, Duration.ZERO, "test");
    KiwiIOException e = assertThrows(KiwiIOException.class, s::start);
    assertTrue(
        e.getMessage().contains("107-byte limit") && e.getMessage().contains("tcp"),
        e.getMessage());
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new LogBroadcastServer(70000, 1, 1, "x"));
    assertThrows(IllegalArgumentException.class, () -> new LogBroadcastServer(0, 0, 1, "x"));
    start(0, 1, 1);
    assertThrows(IllegalStateException.class, server::start);
  }
}
