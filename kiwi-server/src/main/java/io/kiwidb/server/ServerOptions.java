package io.kiwidb.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link KiwiServer} listens and whom it lets in. Immutable; each {@code with*} method checks
 * its argument and returns a new instance.
 *
 * <p>Defaults: bind 127.0.0.1, port 8081, no token, a 24 MiB request body limit (room for one
 * largest-allowed value in base64 inside JSON), no web terminal. Binding any address that is not
 * loopback requires a token; {@link KiwiServer#start} refuses to start without one.
 *
 * @param bindAddress the address to listen on, as given (an IP literal or a host name)
 * @param port the TCP port, 0 for any free port
 * @param token the bearer token every request must carry, or {@code null} for none (loopback only)
 * @param maxBodyBytes the largest request body accepted, in bytes
 * @param terminal runs the web terminal's command lines, or {@code null} to disable the terminal
 * @param snapshotTtl how long a scan snapshot lives after its last use
 */
public record ServerOptions(
    String bindAddress,
    int port,
    String token,
    long maxBodyBytes,
    CommandRunner terminal,
    Duration snapshotTtl) {

  /** The default port. */
  public static final int DEFAULT_PORT = 8081;

  /** The default request body limit: 24 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 24L << 20;

  /** The shortest token accepted, in characters. */
  public static final int MIN_TOKEN_CHARS = 16;

  /** Checks every field. */
  public ServerOptions {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (bindAddress.isBlank()) {
      throw new IllegalArgumentException("bind address is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
    }
    if (token != null) {
      if (token.length() < MIN_TOKEN_CHARS) {
        throw new IllegalArgumentException(
            "token must be at least " + MIN_TOKEN_CHARS + " characters, got " + token.length());
      }
      if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "token must be printable ASCII without spaces (it travels in an HTTP header)");
      }
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException(
          "max body size must be at least 1024 bytes, got " + maxBodyBytes);
    }
    Objects.requireNonNull(snapshotTtl, "snapshotTtl");
    if (snapshotTtl.isNegative() || snapshotTtl.isZero()) {
      throw new IllegalArgumentException("snapshot TTL must be positive, got " + snapshotTtl);
    }
  }

  /** The defaults: 127.0.0.1:8081, no token, 24 MiB bodies, no terminal, 60 s snapshot TTL. */
  public static ServerOptions defaults() {
    return new ServerOptions(
        "127.0.0.1", DEFAULT_PORT, null, DEFAULT_MAX_BODY_BYTES, null, Duration.ofSeconds(60));
  }

  /** These options on another address. */
  public ServerOptions withBindAddress(String address) {
    return new ServerOptions(address, port, token, maxBodyBytes, terminal, snapshotTtl);
  }

  /** These options on another port (0: any free port). */
  public ServerOptions withPort(int p) {
    return new ServerOptions(bindAddress, p, token, maxBodyBytes, terminal, snapshotTtl);
  }

  /** These options with a bearer token ({@code null} for none). */
  public ServerOptions withToken(String t) {
    return new ServerOptions(bindAddress, port, t, maxBodyBytes, terminal, snapshotTtl);
  }

  /** These options with another body limit. */
  public ServerOptions withMaxBodyBytes(long max) {
    return new ServerOptions(bindAddress, port, token, max, terminal, snapshotTtl);
  }

  /** These options with a web terminal ({@code null} disables it). */
  public ServerOptions withTerminal(CommandRunner runner) {
    return new ServerOptions(bindAddress, port, token, maxBodyBytes, runner, snapshotTtl);
  }

  /** These options with another snapshot TTL. */
  public ServerOptions withSnapshotTtl(Duration ttl) {
    return new ServerOptions(bindAddress, port, token, maxBodyBytes, terminal, ttl);
  }

  /**
   * Whether {@link #bindAddress} resolves to a loopback address only.
   *
   * @throws IllegalArgumentException if it cannot be resolved
   */
  public boolean isLoopback() {
    try {
      InetAddress[] all = InetAddress.getAllByName(bindAddress);
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve bind address " + bindAddress, e);
    }
  }

  @Override
  public String toString() {
    // The token is a secret: never in logs or messages.
    return "ServerOptions[bind="
        + bindAddress
        + ":"
        + port
        + ", token="
        + (token == null ? "none" : "set")
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", terminal="
        + (terminal == null ? "off" : "on")
        + ", snapshotTtl="
        + snapshotTtl
        + "]";
  }
}
