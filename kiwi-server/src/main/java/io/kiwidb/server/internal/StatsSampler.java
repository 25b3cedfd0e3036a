package io.kiwidb.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiwidb.api.EngineCounters;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.StorageEngine;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the engine's statistics once a second and turns the cumulative counters into rates for
 * the dashboard's charts: writes/s, reads/s, block cache hit rate, stall time, memtable fill, L0
 * files, immutable queue. Keeps the last {@link #HISTORY} samples, so a chart opened now starts
 * with the last five minutes, and hands every new sample to a listener (the event stream).
 *
 * <p>Thread safety: {@link #sample} runs on one scheduler thread; {@link #history} may be called
 * from any thread.
 */
public final class StatsSampler {
  private static final Logger LOG = LoggerFactory.getLogger(StatsSampler.class);

  /** Samples kept. */
  public static final int HISTORY = 300;

  /** The sampling interval. */
  public static final long INTERVAL_MILLIS = 1000;

  private final StorageEngine engine;
  private final Consumer<ObjectNode> listener;
  private final ArrayDeque<ObjectNode> history = new ArrayDeque<>();
  private EngineCounters previous;
  private long previousNanos;

  public StatsSampler(StorageEngine engine, Consumer<ObjectNode> listener) {
    this.engine = engine;
    this.listener = listener;
  }

  /** Takes one sample (called by the scheduler). Failures are logged and skipped. */
  public void sample() {
    ObjectNode s;
    try {
      s = compute(engine.stats(), engine.config(), System.nanoTime(), System.currentTimeMillis());
    } catch (RuntimeException e) {
      LOG.debug("stats sample skipped: {}", e.toString());
      return;
    }
    synchronized (history) {
      history.addLast(s);
      while (history.size() > HISTORY) {
        history.removeFirst();
      }
    }
    listener.accept(s);
  }

  ObjectNode compute(EngineStats st, Map<String, Object> config, long nowNanos, long nowMillis) {
    EngineCounters c = st.counters();
    ObjectNode n = Json.object();
    n.put("time_millis", nowMillis);
    if (previous == null) {
      n.put("writes_per_sec", 0.0);
      n.put("reads_per_sec", 0.0);
      n.putNull("cache_hit_rate");
      n.put("stall_millis_per_sec", 0.0);
      n.putNull("write_amplification_interval");
    } else {
      double secs = Math.max(1e-3, (nowNanos - previousNanos) / 1e9);
      n.put("writes_per_sec", round((c.writes() - previous.writes()) / secs));
      n.put("reads_per_sec", round((c.reads() - previous.reads()) / secs));
      long hits = c.blockCacheHits() - previous.blockCacheHits();
      long misses = c.blockCacheMisses() - previous.blockCacheMisses();
      if (hits + misses == 0) {
        n.putNull("cache_hit_rate");
      } else {
        n.put("cache_hit_rate", round((double) hits / (hits + misses)));
      }
      n.put("stall_millis_per_sec", round((c.stallNanos() - previous.stallNanos()) / 1e6 / secs));
      long user = c.bytesWritten() - previous.bytesWritten();
      long disk =
          (c.walBytesWritten() - previous.walBytesWritten())
              + (c.bytesFlushed() - previous.bytesFlushed())
              + (c.bytesCompacted() - previous.bytesCompacted());
      if (user == 0) {
        n.putNull("write_amplification_interval");
      } else {
        n.put("write_amplification_interval", round((double) disk / user));
      }
    }
    n.put("write_amplification", round(c.writeAmplification()));
    long total = c.blockCacheHits() + c.blockCacheMisses();
    if (total == 0) {
      n.putNull("cache_hit_rate_total");
    } else {
      n.put("cache_hit_rate_total", round((double) c.blockCacheHits() / total));
    }
    n.put("memtable_fill", round(memtableFill(st, config)));
    n.put("active_size_bytes", st.activeSizeBytes());
    n.put("active_entries", st.keyCount());
    n.put("immutable_queue_len", st.immutableQueueLen());
    n.put("l0_files", st.l0SstableCount());
    n.put("seq", st.seq());
    n.set("counters", EngineJson.counters(c));
    previous = c;
    previousNanos = nowNanos;
    return n;
  }

  /**
   * How full the active memtable is, 0 to 1: the larger of its size against {@code
   * max_memtable_size_mb} and its entries against {@code max_memtable_entries} (either freezes it).
   */
  static double memtableFill(EngineStats st, Map<String, Object> config) {
    double fill = 0;
    Object mb = config.get("max_memtable_size_mb");
    if (mb instanceof Number m && m.doubleValue() > 0) {
      fill = Math.max(fill, st.activeSizeBytes() / (m.doubleValue() * 1024 * 1024));
    }
    Object entries = config.get("max_memtable_entries");
    if (entries instanceof Number e && e.longValue() > 0) {
      fill = Math.max(fill, (double) st.keyCount() / e.longValue());
    }
    return Math.min(1.0, fill);
  }

  private static double round(double d) {
    return Math.round(d * 1000.0) / 1000.0;
  }

  /** The samples kept, oldest first. */
  public ArrayNode history() {
    ArrayNode a = Json.array();
    synchronized (history) {
      history.forEach(a::add);
    }
    return a;
  }
}
