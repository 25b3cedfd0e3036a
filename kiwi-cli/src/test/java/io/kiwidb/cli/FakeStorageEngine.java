package io.kiwidb.cli;

import io.kiwidb.api.AsyncStorageEngine;
import io.kiwidb.api.ConfigChange;
import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.EngineCounters;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.EntryView;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.Limits;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.TableSummary;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An in-memory {@link StorageEngine} for the CLI's tests: a TreeMap of live keys, an "active
 * memtable" of versions, and {@code flush()} that turns it straight into an L0 "table". It behaves
 * like the real engine where the commands can tell (errors, ids, traces), not in how it stores.
 * Reopening (the one-shot program opens per command) keeps the data, like a real store.
 */
final class FakeStorageEngine implements StorageEngine {
  private static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  private final Path dataRoot;
  private final TreeMap<byte[], byte[]> live = new TreeMap<>(ORDER);
  private final Map<String, Object> config = new LinkedHashMap<>();
  private List<EntryView> active = new ArrayList<>();
  private String activeId = "a0";
  private int memCounter;
  private final List<MemTableSummary> immutable = new ArrayList<>();
  private final List<TableDetail> l0 = new ArrayList<>(); // newest first
  private long seq;
  private long writes;
  private long reads;
  private boolean closed;
  int opens;
  int closes;
  int logPort;

  /** The options of every put, delete and batch, in call order: what the commands asked for. */
  final List<WriteOptions> writeOptions = new ArrayList<>();

  /** The {@code wait} argument of every flush, in call order. */
  final List<Boolean> flushWaits = new ArrayList<>();

  FakeStorageEngine(Path dataRoot) {
    this.dataRoot = dataRoot;
    config.put("env", "dev");
    config.put("max_memtable_entries", 10);
    config.put("l0_compaction_threshold", 10);
    config.put("block_size", 4096);
    config.put("bloom_fpr_dev", 0.05);
  }

  /** The opener the tests hand to {@code Main.run}: the same store at every open. */
  EngineOpener opener() {
    return dir -> {
      opens++;
      closed = false;
      return this;
    };
  }

  /** Freezes the active memtable into the immutable queue without flushing it. */
  void freeze() {
    immutable.add(summary(activeId, "s" + memCounter, active));
    active = new ArrayList<>();
    activeId = "a" + ++memCounter;
  }

  private void check(String call) {
    if (closed) {
      throw new EngineClosedException("engine at " + dataRoot, call);
    }
  }

  @Override
  public void put(byte[] key, byte[] value, WriteOptions options) {
    check("put");
    writeOptions.add(java.util.Objects.requireNonNull(options, "options"));
    Limits.checkKey(key);
    Limits.checkValue(value);
    active.add(new EntryView(key.clone(), ++seq, EntryKind.PUT, value.clone()));
    live.put(key.clone(), value.clone());
    writes++;
  }

  @Override
  public Optional<byte[]> get(byte[] key) {
    check("get");
    reads++;
    return Optional.ofNullable(live.get(key)).map(byte[]::clone);
  }

  @Override
  public Optional<byte[]> get(byte[] key, Snapshot snapshot) {
    throw new UnsupportedOperationException("snapshots are not faked");
  }

  @Override
  public void delete(byte[] key, WriteOptions options) {
    check("delete");
    writeOptions.add(java.util.Objects.requireNonNull(options, "options"));
    Limits.checkKey(key);
    active.add(new EntryView(key.clone(), ++seq, EntryKind.DELETE, null));
    live.remove(key);
    writes++;
  }

  @Override
  public void write(WriteBatch batch, WriteOptions options) {
    for (WriteBatch.Operation op : batch.operations()) {
      if (op.isDelete()) {
        delete(op.key(), options);
      } else {
        put(op.key(), op.value(), options);
      }
    }
  }

  @Override
  public boolean flush(boolean wait) {
    check("flush");
    flushWaits.add(wait);
    if (active.isEmpty()) {
      return false;
    }
    List<EntryView> sorted = new ArrayList<>(active);
    sorted.sort(
        Comparator.comparing(EntryView::key, ORDER)
            .thenComparing(Comparator.comparingLong(EntryView::seq).reversed()));
    long tombstones = sorted.stream().filter(e -> e.op() == EntryKind.DELETE).count();
    TableSummary s =
        new TableSummary(
            String.format("%06d", l0.size() + 1),
            0,
            sorted.size(),
            tombstones,
            100L * sorted.size(),
            sorted.get(0).key(),
            sorted.get(sorted.size() - 1).key(),
            sorted.stream().mapToLong(EntryView::seq).min().orElse(0),
            sorted.stream().mapToLong(EntryView::seq).max().orElse(0),
            "bloom",
            "none");
    l0.add(0, new TableDetail(s, sorted));
    active = new ArrayList<>();
    activeId = "a" + ++memCounter;
    return true;
  }

