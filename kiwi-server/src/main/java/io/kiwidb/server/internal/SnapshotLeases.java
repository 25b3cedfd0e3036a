package io.kiwidb.server.internal;

import io.kiwidb.api.Snapshot;
import io.kiwidb.api.StorageEngine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * Engine snapshots held for HTTP clients, so a scan paged over many requests reads one consistent
 * state. A client creates one ({@code POST /api/snapshots}), passes its id to each scan page and
 * deletes it when done. A snapshot not used for the TTL is released by {@link #expire}, so a client
 * that vanishes cannot pin old versions forever; at most {@link #MAX_OPEN} are open at once.
 *
 * <p>Thread safety: all methods are synchronized. A snapshot in use by a request is never expired
 * under it ({@link #use} counts users).
 */
public final class SnapshotLeases implements AutoCloseable {
  /** Snapshots open at once, across clients. */
  public static final int MAX_OPEN = 64;

  private final StorageEngine engine;
  private final long ttlNanos;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Lease> leases = new HashMap<>();
  private boolean closed;

  private static final class Lease {
    final Snapshot snapshot;
    long lastUsed;
    int users;

    Lease(Snapshot snapshot, long now) {
      this.snapshot = snapshot;
      this.lastUsed = now;
    }
  }

  /** A created snapshot: its id and the sequence number it reads at. */
  public record Created(String id, long sequence, long ttlMillis) {}

  public SnapshotLeases(StorageEngine engine, Duration ttl) {
    this.engine = engine;
    this.ttlNanos = ttl.toNanos();
  }

  /**
   * Takes a snapshot and leases it.
   *
   * @throws ProblemException 429 when {@link #MAX_OPEN} are open
   */
  public synchronized Created create() {
    if (closed) {
      throw new ProblemException(503, "server-stopping", "Server stopping", "shutting down", null);
    }
    if (leases.size() >= MAX_OPEN) {
      throw new ProblemException(
          429,
          "too-many-snapshots",
          "Too many open snapshots",
          MAX_OPEN
              + " snapshots are open: delete one (DELETE /api/snapshots/{id}) or wait for"
              + " an idle one to expire",
          null);
    }
    byte[] b = new byte[16];
    random.nextBytes(b);
    String id = HexFormat.of().formatHex(b);
    Snapshot s = engine.snapshot();
    leases.put(id, new Lease(s, System.nanoTime()));
    return new Created(id, s.sequence(), ttlNanos / 1_000_000);
  }

  /**
   * Runs {@code body} with the snapshot of a lease, keeping it from expiring meanwhile.
   *
   * @throws ProblemException 404 naming {@code field} if there is no such (live) snapshot
   */
  public <T> T use(String id, String field, Function<Snapshot, T> body) {
    Lease lease;
    synchronized (this) {
      lease = leases.get(id);
      if (lease == null) {
        throw ProblemException.notFound(
            "unknown-snapshot",
            "snapshot "
                + Text.clip(id)
                + " does not exist or has expired (idle for more than "
                + ttlNanos / 1_000_000_000
                + " s)",
            field);
      }
      lease.users++;
      lease.lastUsed = System.nanoTime();
    }
    try {
      return body.apply(lease.snapshot);
    } finally {
      synchronized (this) {
        lease.users--;
        lease.lastUsed = System.nanoTime();
      }
    }
  }

  /**
   * Releases a snapshot.
   *
   * @return whether it existed
   */
  public boolean release(String id) {
    Lease lease;
    synchronized (this) {
      lease = leases.remove(id);
    }
    if (lease == null) {
      return false;
    }
    lease.snapshot.close();
    return true;
  }

  /** Releases every lease idle for longer than the TTL; returns how many. */
  public int expire() {
    return expire(System.nanoTime());
  }

  synchronized int expire(long now) {
    int n = 0;
    for (Iterator<Lease> it = leases.values().iterator(); it.hasNext(); ) {
      Lease l = it.next();
      if (l.users == 0 && now - l.lastUsed > ttlNanos) {
        it.remove();
        l.snapshot.close();
        n++;
      }
    }
    return n;
  }

  /** The number of open leases. */
  public synchronized int open() {
    return leases.size();
  }

  /** Releases every lease; later creates fail. */
  @Override
  public synchronized void close() {
    closed = true;
    for (Lease l : leases.values()) {
      l.snapshot.close();
    }
    leases.clear();
  }
}
