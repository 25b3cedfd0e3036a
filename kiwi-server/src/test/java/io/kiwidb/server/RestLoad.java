package io.kiwidb.server;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded load of the REST API over loopback: for each client thread count, a fixed number of PUT
 * and then GET requests ({@code /api/kv/{key}}, 100-byte values, 16-byte keys), each thread with
 * its own keep-alive HTTP/1.1 connection, stopping at the request count or a time limit, whichever
 * comes first. Reports throughput, p50 and p99 latency and errors (any non-2xx or I/O failure). The
 * engine and server run in this JVM; the engine uses its default config ({@code
 * wal_sync_mode=always}: every acknowledged PUT is fsynced, group-committed).
 *
 * <p>Run by {@link RestLoadTest} (small in the default build; the figures in docs/benchmarks.md
 * come from the command given there).
 */
final class RestLoad {
  /** One configuration's result. */
  record Row(
      String op,
      int threads,
      long requests,
      long errors,
      double seconds,
      long p50Micros,
      long p99Micros) {
    double perSecond() {
      return requests / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "| %-3s | %2d | %,8d | %,9.0f | %,7d | %,8d | %d |",
          op,
          threads,
          requests,
          perSecond(),
          p50Micros,
          p99Micros,
          errors);
    }
  }

  private RestLoad() {}

  /**
   * Runs the load.
   *
   * @param dir an empty directory for the store
   * @param requests requests per (operation, thread count)
   * @param maxSeconds time limit per (operation, thread count)
   */
  static List<Row> run(Path dir, int[] threadCounts, int requests, int maxSeconds)
      throws Exception {
    List<Row> rows = new ArrayList<>();
    try (StorageEngine engine = KiwiDb.open(dir);
        KiwiServer server = KiwiServer.start(engine, ServerOptions.defaults().withPort(0))) {
      String base = "http://127.0.0.1:" + server.port();
      for (int threads : threadCounts) {
        rows.add(phase(base, "put", threads, requests, maxSeconds));
      }
      for (int threads : threadCounts) {
        rows.add(phase(base, "get", threads, requests, maxSeconds));
      }
    }
    return rows;
  }

  private static String key(long n) {
    return String.format(Locale.ROOT, "key%013d", n); // 16 bytes
  }

  private static Row phase(String base, String op, int threads, int requests, int maxSeconds)
      throws InterruptedException {
    AtomicLong next = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long[][] latencies = new long[threads][];
    int[] counts = new int[threads];
    long deadline = System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos();
    String value = "{\"value\":\"" + "v".repeat(100) + "\"}";
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int id = t;
      latencies[t] = new long[requests];
      Thread w =
          new Thread(
              () -> {
                HttpClient http =
                    HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                SplittableRandom rnd = new SplittableRandom(id);
                long n;
                while ((n = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                  // Gets read keys the put phase wrote (it wrote at least `requests` of them
                  // unless it hit the time limit; a miss is a 404 and counted as an error).
                  String k = key(op.equals("put") ? n : rnd.nextLong(Math.max(1, written.get())));
                  HttpRequest.Builder b =
                      HttpRequest.newBuilder(URI.create(base + "/api/kv/" + k))
                          .timeout(Duration.ofSeconds(30));
                  HttpRequest req =
                      op.equals("put")
                          ? b.header("Content-Type", "application/json")
                              .PUT(HttpRequest.BodyPublishers.ofString(value))
                              .build()
                          : b.GET().build();
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() / 100 != 2) {
                      errors.incrementAndGet();
                    }
                  } catch (IOException e) {
                    errors.incrementAndGet();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                  latencies[id][counts[id]++] = System.nanoTime() - t0;
                }
              },
              "rest-load-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long total = Arrays.stream(counts).sum();
    long[] all = new long[(int) total];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(latencies[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    if (op.equals("put")) {
      written.set(Math.max(written.get(), total));
    }
    return new Row(
        op,
        threads,
        total,
        errors.get(),
        seconds,
        percentile(all, 0.50) / 1000,
        percentile(all, 0.99) / 1000);
  }

  private static final AtomicLong written = new AtomicLong();

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  static String table(List<Row> rows) {
    StringBuilder sb =
        new StringBuilder(
            "| op | clients | requests | requests/s | p50 µs | p99 µs | errors |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
    rows.forEach(r -> sb.append(r).append('\n'));
    return sb.toString();
  }

  /** For a run by hand from an IDE: {@code RestLoad <dir> [requests] [max seconds]}. */
  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("rest-load");
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    System.out.print(table(run(dir, new int[] {1, 8, 32}, requests, seconds)));
  }
}
