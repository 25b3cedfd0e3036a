package io.kiwidb.engine.logging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A test client of the log broadcast server on 127.0.0.1. */
final class LogClient implements AutoCloseable {
  final Socket socket;
  private final BufferedReader in;

  LogClient(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(60_000); // a hang guard, not a performance bound
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Reads lines up to and including the first one containing {@code marker}. */
  List<String> readUntil(String marker) throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed before '" + marker + "'; got " + lines);
      }
      lines.add(line);
      if (line.contains(marker)) {
        return lines;
      }
    }
  }

  /** True if the server closed the connection (EOF or reset) before any further line. */
  boolean closedByServer() throws IOException {
    try {
      return in.readLine() == null;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Waits (polling) until {@code condition} holds; fails after 60 s so a bug cannot hang. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
