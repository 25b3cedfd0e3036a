package io.kiwidb.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the engine's inspection records as text tables or as JSON. The JSON shapes follow the
 * reference engine's dictionaries (snake_case keys): {@code {"active": {...}, "immutable": [...]}}
 * for memtables, {@code {"L0": [...], "L1": [...]}} for tables, the nine stats fields first.
 */
final class Views {
  private Views() {}

  // ---- stats

  /**
   * The reference's nine fields, then the log broadcast port (so another terminal can run {@code
   * kiwi tail-log --port N}; 0 when disabled), then the counters.
   */
  static void stats(EngineStats s, int logPort, Output o) {
    EngineCounters c = s.counters();
    if (o.json) {
      ObjectNode n = Output.object();
      n.put("key_count", s.keyCount());
      n.put("seq", s.seq());
      n.put("wal_entry_count", s.walEntryCount());
      n.put("data_root", s.dataRoot());
      n.put("active_table_id", s.activeTableId());
      n.put("active_size_bytes", s.activeSizeBytes());
      n.put("immutable_queue_len", s.immutableQueueLen());
      n.set("immutable_snapshots", Output.value(s.immutableSnapshots()));
      n.put("l0_sstable_count", s.l0SstableCount());
      n.put("log_port", logPort);
      if (c != null) {
        ObjectNode cn = n.putObject("counters");
        cn.put("writes", c.writes());
        cn.put("reads", c.reads());
        cn.put("block_cache_hits", c.blockCacheHits());
        cn.put("block_cache_misses", c.blockCacheMisses());
        cn.put("flushes", c.flushes());
        cn.put("bytes_flushed", c.bytesFlushed());
        cn.put("compactions", c.compactions());
        cn.put("bytes_compacted", c.bytesCompacted());
        cn.put("stall_nanos", c.stallNanos());
        cn.put("background_errors", c.backgroundErrors());
        cn.put("leaked_iterators", c.leakedIterators());
      }
      o.print(n);
      return;
    }
    TextTable t = new TextTable("STAT", "VALUE");
    t.row("key_count", s.keyCount());
    t.row("seq", s.seq());
    t.row("wal_entry_count", s.walEntryCount());
    t.row("data_root", s.dataRoot());
    t.row("active_table_id", s.activeTableId());
    t.row("active_size_bytes", s.activeSizeBytes());
    t.row("immutable_queue_len", s.immutableQueueLen());
    t.row(
        "immutable_snapshots",
        s.immutableSnapshots().isEmpty() ? null : String.join(",", s.immutableSnapshots()));
    t.row("l0_sstable_count", s.l0SstableCount());
    t.row("log_port", logPort);
    if (c != null) {
      t.row("writes", c.writes());
      t.row("reads", c.reads());
      t.row("block_cache_hits", c.blockCacheHits());
      t.row("block_cache_misses", c.blockCacheMisses());
      t.row("flushes", c.flushes());
      t.row("bytes_flushed", c.bytesFlushed());
      t.row("compactions", c.compactions());
      t.row("bytes_compacted", c.bytesCompacted());
      t.row("stall_nanos", c.stallNanos());
      t.row("background_errors", c.backgroundErrors());
      t.row("leaked_iterators", c.leakedIterators());
    }
    printPlain(t, o);
  }

  // ---- memtables

  static void memListing(MemListing m, Output o) {
    if (o.json) {
      ObjectNode n = Output.object();
      n.set("active", memSummary(m.active()));
      ArrayNode imm = n.putArray("immutable");
      m.immutable().forEach(s -> imm.add(memSummary(s)));
      o.print(n);
      return;
    }
    TextTable t =
        new TextTable(
            "ROLE",
            "TABLE_ID",
            "SNAPSHOT_ID",
            "ENTRIES",
            "SIZE_BYTES",
            "MIN_SEQ",
            "MAX_SEQ",
            "CREATED");
    memRow(t, "active", m.active());
    m.immutable().forEach(s -> memRow(t, "immutable", s));
    t.print(o.out);
  }

