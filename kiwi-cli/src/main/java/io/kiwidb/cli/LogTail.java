package io.kiwidb.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Follows the engine's log broadcast server: connects to 127.0.0.1 on its port and copies every
 * line it sends to the output until the server closes the connection or the user interrupts.
 */
final class LogTail {
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  /** How the broadcast server starts the lines it writes itself (not log lines). */
  private static final String LINE_PREFIX = "kiwidb log broadcast: ";

  /** The one line a full server sends before it closes the connection. */
  private static final String REFUSED = LINE_PREFIX + "too many clients";

  private LogTail() {}

  /**
   * Copies log lines until end of stream or interruption.
   *
   * @param port the log broadcast port on 127.0.0.1
   * @param lines receives each line as it arrives (and shows it at once)
   * @param connected run once the connection is up and the stop action is registered (to tell the
   *     user the tail has started and Ctrl-C stops it)
   * @param onInterrupt receives the action that stops the tail (closing the socket), and {@code
   *     null} when the tail is over, so an interactive host can bind it to Ctrl-C
   * @return how many lines were copied
   * @throws IOException if the port cannot be reached or the server refuses this client (it serves
   *     a bounded number), naming the port
   */
  static long follow(
      int port, Consumer<String> lines, Runnable connected, Consumer<Runnable> onInterrupt)
      throws IOException {
    Socket socket = new Socket();
    AtomicBoolean stopped = new AtomicBoolean();
    try (socket) {
      try {
        socket.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
      } catch (IOException e) {
        throw new IOException("cannot connect to the log port 127.0.0.1:" + port + ": " + e, e);
      }
      onInterrupt.accept(
          () -> {
            stopped.set(true);
            try {
              socket.close();
            } catch (IOException ignored) {
              // Closing is how we stop; a failure to close leaves nothing to clean up.
            }
          });
      // Only now say so: a Ctrl-C that follows the message must find the stop action in place
      // (announced first, an early Ctrl-C was ignored and the tail ran on).
      connected.run();
      long count = 0;
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (count == 0 && line.startsWith(REFUSED)) {
            // The server serves a bounded number of clients and tells the rest so, then hangs
            // up: that is a failure to follow, not an empty log.
            throw new IOException(
                "the log server on 127.0.0.1:"
                    + port
                    + " refused to serve this tail: "
                    + line.substring(LINE_PREFIX.length())
                    + " are following it already; stop one, then try again");
          }
          lines.accept(line);
          count++;
        }
      } catch (IOException e) {
        if (!stopped.get()) {
          throw e;
        }
      }
      return count;
    } finally {
      onInterrupt.accept(null);
    }
  }
}
