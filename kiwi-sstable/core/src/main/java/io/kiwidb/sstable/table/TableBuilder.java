package io.kiwidb.sstable.table;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.compress.NoCompressor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;

/**
 * Writes one table file front to back: data blocks as entries arrive, then the filter, properties
 * and index blocks and the footer (layout in {@code docs/format/sstable.md}).
 *
 * <p>Entries must arrive in internal order (user key ascending, sequence descending); an entry that
 * is not strictly after the previous one is rejected with an {@link IllegalArgumentException}
 * naming both. {@link #finish()} syncs the file; making its name durable (rename, directory sync)
 * is the caller's business, so a crash before that leaves at most an orphan the caller cleans up.
 *
 * <p>Thread safety: none; one thread builds a table.
 */
public final class TableBuilder implements AutoCloseable {
  private final WritableFile file;
  private final String name;
  private final TableOptions options;
  private final BlockBuilder dataBlock;
  private final BlockBuilder indexBlock = new BlockBuilder(TableFormat.INDEX_RESTART_INTERVAL);
  private final FilterPolicy.Builder filter;
  private final LongSupplier clock;

  private byte[] lastKey;
  private long lastSeq;
  private byte[] smallestKey;
  private BlockHandle pendingHandle; // last flushed data block, awaiting its index entry
  private long entries;
  private long tombstones;
  private long minSeq = Long.MAX_VALUE;
  private long maxSeq = Long.MIN_VALUE;
  private long dataBlocks;
  private long rawKeyBytes;
  private long rawValueBytes;
  private boolean closed;

  private TableBuilder(WritableFile file, TableOptions options, LongSupplier clock) {
    this.file = file;
    this.clock = clock;
    this.name = file.path().toString();
    this.options = options;
    this.dataBlock = new BlockBuilder(options.restartInterval());
    this.filter =
        options.filterPolicy() == null
            ? null
            : options.filterPolicy().builder(options.falsePositiveRate());
  }

  /**
   * Creates (or replaces) {@code path} and starts a table in it.
   *
   * @throws KiwiIOException if the file cannot be created
   */
  public static TableBuilder create(FileSystem fs, Path path, TableOptions options) {
    return create(fs, path, options, System::currentTimeMillis);
  }

  /** As {@link #create(FileSystem, Path, TableOptions)} with a fixed clock, for golden files. */
  static TableBuilder create(FileSystem fs, Path path, TableOptions options, LongSupplier clock) {
    try {
      return new TableBuilder(fs.create(path), options, clock);
    } catch (IOException e) {
      throw new KiwiIOException("create table " + path, e);
    }
  }

  /** Adds an entry; see {@link #add(byte[], long, EntryKind, byte[])}. */
  public void add(InternalEntry entry) {
    add(entry.key(), entry.seq(), entry.kind(), entry.value());
  }

  /**
   * Adds an entry after every entry added so far. The arrays are not copied until the block is cut,
   * so callers must not modify them afterwards.
   *
   * @param value the value for a PUT; must be {@code null} for a DELETE
   * @throws IllegalArgumentException if the entry is not strictly after the previous one in
   *     internal order, the sequence is out of range, or the value does not match the kind
   * @throws KiwiIOException if a block cannot be written
   */
  public void add(byte[] key, long seq, EntryKind kind, byte[] value) {
    checkOpen();
    KeyOrder.checkSequence(seq);
    if ((kind == EntryKind.PUT) != (value != null)) {
      throw new IllegalArgumentException(
          kind + " entry must " + (value == null ? "have" : "not have") + " a value");
    }
    if (lastKey != null && KeyOrder.compareInternal(lastKey, lastSeq, key, seq) >= 0) {
      throw new IllegalArgumentException(
          "entries out of internal order in "
              + name
              + ": "
              + Bytes.toDisplay(key)
              + "@"
              + seq
              + " after "
              + Bytes.toDisplay(lastKey)
              + "@"
              + lastSeq);
    }
    if (pendingHandle != null) {
      addIndexEntry(separator(lastKey, lastSeq, key), pendingHandle);
      pendingHandle = null;
    }
    if (filter != null && (lastKey == null || !Arrays.equals(lastKey, key))) {
      filter.add(key);
    }
    byte[] v = value == null ? new byte[0] : value;
    dataBlock.add(key, TableFormat.packSeqKind(seq, kind), v, 0, v.length);
    if (smallestKey == null) {
      smallestKey = key;
    }
    lastKey = key;
    lastSeq = seq;
    entries++;
    if (kind == EntryKind.DELETE) {
      tombstones++;
    }
    minSeq = Math.min(minSeq, seq);
    maxSeq = Math.max(maxSeq, seq);
    rawKeyBytes += key.length;
    rawValueBytes += v.length;
    if (dataBlock.estimatedSize() >= options.blockSize()) {
      flushDataBlock();
    }
  }

  /** Entries added so far. */
  public long entryCount() {
    return entries;
  }

  /**
   * Bytes written so far plus the pending block: what the file would roughly be if finished now.
   */
  public long estimatedFileSize() {
    return file.size() + (dataBlock.isEmpty() ? 0 : dataBlock.estimatedSize());
  }