  @Override
  public ConfigChange updateConfig(String key, Object value) {
    check("update_config");
    Object old = config.get(key);
    if (old == null) {
      throw new InvalidConfigException(key, value, "unknown key; known keys: " + config.keySet());
    }
    Object parsed;
    String text = String.valueOf(value);
    try {
      if (old instanceof Integer) {
        parsed = Integer.parseInt(text);
        if ((Integer) parsed < 1) {
          throw new InvalidConfigException(key, value, "must be at least 1");
        }
      } else if (old instanceof Double) {
        parsed = Double.parseDouble(text);
      } else {
        if (key.equals("env") && !text.equals("dev") && !text.equals("prod")) {
          throw new InvalidConfigException(key, value, "must be \"dev\" or \"prod\"");
        }
        parsed = text;
      }
    } catch (NumberFormatException e) {
      throw new InvalidConfigException(key, value, "must be a number");
    }
    config.put(key, parsed);
    return new ConfigChange(key, old, parsed, !key.equals("block_size"));
  }

  @Override
  public EngineStats stats() {
    check("stats");
    return new EngineStats(
        active.size(),
        seq,
        active.size(),
        dataRoot.toString(),
        activeId,
        64L * active.size(),
        immutable.size(),
        immutable.stream().map(MemTableSummary::snapshotId).toList(),
        l0.size(),
        new EngineCounters(writes, reads, 0, 0, l0.size(), 0, 0, 0, 0, 0, 0, 0, 0),
        java.util.Map.of("memtable_impl", "fake"),
        active.size());
  }

  @Override
  public io.kiwidb.api.CompactionActivity compactions() {
    check("compactions");
    return new io.kiwidb.api.CompactionActivity(List.of(), List.of());
  }

  private static MemTableSummary summary(String id, String snapshotId, List<EntryView> entries) {
    return new MemTableSummary(
        id,
        snapshotId,
        entries.size(),
        64L * entries.size(),
        entries.stream().mapToLong(EntryView::seq).min().orElse(0),
        entries.stream().mapToLong(EntryView::seq).max().orElse(0),
        1_700_000_000_000L);
  }

  @Override
  public MemListing showMem() {
    check("show_mem");
    return new MemListing(summary(activeId, null, active), immutable);
  }

  @Override
  public MemTableDetail showMem(String tableId) {
    check("show_mem");
    if (tableId.equals(activeId)) {
      return new MemTableDetail("active", activeId, null, sorted(active));
    }
    for (MemTableSummary s : immutable) {
      if (tableId.equals(s.tableId()) || tableId.equals(s.snapshotId())) {
        return new MemTableDetail("immutable", s.tableId(), s.snapshotId(), List.of());
      }
    }
    throw new IllegalArgumentException("no memtable with id '" + tableId + "'");
  }

  private static List<EntryView> sorted(List<EntryView> entries) {
    List<EntryView> out = new ArrayList<>(entries);
    out.sort(
        Comparator.comparing(EntryView::key, ORDER)
            .thenComparing(Comparator.comparingLong(EntryView::seq).reversed()));
    return out;
  }

  @Override
  public DiskListing showDisk() {
    check("show_disk");
    Map<String, List<TableSummary>> levels = new LinkedHashMap<>();
    levels.put("L0", l0.stream().map(TableDetail::summary).toList());
    levels.put("L1", List.of());
    return new DiskListing(levels);
  }

  @Override
  public TableDetail showDisk(String fileId) {
    check("show_disk");
    return l0.stream()
        .filter(t -> t.summary().fileId().equals(fileId))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no live table with id '" + fileId + "'"));
  }

