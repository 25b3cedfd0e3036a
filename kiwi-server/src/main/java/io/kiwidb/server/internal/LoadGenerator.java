package io.kiwidb.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiwidb.api.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The dashboard's load generator: a bounded mix of puts and gets run in-process against the engine,
 * by a few threads, until a fixed number of operations is done or a time limit passes, whichever
 * comes first; it stops by itself, on the first engine error, or when asked. One run at a time.
 * Keys are {@code <key_prefix><n>} for n drawn from {@code [0, key_space)}; values are random
 * bytes; the seed is reported so a run can be repeated.
 *
 * <p>Thread safety: {@link #start}, {@link #stop} and {@link #status} may be called from any
 * thread; one run's state is published through atomics.
 */
public final class LoadGenerator implements AutoCloseable {
  /** The most operations one run may do. */
  public static final long MAX_OPERATIONS = 10_000_000;

  /** The longest a run may last. */
  public static final int MAX_DURATION_SECONDS = 600;

  /** The most threads one run may use. */
  public static final int MAX_THREADS = 16;

  /** The largest value a run writes. */
  public static final int MAX_VALUE_BYTES = 1 << 20;

  private final StorageEngine engine;
  private final AtomicReference<Run> current = new AtomicReference<>();

  public LoadGenerator(StorageEngine engine) {
    this.engine = engine;
  }

  /** What to run; built by {@link #spec} from request fields. */
  public record Spec(
      long operations,
      int durationSeconds,
      int threads,
      int valueBytes,
      double readFraction,
      long keySpace,
      String keyPrefix,
      long seed) {}

  /**
   * Reads a spec from request fields (JSON body or form), checking each.
   *
   * @param field gives a field's text, or {@code null} when absent
   * @throws ProblemException 400 naming the first bad field
   */
  public static Spec spec(Function<String, String> field) {
    long ops = number(field, "operations", 10_000, 1, MAX_OPERATIONS);
    int duration = (int) number(field, "duration_seconds", 30, 1, MAX_DURATION_SECONDS);
    int threads = (int) number(field, "threads", 2, 1, MAX_THREADS);
    int valueBytes = (int) number(field, "value_bytes", 100, 0, MAX_VALUE_BYTES);
    long keySpace = number(field, "key_space", 100_000, 1, 1_000_000_000L);
    String rf = field.apply("read_fraction");
    double readFraction = 0.5;
    if (rf != null && !rf.isBlank()) {
      try {
        readFraction = Double.parseDouble(rf.strip());
      } catch (NumberFormatException e) {
        throw ProblemException.badRequest(
            "read_fraction",
            "read_fraction must be a number from 0 to 1, got \"" + Text.clip(rf) + "\"");
      }
      if (!(readFraction >= 0 && readFraction <= 1)) {
        throw ProblemException.badRequest(
            "read_fraction", "read_fraction must be from 0 to 1, got " + rf.strip());
      }
    }
    String prefix = field.apply("key_prefix");
    if (prefix == null || prefix.isEmpty()) {
      prefix = "load:";
    }
    if (prefix.length() > 64) {
      throw ProblemException.badRequest("key_prefix", "key_prefix must be at most 64 characters");
    }
    String s = field.apply("seed");
    long seed;
    if (s == null || s.isBlank()) {
      seed = new Random().nextLong();
    } else {
      try {
        seed = Long.parseLong(s.strip());
      } catch (NumberFormatException e) {
        throw ProblemException.badRequest(
            "seed", "seed must be an integer, got \"" + Text.clip(s) + "\"");
      }
    }
    return new Spec(ops, duration, threads, valueBytes, readFraction, keySpace, prefix, seed);
  }

  private static long number(
      Function<String, String> field, String name, long def, long min, long max) {
    String s = field.apply(name);
    if (s == null || s.isBlank()) {
      return def;
    }
    long v;
    try {
      v = Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest(
          name, name + " must be an integer, got \"" + Text.clip(s) + "\"");
    }
    if (v < min || v > max) {
      throw ProblemException.badRequest(
          name, name + " must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  /**
   * Starts a run.
   *
   * @throws ProblemException 409 when one is running
   */
  public ObjectNode start(Spec spec) {
    Run run = new Run(spec);
    Run prev = current.get();
    if (prev != null && prev.running()) {
      throw new ProblemException(
          409,
          "load-running",
          "A load run is in progress",
          "a load run is already in progress ("
              + prev.done.get()
              + " of "
              + prev.spec.operations()
              + " operations): wait for it or stop it with DELETE /api/load",
          null);
    }
    if (!current.compareAndSet(prev, run)) {
      throw new ProblemException(
          409, "load-running", "A load run is in progress", "another run started just now", null);
    }
    run.begin();
    return run.status();
  }

  /** Asks the current run to stop and waits up to five seconds for it; returns its status. */
  public ObjectNode stop() {
    Run run = current.get();
    if (run == null) {
      return idle();
    }
    run.requestStop("stopped by request");
    run.await(5000);
    return run.status();
  }

  /** The current or last run's status. */
  public ObjectNode status() {
    Run run = current.get();
    return run == null ? idle() : run.status();
  }

  private static ObjectNode idle() {
    ObjectNode n = Json.object();
    n.put("state", "idle");
    n.put("progress", 0.0);
    n.put("done", 0);
    n.put("operations", 0);
    return n;
  }

  @Override
  public void close() {
    Run run = current.get();
    if (run != null) {
      run.requestStop("server stopping");
      run.await(5000);
    }
  }

  private final class Run {
    final Spec spec;
    final AtomicLong claimed = new AtomicLong();
    final AtomicLong done = new AtomicLong();
    final AtomicLong puts = new AtomicLong();
    final AtomicLong gets = new AtomicLong();
    final AtomicLong found = new AtomicLong();
    final AtomicReference<String> stopReason = new AtomicReference<>();
    final List<Thread> workers = new ArrayList<>();
    volatile String state = "running";
    volatile long startNanos;
    volatile long endNanos;
    final AtomicLong live = new AtomicLong();

    Run(Spec spec) {
      this.spec = spec;
    }

    boolean running() {
      return "running".equals(state);
    }

    void begin() {
      startNanos = System.nanoTime();
      long deadline = startNanos + TimeUnit.SECONDS.toNanos(spec.durationSeconds());
      live.set(spec.threads());
      for (int t = 0; t < spec.threads(); t++) {
        long threadSeed = spec.seed() + 0x9E3779B97F4A7C15L * (t + 1);
        Thread w = new Thread(() -> work(threadSeed, deadline), "kiwi-server-load-" + t);
        w.setDaemon(true);
        workers.add(w);
      }
      workers.forEach(Thread::start);
    }

    void work(long seed, long deadline) {
      SplittableRandom rnd = new SplittableRandom(seed);
      byte[] value = new byte[spec.valueBytes()];
      try {
        while (stopReason.get() == null) {
          if (claimed.incrementAndGet() > spec.operations()) {
            stopReason.compareAndSet(null, "count reached");
            break;
          }
          if (System.nanoTime() > deadline) {
            stopReason.compareAndSet(null, "time limit reached");
            break;
          }
          byte[] key =
              (spec.keyPrefix() + rnd.nextLong(spec.keySpace())).getBytes(StandardCharsets.UTF_8);
          if (rnd.nextDouble() < spec.readFraction()) {
            if (engine.get(key).isPresent()) {
              found.incrementAndGet();
            }
            gets.incrementAndGet();
          } else {
            for (int i = 0; i < value.length; i++) {
              value[i] = (byte) ('a' + rnd.nextInt(26));
            }
            engine.put(key, value);
            puts.incrementAndGet();
          }
          done.incrementAndGet();
        }
      } catch (RuntimeException e) {
        if (stopReason.compareAndSet(null, "failed: " + e.getMessage())) {
          state = "failed";
        }
      } finally {
        if (live.decrementAndGet() == 0) {
          endNanos = System.nanoTime();
          String reason = stopReason.get();
          if (!"failed".equals(state)) {
            state = reason != null && reason.startsWith("stopped") ? "stopped" : "finished";
          }
        }
      }
    }

    void requestStop(String reason) {
      stopReason.compareAndSet(null, reason);
    }

    void await(long millis) {
      long until = System.currentTimeMillis() + millis;
      for (Thread w : workers) {
        long left = until - System.currentTimeMillis();
        if (left <= 0) {
          return;
        }
        try {
          w.join(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    ObjectNode status() {
      ObjectNode n = Json.object();
      String st = state;
      n.put("state", st);
      long d = done.get();
      n.put("operations", spec.operations());
      n.put("done", d);
      n.put("progress", Math.min(1.0, (double) d / spec.operations()));
      n.put("puts", puts.get());
      n.put("gets", gets.get());
      n.put("gets_found", found.get());
      long end = "running".equals(st) ? System.nanoTime() : endNanos;
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(end - startNanos);
      n.put("elapsed_millis", elapsedMillis);
      n.put("ops_per_sec", elapsedMillis == 0 ? 0.0 : Math.round(d * 1000.0 / elapsedMillis));
      n.put("reason", "running".equals(st) ? null : stopReason.get());
      n.put("duration_seconds", spec.durationSeconds());
      n.put("threads", spec.threads());
      n.put("value_bytes", spec.valueBytes());
      n.put("read_fraction", spec.readFraction());
      n.put("key_space", spec.keySpace());
      n.put("key_prefix", spec.keyPrefix());
      n.put("seed", spec.seed());
      return n;
    }
  }
}