  /**
   * Writes the remaining blocks and the footer, syncs and closes the file.
   *
   * @return the properties written
   * @throws IllegalStateException if no entry was added (an empty table has no key range)
   * @throws KiwiIOException if a write or the sync fails; the file must then be discarded
   */
  public TableProperties finish() {
    checkOpen();
    if (entries == 0) {
      throw new IllegalStateException("table " + name + " has no entries; abandon it instead");
    }
    try {
      if (!dataBlock.isEmpty()) {
        flushDataBlock();
      }
      // The last block's separator is its last key: exact, and it never needs a successor key.
      addIndexEntry(internalKey(lastKey), pendingHandle);
      pendingHandle = null;
      BlockHandle filterHandle = BlockHandle.NONE;
      if (filter != null) {
        byte[] f = filter.finish();
        filterHandle = writeBlock(f, false);
      }
      TableProperties props =
          new TableProperties(
              smallestKey,
              lastKey,
              minSeq,
              maxSeq,
              entries,
              tombstones,
              options.filterPolicy() == null ? "" : options.filterPolicy().name(),
              options.compressor().name(),
              dataBlocks,
              rawKeyBytes,
              rawValueBytes,
              clock.getAsLong());
      BlockHandle propsHandle = writeBlock(PropertiesCodec.encode(props), true);
      BlockHandle indexHandle = writeBlock(indexBlock.finish(), true);
      byte[] footer = new byte[TableFormat.FOOTER_SIZE];
      putHandle(footer, 0, indexHandle);
      putHandle(footer, 12, filterHandle);
      putHandle(footer, 24, propsHandle);
      Coding.putInt(footer, 36, TableFormat.VERSION);
      Coding.putInt(footer, 40, Checksums.maskedCrc32c(footer, 0, 40));
      Coding.putLong(footer, 44, TableFormat.MAGIC);
      file.append(footer);
      file.sync();
      closed = true;
      file.close();
      return props;
    } catch (IOException e) {
      abandon();
      throw new KiwiIOException("write table " + name, e);
    }
  }

  /** Closes the file without finishing it; the caller deletes it. Idempotent. */
  public void abandon() {
    closed = true;
    try {
      file.close();
    } catch (IOException e) {
      // The file is being thrown away; a failed close loses nothing.
    }
  }

  /** Abandons the table unless {@link #finish()} completed. */
  @Override
  public void close() {
    if (!closed) {
      abandon();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("table builder for " + name + " is finished or abandoned");
    }
  }

  private void flushDataBlock() {
    try {
      pendingHandle = writeBlock(dataBlock.finish(), true);
    } catch (IOException e) {
      abandon();
      throw new KiwiIOException("write table " + name, e);
    }
    dataBlock.reset();
    dataBlocks++;
  }

  private void addIndexEntry(byte[] internalKey, BlockHandle handle) {
    byte[] userKey = Arrays.copyOf(internalKey, internalKey.length - 8);
    long seqKind = Coding.getLong(internalKey, internalKey.length - 8);
    byte[] v = new byte[20];
    int n = Coding.putVarLong(v, 0, handle.offset());
    n = Coding.putVarLong(v, n, handle.size());
    indexBlock.add(userKey, seqKind, v, 0, n);
  }

  /** The last key as an internal key (user key + packed seq/kind) for the index. */
  private byte[] internalKey(byte[] userKey) {
    return withSeq(userKey, lastSeq);
  }

  private static byte[] withSeq(byte[] userKey, long seq) {
    byte[] k = Arrays.copyOf(userKey, userKey.length + 8);
    Coding.putLong(k, userKey.length, TableFormat.packSeqKind(seq, EntryKind.PUT));
    return k;
  }

  /**
   * A short internal key {@code s} with {@code (last, lastSeq) <= s < (next, *)}: shorter index
   * keys mean a smaller index. When the user keys differ at byte i and {@code last[i] + 1 <
   * next[i]}, {@code last[0..i] + (last[i] + 1)} at the maximum sequence works; otherwise the last
   * key itself.
   */
  private static byte[] separator(byte[] last, long lastSeq, byte[] next) {
    int min = Math.min(last.length, next.length);
    int i = 0;
    while (i < min && last[i] == next[i]) {
      i++;
    }
    if (i < min && (last[i] & 0xff) + 1 < (next[i] & 0xff)) {
      byte[] s = Arrays.copyOf(last, i + 1);
      s[i]++;
      return withSeq(s, KeyOrder.MAX_SEQUENCE);
    }
    return withSeq(last, lastSeq);
  }

  /**
   * Writes a block with its trailer. A block is stored compressed only when that saves at least 1/8
   * of its size (LevelDB's rule): smaller savings do not pay for the decompression on every read.
   */
  private BlockHandle writeBlock(byte[] raw, boolean compressible) throws IOException {
    byte[] stored = raw;
    int id = NoCompressor.ID;
    if (compressible && options.compressor().id() != NoCompressor.ID) {
      byte[] c = options.compressor().compress(raw, 0, raw.length);
      int header = Coding.varLongSize(raw.length);
      if (header + c.length <= raw.length - raw.length / 8) {
        stored = new byte[header + c.length];
        Coding.putVarLong(stored, 0, raw.length);
        System.arraycopy(c, 0, stored, header, c.length);
        id = options.compressor().id();
      }
    }
    long offset = file.size();
    byte[] trailer = new byte[TableFormat.TRAILER_SIZE];
    trailer[0] = (byte) id;
    CRC32C crc = new CRC32C();
    crc.update(stored, 0, stored.length);
    crc.update(trailer, 0, 1);
    Coding.putInt(trailer, 1, Checksums.mask((int) crc.getValue()));
    file.append(stored);
    file.append(trailer);
    return new BlockHandle(offset, stored.length);
  }

  private static void putHandle(byte[] b, int off, BlockHandle h) {
    Coding.putLong(b, off, h.offset());
    Coding.putInt(b, off + 8, h.size());
  }
}