  @Override
  public LookupTrace trace(byte[] key) {
    check("trace");
    List<LookupTrace.Step> steps = new ArrayList<>();
    EntryView inMem = newest(active, key);
    if (inMem != null) {
      steps.add(step("memtable", activeId, LookupTrace.FilterAnswer.NOT_CHECKED, inMem));
      return done(key, steps, inMem);
    }
    steps.add(
        new LookupTrace.Step(
            "memtable",
            activeId,
            LookupTrace.FilterAnswer.NOT_CHECKED,
            LookupTrace.CacheAnswer.NOT_READ,
            LookupTrace.Answer.ABSENT,
            0));
    for (TableDetail t : l0) {
      TableSummary s = t.summary();
      if (Arrays.compareUnsigned(key, s.smallestKey()) < 0
          || Arrays.compareUnsigned(key, s.largestKey()) > 0) {
        steps.add(
            new LookupTrace.Step(
                "L0",
                s.fileId(),
                LookupTrace.FilterAnswer.NOT_CHECKED,
                LookupTrace.CacheAnswer.NOT_READ,
                LookupTrace.Answer.OUT_OF_RANGE,
                0));
        continue;
      }
      EntryView e = newest(t.entries(), key);
      if (e != null) {
        steps.add(step("L0", s.fileId(), LookupTrace.FilterAnswer.MAYBE, e));
        return done(key, steps, e);
      }
      steps.add(
          new LookupTrace.Step(
              "L0",
              s.fileId(),
              LookupTrace.FilterAnswer.NO,
              LookupTrace.CacheAnswer.NOT_READ,
              LookupTrace.Answer.ABSENT,
              0));
    }
    return new LookupTrace(key, seq, steps, LookupTrace.Answer.ABSENT, null);
  }

  private static EntryView newest(List<EntryView> entries, byte[] key) {
    EntryView best = null;
    for (EntryView e : entries) {
      if (Arrays.equals(e.key(), key) && (best == null || e.seq() > best.seq())) {
        best = e;
      }
    }
    return best;
  }

  private static LookupTrace.Step step(
      String layer, String source, LookupTrace.FilterAnswer filter, EntryView e) {
    return new LookupTrace.Step(
        layer,
        source,
        filter,
        layer.equals("memtable") ? LookupTrace.CacheAnswer.NOT_READ : LookupTrace.CacheAnswer.MISS,
        e.op() == EntryKind.PUT ? LookupTrace.Answer.FOUND : LookupTrace.Answer.TOMBSTONE,
        e.seq());
  }

  private LookupTrace done(byte[] key, List<LookupTrace.Step> steps, EntryView e) {
    return new LookupTrace(
        key,
        seq,
        steps,
        e.op() == EntryKind.PUT ? LookupTrace.Answer.FOUND : LookupTrace.Answer.TOMBSTONE,
        e.value());
  }

  @Override
  public Snapshot snapshot() {
    throw new UnsupportedOperationException("snapshots are not faked");
  }

  @Override
  public io.kiwidb.api.CheckpointInfo checkpoint(Path target) {
    throw new UnsupportedOperationException("the fake engine makes no checkpoints");
  }

  @Override
  public KiwiIterator iterator(ScanOptions options) {
    check("iterator");
    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
    live.forEach(
        (k, v) -> {
          if (options.contains(k)) {
            entries.add(Map.entry(k.clone(), v.clone()));
          }
        });
    return new ListIterator(entries);
  }

  /** A positioned cursor over a sorted list. */
  private static final class ListIterator implements KiwiIterator {
    private final List<Map.Entry<byte[], byte[]>> entries;
    private int pos = -1;

    ListIterator(List<Map.Entry<byte[], byte[]>> entries) {
      this.entries = entries;
    }

    @Override
    public boolean isValid() {
      return pos >= 0 && pos < entries.size();
    }

    @Override
    public void seekToFirst() {
      pos = 0;
    }

    @Override
    public void seekToLast() {
      pos = entries.size() - 1;
    }

    @Override
    public void seek(byte[] target) {
      pos = 0;
      while (pos < entries.size()
          && Arrays.compareUnsigned(entries.get(pos).getKey(), target) < 0) {
        pos++;
      }
    }

    @Override
    public void seekForPrev(byte[] target) {
      pos = entries.size() - 1;
      while (pos >= 0 && Arrays.compareUnsigned(entries.get(pos).getKey(), target) > 0) {
        pos--;
      }
    }

    @Override
    public void next() {
      pos++;
    }

    @Override
    public void prev() {
      pos--;
    }

    @Override
    public byte[] key() {
      return entries.get(pos).getKey().clone();
    }

    @Override
    public byte[] value() {
      return entries.get(pos).getValue().clone();
    }

    @Override
    public void close() {}
  }

  @Override
  public AsyncStorageEngine async() {
    throw new UnsupportedOperationException("the async view is not faked");
  }

  @Override
  public Path dataRoot() {
    return dataRoot;
  }

  @Override
  public int logPort() {
    return logPort;
  }

  @Override
  public Map<String, Object> config() {
    check("config");
    return new LinkedHashMap<>(config);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closes++;
    }
  }

  boolean isClosed() {
    return closed;
  }
}
