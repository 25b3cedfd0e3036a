package io.kiwidb.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiwidb.api.CompactionActivity;
import io.kiwidb.api.CompactionInfo;
import io.kiwidb.api.ConfigChange;
import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EngineCounters;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.EntryView;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.TableSummary;
import java.util.List;

/**
 * The JSON form of the engine's records, in snake_case, as documented in {@code /openapi.json}.
 * Keys and values inside them are written in the request's {@link ByteEncoding}; when a stored key
 * or value cannot be written in UTF-8 the whole response fails with a 422 naming it.
 */
public final class EngineJson {
  private EngineJson() {}

  public static ObjectNode stats(EngineStats s, int logPort) {
    ObjectNode n = Json.object();
    n.put("key_count", s.keyCount());
    n.put("seq", s.seq());
    n.put("wal_entry_count", s.walEntryCount());
    n.put("data_root", s.dataRoot());
    n.put("active_table_id", s.activeTableId());
    n.put("active_size_bytes", s.activeSizeBytes());
    n.put("immutable_queue_len", s.immutableQueueLen());
    ArrayNode snaps = n.putArray("immutable_snapshots");
    s.immutableSnapshots().forEach(snaps::add);
    n.put("l0_sstable_count", s.l0SstableCount());
    n.put("log_port", logPort);
    n.put("estimated_key_count", s.estimatedKeyCount());
    ObjectNode impls = n.putObject("implementations");
    s.implementations().forEach(impls::put);
    n.set("counters", counters(s.counters()));
    return n;
  }

  public static ObjectNode counters(EngineCounters c) {
    ObjectNode n = Json.object();
    n.put("writes", c.writes());
    n.put("reads", c.reads());
    n.put("block_cache_hits", c.blockCacheHits());
    n.put("block_cache_misses", c.blockCacheMisses());
    n.put("flushes", c.flushes());
    n.put("bytes_flushed", c.bytesFlushed());
    n.put("compactions", c.compactions());
    n.put("bytes_compacted", c.bytesCompacted());
    n.put("stall_nanos", c.stallNanos());
    n.put("background_errors", c.backgroundErrors());
    n.put("leaked_iterators", c.leakedIterators());
    n.put("bytes_written", c.bytesWritten());
    n.put("wal_bytes_written", c.walBytesWritten());
    n.put("write_amplification", Math.round(c.writeAmplification() * 1000.0) / 1000.0);
    return n;
  }

  public static ObjectNode memSummary(MemTableSummary m) {
    ObjectNode n = Json.object();
    n.put("table_id", m.tableId());
    n.put("snapshot_id", m.snapshotId());
    n.put("entry_count", m.entryCount());
    n.put("size_bytes", m.sizeBytes());
    n.put("min_seq", m.minSeq());
    n.put("max_seq", m.maxSeq());
    n.put("created_at_millis", m.createdAtMillis());
    return n;
  }

  public static ObjectNode memListing(MemListing l) {
    ObjectNode n = Json.object();
    n.set("active", memSummary(l.active()));
    ArrayNode imm = n.putArray("immutable");
    l.immutable().forEach(m -> imm.add(memSummary(m)));
    return n;
  }

  public static ObjectNode memDetail(MemTableDetail d, int limit, ByteEncoding enc) {
    ObjectNode n = Json.object();
    n.put("type", d.type());
    n.put("table_id", d.tableId());
    n.put("snapshot_id", d.snapshotId());
    n.put("encoding", enc.wireName());
    entries(n, d.entries(), limit, enc);
    return n;
  }

  public static ObjectNode tableSummary(TableSummary t, ByteEncoding enc) {
    ObjectNode n = Json.object();
    n.put("file_id", t.fileId());
    n.put("level", t.level());
    n.put("record_count", t.recordCount());
    n.put("tombstone_count", t.tombstoneCount());
    n.put("size_bytes", t.sizeBytes());
    n.put("smallest_key", enc.encode("the smallest key of table " + t.fileId(), t.smallestKey()));
    n.put("largest_key", enc.encode("the largest key of table " + t.fileId(), t.largestKey()));
    n.put("min_seq", t.minSeq());
    n.put("max_seq", t.maxSeq());
    n.put("filter_policy", t.filterPolicy());
    n.put("compression", t.compression());
    return n;
  }