  private static void memRow(TextTable t, String role, MemTableSummary s) {
    t.row(
        role,
        s.tableId(),
        s.snapshotId(),
        s.entryCount(),
        s.sizeBytes(),
        s.minSeq(),
        s.maxSeq(),
        Instant.ofEpochMilli(s.createdAtMillis()));
  }

  private static ObjectNode memSummary(MemTableSummary s) {
    ObjectNode n = Output.object();
    n.put("table_id", s.tableId());
    n.put("snapshot_id", s.snapshotId());
    n.put("entry_count", s.entryCount());
    n.put("size_bytes", s.sizeBytes());
    n.put("min_seq", s.minSeq());
    n.put("max_seq", s.maxSeq());
    n.put("created_at_millis", s.createdAtMillis());
    return n;
  }

  static void memDetail(MemTableDetail d, Output o) {
    if (o.json) {
      ObjectNode n = Output.object();
      n.put("type", d.type());
      n.put("table_id", d.tableId());
      n.put("snapshot_id", d.snapshotId());
      n.set("entries", entries(d.entries(), o));
      o.print(n);
      return;
    }
    o.println(
        d.type()
            + " memtable "
            + d.tableId()
            + (d.snapshotId() == null ? "" : " (snapshot " + d.snapshotId() + ")")
            + ": "
            + count(d.entries().size(), "entry", "entries"));
    entryTable(d.entries(), o);
  }

  // ---- tables on disk

  static void diskListing(DiskListing d, Output o) {
    if (o.json) {
      ObjectNode n = Output.object();
      for (Map.Entry<String, List<TableSummary>> level : d.levels().entrySet()) {
        ArrayNode files = n.putArray(level.getKey());
        level.getValue().forEach(s -> files.add(tableSummary(s, o)));
      }
      o.print(n);
      return;
    }
    TextTable t =
        new TextTable(
            "LEVEL",
            "FILE_ID",
            "RECORDS",
            "TOMBSTONES",
            "SIZE_BYTES",
            "SMALLEST",
            "LARGEST",
            "MIN_SEQ",
            "MAX_SEQ",
            "FILTER",
            "COMPRESSION");
    for (Map.Entry<String, List<TableSummary>> level : d.levels().entrySet()) {
      for (TableSummary s : level.getValue()) {
        t.row(
            level.getKey(),
            s.fileId(),
            s.recordCount(),
            s.tombstoneCount(),
            s.sizeBytes(),
            o.text(s.smallestKey()),
            o.text(s.largestKey()),
            s.minSeq(),
            s.maxSeq(),
            s.filterPolicy(),
            s.compression());
      }
    }
    if (t.isEmpty()) {
      o.println("no table files yet (flush writes the first one to L0)");
      return;
    }
    t.print(o.out);
  }

  private static ObjectNode tableSummary(TableSummary s, Output o) {
    ObjectNode n = Output.object();
    n.put("file_id", s.fileId());
    n.put("level", s.level());
    n.put("record_count", s.recordCount());
    n.put("tombstone_count", s.tombstoneCount());
    n.put("size_bytes", s.sizeBytes());
    n.set("smallest_key", o.node(s.smallestKey()));
    n.set("largest_key", o.node(s.largestKey()));
    n.put("min_seq", s.minSeq());
    n.put("max_seq", s.maxSeq());
    n.put("filter_policy", s.filterPolicy());
    n.put("compression", s.compression());
    return n;
  }

