package io.kiwidb.sstable.table;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.Coding;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes {@link TableProperties} as a block of named entries (same entry format as data blocks,
 * names as keys in sorted order, sequence 0, kind PUT). Named entries let later versions add
 * properties that older readers skip. Numbers are varints, strings UTF-8, keys raw.
 */
final class PropertiesCodec {
  static final String COMPRESSOR = "kiwi.compressor";
  static final String CREATED = "kiwi.created.millis";
  static final String DATA_BLOCKS = "kiwi.data.blocks";
  static final String ENTRIES = "kiwi.entries";
  static final String FILTER = "kiwi.filter.policy";
  static final String LARGEST = "kiwi.largest.key";
  static final String RAW_KEYS = "kiwi.raw.key.bytes";
  static final String RAW_VALUES = "kiwi.raw.value.bytes";
  static final String SEQ_MAX = "kiwi.seq.max";
  static final String SEQ_MIN = "kiwi.seq.min";
  static final String SMALLEST = "kiwi.smallest.key";
  static final String TOMBSTONES = "kiwi.tombstones";

  private PropertiesCodec() {}

  static byte[] encode(TableProperties p) {
    Map<String, byte[]> m = new TreeMap<>();
    m.put(COMPRESSOR, p.compressor().getBytes(StandardCharsets.UTF_8));
    m.put(CREATED, varint(p.createdMillis()));
    m.put(DATA_BLOCKS, varint(p.dataBlockCount()));
    m.put(ENTRIES, varint(p.entryCount()));
    m.put(FILTER, p.filterPolicy().getBytes(StandardCharsets.UTF_8));
    m.put(LARGEST, p.largestKey());
    m.put(RAW_KEYS, varint(p.rawKeyBytes()));
    m.put(RAW_VALUES, varint(p.rawValueBytes()));
    m.put(SEQ_MAX, varint(p.maxSeq()));
    m.put(SEQ_MIN, varint(p.minSeq()));
    m.put(SMALLEST, p.smallestKey());
    m.put(TOMBSTONES, varint(p.tombstoneCount()));
    BlockBuilder b = new BlockBuilder(TableFormat.DEFAULT_RESTART_INTERVAL);
    for (Map.Entry<String, byte[]> e : m.entrySet()) {
      byte[] v = e.getValue();
      b.add(
          e.getKey().getBytes(StandardCharsets.UTF_8),
          TableFormat.packSeqKind(0, EntryKind.PUT),
          v,
          0,
          v.length);
    }
    return b.finish();
  }

  static TableProperties decode(Block block) {
    Map<String, byte[]> m = new TreeMap<>();
    Block.Cursor c = block.cursor();
    for (c.seekToFirst(); c.isValid(); c.next()) {
      m.put(new String(c.key(), StandardCharsets.UTF_8), c.rawValue());
    }
    return new TableProperties(
        need(block, m, SMALLEST),
        need(block, m, LARGEST),
        number(block, m, SEQ_MIN),
        number(block, m, SEQ_MAX),
        number(block, m, ENTRIES),
        number(block, m, TOMBSTONES),
        new String(need(block, m, FILTER), StandardCharsets.UTF_8),
        new String(need(block, m, COMPRESSOR), StandardCharsets.UTF_8),
        number(block, m, DATA_BLOCKS),
        number(block, m, RAW_KEYS),
        number(block, m, RAW_VALUES),
        number(block, m, CREATED));
  }

  private static byte[] varint(long v) {
    byte[] b = new byte[Coding.varLongSize(v)];
    Coding.putVarLong(b, 0, v);
    return b;
  }

  private static byte[] need(Block block, Map<String, byte[]> m, String name) {
    byte[] v = m.get(name);
    if (v == null) {
      throw block.corrupt("properties block lacks '" + name + "'");
    }
    return v;
  }

  private static long number(Block block, Map<String, byte[]> m, String name) {
    byte[] v = need(block, m, name);
    int[] pos = {0};
    try {
      long n = Coding.getVarLong(v, pos, v.length);
      if (pos[0] != v.length || n < 0) {
        throw block.corrupt("property '" + name + "' is not a non-negative varint");
      }
      return n;
    } catch (IllegalArgumentException e) {
      throw block.corrupt("property '" + name + "': " + e.getMessage(), e);
    }
  }
}
