package io.kiwidb.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Follows the engine's log broadcast server: connects to 127.0.0.1 on its port, or to its
 * Unix-domain socket, and copies every line it sends to the output until the server closes the
 * connection or the user interrupts. While it follows, it sends the server a newline every {@link
 * #KEEP_ALIVE_MILLIS} (the server ignores what clients send), so the broadcast's idle timeout
 * ({@code log_broadcast_idle_timeout_s}) never drops a tail of a quiet engine.
 */
final class LogTail {
  /** How often the tail tells the server it is still there. */
  static final long KEEP_ALIVE_MILLIS = 1_000;

  /** How the broadcast server starts the lines it writes itself (not log lines). */
  private static final String LINE_PREFIX = "kiwidb log broadcast: ";

  /** The one line a full server sends before it closes the connection. */
  private static final String REFUSED = LINE_PREFIX + "too many clients";

  private LogTail() {}

  /**
   * Copies log lines until end of stream or interruption.
   *
   * @param target the log broadcast's port on 127.0.0.1 or its Unix-domain socket
   * @param lines receives each line as it arrives (and shows it at once)
   * @param connected run once the connection is up and the stop action is registered (to tell the
   *     user the tail has started and Ctrl-C stops it)
   * @param onInterrupt receives the action that stops the tail (closing the socket), and {@code
   *     null} when the tail is over, so an interactive host can bind it to Ctrl-C
   * @return how many lines were copied
   * @throws IOException if the target cannot be reached or the server refuses this client (it
   *     serves a bounded number), naming the target
   */
  static long follow(
      LogTarget target, Consumer<String> lines, Runnable connected, Consumer<Runnable> onInterrupt)
      throws IOException {
    if (target.isNone()) {
      throw new IllegalArgumentException("no log broadcast to follow");
    }
    SocketAddress address =
        target.socket() != null
            ? UnixDomainSocketAddress.of(target.socket())
            : new InetSocketAddress(InetAddress.getLoopbackAddress(), target.port());
    SocketChannel channel =
        SocketChannel.open(
            target.socket() != null ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
    AtomicBoolean stopped = new AtomicBoolean();
    Thread keepAlive = null;
    try (channel) {
      try {
        channel.connect(address); // loopback or a local socket: refused at once, never slow
      } catch (IOException e) {
        throw new IOException(
            "cannot connect to the log "
                + (target.socket() != null ? "socket " : "port ")
                + target.describe()
                + ": "
                + e,
            e);
      }
      onInterrupt.accept(
          () -> {
            stopped.set(true);
            try {
              channel.close();
            } catch (IOException ignored) {
              // Closing is how we stop; a failure to close leaves nothing to clean up.
            }
          });
      keepAlive = new Thread(() -> keepAlive(channel), "kiwi-tail-keepalive");
      keepAlive.setDaemon(true);
      keepAlive.start();
      // Only now say so: a Ctrl-C that follows the message must find the stop action in place
      // (announced first, an early Ctrl-C was ignored and the tail ran on).
      connected.run();
      long count = 0;
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (count == 0 && line.startsWith(REFUSED)) {
            // The server serves a bounded number of clients and tells the rest so, then hangs
            // up: that is a failure to follow, not an empty log.
            throw new IOException(
                "the log server on "
                    + target.describe()
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
      if (keepAlive != null) {
        keepAlive.interrupt();
      }
      onInterrupt.accept(null);
    }
  }

  /** Sends a newline now and then until the channel closes or the tail ends. */
  private static void keepAlive(SocketChannel channel) {
    ByteBuffer newline = ByteBuffer.wrap(new byte[] {'\n'});
    while (channel.isOpen()) {
      try {
        TimeUnit.MILLISECONDS.sleep(KEEP_ALIVE_MILLIS);
        newline.rewind();
        channel.write(newline);
      } catch (InterruptedException | IOException e) {
        return; // the tail is over, or the connection is: the reader sees it
      }
    }
  }
}