  static void tableDetail(TableDetail d, Output o) {
    TableSummary s = d.summary();
    if (o.json) {
      ObjectNode n = tableSummary(s, o);
      n.set("entries", entries(d.entries(), o));
      o.print(n);
      return;
    }
    o.println(
        "table "
            + s.fileId()
            + " in L"
            + s.level()
            + ": "
            + count(s.recordCount(), "record", "records")
            + " ("
            + s.tombstoneCount()
            + " tombstones), "
            + s.sizeBytes()
            + " bytes, keys "
            + o.text(s.smallestKey())
            + " .. "
            + o.text(s.largestKey())
            + ", seq "
            + s.minSeq()
            + ".."
            + s.maxSeq()
            + ", filter "
            + s.filterPolicy()
            + ", compression "
            + s.compression());
    entryTable(d.entries(), o);
  }

  // ---- entries, shared by mem and disk details

  private static ArrayNode entries(List<EntryView> entries, Output o) {
    ArrayNode a = Output.array();
    for (EntryView e : entries) {
      ObjectNode n = a.addObject();
      n.set("key", o.node(e.key()));
      n.put("seq", e.seq());
      n.put("op", e.op().name());
      n.set("value", o.node(e.value()));
    }
    return a;
  }

  private static void entryTable(List<EntryView> entries, Output o) {
    if (entries.isEmpty()) {
      return;
    }
    TextTable t = new TextTable("KEY", "SEQ", "OP", "VALUE");
    for (EntryView e : entries) {
      t.row(o.text(e.key()), e.seq(), e.op().name(), e.value() == null ? null : o.text(e.value()));
    }
    t.print(o.out);
  }

  // ---- trace

  static void trace(LookupTrace tr, Output o) {
    if (o.json) {
      ObjectNode n = Output.object();
      n.set("key", o.node(tr.key()));
      n.put("read_sequence", tr.readSequence());
      ArrayNode steps = n.putArray("steps");
      for (LookupTrace.Step s : tr.steps()) {
        ObjectNode sn = steps.addObject();
        sn.put("layer", s.layer());
        sn.put("source", s.source());
        sn.put("filter", s.filter().name());
        sn.put("cache", s.cache().name());
        sn.put("answer", s.answer().name());
        sn.put("seq", s.seq());
      }
      n.put("outcome", tr.outcome().name());
      n.set("value", o.node(tr.value()));
      o.print(n);
      return;
    }
    o.println("trace of " + o.text(tr.key()) + " at sequence " + tr.readSequence() + ":");
    TextTable t = new TextTable("#", "LAYER", "SOURCE", "FILTER", "CACHE", "ANSWER", "SEQ");
    int i = 1;
    for (LookupTrace.Step s : tr.steps()) {
      t.row(
          i++,
          s.layer(),
          s.source(),
          lower(s.filter().name()),
          lower(s.cache().name()),
          lower(s.answer().name()),
          s.seq() == 0 ? null : s.seq());
    }
    t.print(o.out);
    String result =
        switch (tr.outcome()) {
          case FOUND -> "found: " + o.text(tr.value());
          case TOMBSTONE -> "deleted (a tombstone hides older versions)";
          default -> "not found in any layer";
        };
    o.println("result: " + result);
  }

  // ---- config

  static void config(Map<String, Object> config, Output o) {
    if (o.json) {
      o.print(Output.value(config));
      return;
    }
    TextTable t = new TextTable("KEY", "VALUE");
    config.forEach((k, v) -> t.row(k, v));
    printPlain(t, o);
  }

  static void configChange(ConfigChange c, Output o) {
    if (o.json) {
      ObjectNode n = Output.object();
      n.put("key", c.key());
      n.set("old_value", Output.value(c.oldValue()));
      n.set("new_value", Output.value(c.newValue()));
      n.put("applied_live", c.appliedLive());
      o.print(n);
      return;
    }
    o.println(
        c.key()
            + ": "
            + c.oldValue()
            + " -> "
            + c.newValue()
            + (c.appliedLive() ? "" : " (saved; takes effect when the store is reopened)"));
  }

  /** A two-column key/value table printed without its header row. */
  private static void printPlain(TextTable t, Output o) {
    t.print(o.out, false);
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