  public static ObjectNode diskListing(DiskListing l, ByteEncoding enc) {
    ObjectNode n = Json.object();
    n.put("encoding", enc.wireName());
    ObjectNode levels = n.putObject("levels");
    l.levels()
        .forEach(
            (level, files) -> {
              ArrayNode a = levels.putArray(level);
              files.forEach(f -> a.add(tableSummary(f, enc)));
            });
    return n;
  }

  public static ObjectNode tableDetail(TableDetail d, int limit, ByteEncoding enc) {
    ObjectNode n = tableSummary(d.summary(), enc);
    n.put("encoding", enc.wireName());
    entries(n, d.entries(), limit, enc);
    return n;
  }

  private static void entries(ObjectNode n, List<EntryView> all, int limit, ByteEncoding enc) {
    n.put("entry_count", all.size());
    n.put("truncated", all.size() > limit);
    ArrayNode a = n.putArray("entries");
    for (EntryView e : all.subList(0, Math.min(limit, all.size()))) {
      ObjectNode en = a.addObject();
      String key = enc.encode("a key", e.key());
      en.put("key", key);
      en.put("seq", e.seq());
      en.put("op", e.op().name());
      en.put(
          "value", enc.encode("the value of key " + Text.clip(Text.display(e.key())), e.value()));
    }
  }

  public static ObjectNode trace(LookupTrace t, ByteEncoding enc) {
    ObjectNode n = Json.object();
    n.put("encoding", enc.wireName());
    n.put("key", enc.encode("the key", t.key()));
    n.put("read_sequence", t.readSequence());
    n.put("outcome", t.outcome().name());
    n.put("value", enc.encode("the value", t.value()));
    ArrayNode steps = n.putArray("steps");
    for (LookupTrace.Step s : t.steps()) {
      ObjectNode sn = steps.addObject();
      sn.put("layer", s.layer());
      sn.put("source", s.source());
      sn.put("filter", s.filter().name());
      sn.put("cache", s.cache().name());
      sn.put("answer", s.answer().name());
      sn.put("seq", s.seq());
    }
    String answered = answeredBy(t);
    n.put("answered_by", answered);
    return n;
  }

  /** The layer that gave the final answer, or {@code null} when every layer said absent. */
  public static String answeredBy(LookupTrace t) {
    for (LookupTrace.Step s : t.steps()) {
      if (s.answer() == LookupTrace.Answer.FOUND || s.answer() == LookupTrace.Answer.TOMBSTONE) {
        return s.layer();
      }
    }
    return null;
  }

  public static ObjectNode compaction(CompactionInfo c) {
    ObjectNode n = Json.object();
    n.put("id", c.id());
    n.put("strategy", c.strategy());
    n.put("reason", c.reason());
    n.put("output_level", c.outputLevel());
    ArrayNode in = n.putArray("input_files");
    c.inputFiles().forEach(in::add);
    n.put("input_bytes", c.inputBytes());
    ArrayNode out = n.putArray("output_files");
    c.outputFiles().forEach(out::add);
    n.put("output_bytes", c.outputBytes());
    n.put("trivial_move", c.trivialMove());
    n.put("started", c.started().toString());
    n.put("started_millis", c.started().toEpochMilli());
    if (c.duration() == null) {
      n.putNull("duration_millis");
    } else {
      n.put("duration_millis", c.duration().toMillis());
    }
    n.put("running", c.running());
    n.put("error", c.error());
    return n;
  }

  public static ObjectNode compactions(CompactionActivity a) {
    ObjectNode n = Json.object();
    ArrayNode running = n.putArray("running");
    a.running().forEach(c -> running.add(compaction(c)));
    ArrayNode recent = n.putArray("recent");
    a.recent().forEach(c -> recent.add(compaction(c)));
    return n;
  }

  public static ObjectNode configChange(ConfigChange c) {
    ObjectNode n = Json.object();
    n.put("key", c.key());
    n.set("old_value", Json.value(c.oldValue()));
    n.set("new_value", Json.value(c.newValue()));
    n.put("applied_live", c.appliedLive());
    return n;
  }
}
