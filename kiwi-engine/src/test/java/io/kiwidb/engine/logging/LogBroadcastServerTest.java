package io.kiwidb.engine.logging;

import static io.kiwidb.engine.logging.LogClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new LogBroadcastServer(70000, 1, 1, "x"));
    assertThrows(IllegalArgumentException.class, () -> new LogBroadcastServer(0, 0, 1, "x"));
    start(0, 1, 1);
    assertThrows(IllegalStateException.class, server::start);
  }
}
