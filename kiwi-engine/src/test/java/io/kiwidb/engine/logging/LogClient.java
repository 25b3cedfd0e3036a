package io.kiwidb.engine.logging;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A test client of the log broadcast server: on 127.0.0.1, or on a Unix-domain socket. It reads
 * only when asked to, so a test can play a client that stops reading.
 */
final class LogClient implements AutoCloseable {
  private final Closeable connection;
  private final BufferedReader in;
  private final OutputStream out;

  LogClient(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(60_000); // a hang guard, not a performance bound
    connection = socket;
    in = reader(socket.getInputStream());
    out = socket.getOutputStream();
  }

  private LogClient(SocketChannel channel) {
    connection = channel;
    // Channels have no read timeout: tests on Unix-domain sockets guard with a preemptive timeout.
    in = reader(Channels.newInputStream(channel));
    out = Channels.newOutputStream(channel);
  }

  /** A client of the Unix-domain socket {@code socket}. */
  static LogClient unix(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    return new LogClient(ch);
  }

  private static BufferedReader reader(InputStream stream) {
    return new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
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

  /** Sends bytes to the server (which ignores them: a keep-alive). */
  void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
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
    connection.close();
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
