package io.kiwidb.sstable.table;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.LookupTrace.Answer;
import io.kiwidb.api.LookupTrace.CacheAnswer;
import io.kiwidb.api.LookupTrace.FilterAnswer;
import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.sstable.TableCodecs;
import io.kiwidb.sstable.compress.NoCompressor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a table written by {@link TableBuilder} (layout in {@code docs/format/sstable.md}).
 *
 * <p>{@link #open} reads and checks the footer (magic, format version, CRC) and the properties
 * block; the index and filter are read on first use through the {@link BlockCache}, like data
 * blocks. Every block's CRC32C is checked before it is decoded, and every length read from the file
 * is bounded by the file (or, for a decompressed block, by LZ4's maximal expansion of the stored
 * bytes), so damage gives a {@link CorruptionException} naming the file and the block offset, never
 * a wrong value and never a huge allocation.
 *
 * <p>The filter policy is found by the name recorded in the table. If no policy of that name is
 * installed, the filter is ignored (lookups read blocks and report {@link
 * FilterAnswer#NOT_CHECKED}): slower, never wrong.
 *
 * <p>Thread safety: safe for concurrent lookups and iterators (each iterator is for one thread).
 * The owner closes it once no lookup or iterator uses it (the level structure's reference counts
 * guarantee that).
 */
public final class TableReader implements AutoCloseable {
  private final ReadableFile file;
  private final String name;
  private final long fileNumber;
  private final long fileSize;
  private final BlockCache cache;
  private final BlockHandle indexHandle;
  private final BlockHandle filterHandle;
  private final TableProperties properties;
  private final FilterPolicy filterPolicy; // null: no filter, or its policy is not installed
  private final TableCodecs codecs;

  private TableReader(ReadableFile file, long fileNumber, BlockCache cache, TableCodecs codecs)
      throws IOException {
    this.file = file;
    this.codecs = codecs;
    this.name = file.path().toString();
    this.fileNumber = fileNumber;
    this.cache = cache;
    this.fileSize = file.size();
    int f = TableFormat.FOOTER_SIZE;
    if (fileSize < f) {
      throw corrupt(0, "file of " + fileSize + " bytes is shorter than the " + f + "-byte footer");
    }
    long footerOffset = fileSize - f;
    byte[] footer = read(footerOffset, f);
    long magic = Coding.getLong(footer, 44);
    if (magic != TableFormat.MAGIC) {
      throw corrupt(
          footerOffset, String.format("bad magic 0x%016x: not a kiwi table, or truncated", magic));
    }
    int version = Coding.getInt(footer, 36);
    if (version != TableFormat.VERSION) {
      throw corrupt(
          footerOffset,
          "format version "
              + Integer.toUnsignedString(version)
              + " is too "
              + (Integer.compareUnsigned(version, TableFormat.VERSION) > 0 ? "new" : "old")
              + " (this build reads version "
              + TableFormat.VERSION
              + ")");
    }
    int stored = Coding.getInt(footer, 40);
    int actual = Checksums.maskedCrc32c(footer, 0, 40);
    if (stored != actual) {
      throw corrupt(footerOffset, "footer checksum mismatch");
    }
    this.indexHandle = handle(footer, 0, footerOffset, "index");
    BlockHandle filterAt = handle(footer, 12, footerOffset, "filter");
    BlockHandle propsHandle = handle(footer, 24, footerOffset, "properties");
    this.properties =
        PropertiesCodec.decode(Block.of(readBlock(propsHandle), name, propsHandle.offset()));
    if (properties.filterPolicy().isEmpty()) {
      this.filterHandle = null;
      this.filterPolicy = null;
    } else {
      this.filterHandle = filterAt;
      this.filterPolicy = codecs.filter(properties.filterPolicy());
    }
  }

  /**
   * Opens a table, finding its filter policy and codecs among the installed providers ({@link
   * TableCodecs#installed()}).
   *
   * @param fileNumber the table's number: its identity in the block cache
   * @throws CorruptionException if the footer or properties are damaged or the version is unknown
   * @throws KiwiIOException if the file cannot be read
   */
  public static TableReader open(FileSystem fs, Path path, long fileNumber, BlockCache cache) {
    return open(fs, path, fileNumber, cache, TableCodecs.installed());
  }

  /** Opens a table, finding its filter policy and codecs in {@code codecs}. */
  public static TableReader open(
      FileSystem fs, Path path, long fileNumber, BlockCache cache, TableCodecs codecs) {
    ReadableFile f;
    try {
      f = fs.openImmutable(path);
    } catch (IOException e) {
      throw new KiwiIOException("open table " + path, e);
    }
    try {
      return new TableReader(f, fileNumber, cache, codecs);
    } catch (IOException | RuntimeException e) {
      try {
        f.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw new KiwiIOException("read table " + path, io);
      }
      throw (RuntimeException) e;
    }
  }

  /** The table's number. */
  public long fileNumber() {
    return fileNumber;
  }

  /** The file's path. */
  public Path path() {
    return file.path();
  }

  /** The file's size in bytes. */
  public long fileSize() {
    return fileSize;
  }

  /** What the table recorded about itself. */
  public TableProperties properties() {
    return properties;
  }

  /** The metadata the level structure keeps, for this table placed at {@code level}. */
  public TableMeta meta(int level) {
    return properties.toMeta(fileNumber, level, fileSize);
  }

  /** Whether a filter is consulted on lookups (false without one or without its policy). */
  public boolean hasUsableFilter() {
    return filterPolicy != null;
  }

  /**
   * Finds the newest version of {@code key} with sequence {@code <= readSeq}: the filter first,
   * then the index, then one data block.
   *
   * @throws CorruptionException if a block on the way is damaged
   * @throws KiwiIOException if the file cannot be read
   */
  public TableLookup get(byte[] key, long readSeq) {
    if (KeyOrder.compareKeys(key, properties.smallestKey()) < 0
        || KeyOrder.compareKeys(key, properties.largestKey()) > 0) {
      return new TableLookup(
          null, Answer.OUT_OF_RANGE, FilterAnswer.NOT_CHECKED, CacheAnswer.NOT_READ);
    }
    FilterAnswer filter = FilterAnswer.NOT_CHECKED;
    if (filterPolicy != null) {
      if (!filterReader().mayContain(key)) {
        return new TableLookup(null, Answer.ABSENT, FilterAnswer.NO, CacheAnswer.NOT_READ);
      }
      filter = FilterAnswer.MAYBE;
    }
    IndexBlock index = indexBlock();
    int i = index.find(key, readSeq);
    if (i == index.count()) {
      return new TableLookup(null, Answer.ABSENT, filter, CacheAnswer.NOT_READ);
    }
    Block block = cache.data().get(fileNumber, index.blockOffset(i));
    CacheAnswer cached = CacheAnswer.HIT;
    if (block == null) {
      cached = CacheAnswer.MISS;
      block = loadDataBlock(index.handle(i));
    }
    Block.Cursor c = block.cursor();
    c.seek(key, readSeq);
    // The index key of this block is >= (key, readSeq) and < the next block's first key, so if no
    // entry here is at or after the target, no later block can hold this user key either.
    if (!c.isValid() || !Arrays.equals(c.key(), key)) {
      return new TableLookup(null, Answer.ABSENT, filter, cached);
    }
    InternalEntry e = new InternalEntry(c.key(), c.seq(), c.kind(), c.value());
    return new TableLookup(e, e.isTombstone() ? Answer.TOMBSTONE : Answer.FOUND, filter, cached);
  }

  /**
   * An iterator over every entry in internal order. Data blocks go through the block cache. Damage
   * found while iterating throws {@link CorruptionException}.
   */
  public InternalIterator iterator() {
    return new TableIterator();
  }

  /** Every entry, in order (for {@code show_disk} detail). Materialises the whole table. */
  public List<InternalEntry> entries() {
    List<InternalEntry> out = new ArrayList<>();
    try (InternalIterator it = iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(it.entry());
      }
    }
    return out;
  }

  /**
   * Reads every block (index, filter, each data block) bypassing the cache, checking checksums and
   * decoding every entry, and that entries are in strict internal order and match the properties.
   *
   * @throws CorruptionException naming the file and the first bad block
   */
  public void verify() {
    IndexBlock index =
        IndexBlock.decode(
            Block.of(readBlock(indexHandle), name, indexHandle.offset()), indexHandle.offset());
    if (filterPolicy != null) {
      try {
        filterPolicy.reader(readBlock(filterHandle));
      } catch (IllegalArgumentException e) {
        throw new CorruptionException(
            name, filterHandle.offset(), "filter block: " + e.getMessage(), e);
      }
    }
    long count = 0;
    byte[] lastKey = null;
    long lastSeq = 0;
    for (int i = 0; i < index.count(); i++) {
      BlockHandle h = index.handle(i);
      byte[] separator = index.key(i);
      Block.Cursor c = Block.of(readBlock(h), name, h.offset()).cursor();
      for (c.seekToFirst(); c.isValid(); c.next()) {
        if (lastKey != null && KeyOrder.compareInternal(lastKey, lastSeq, c.key(), c.seq()) >= 0) {
          throw new CorruptionException(name, h.offset(), "entries out of order");
        }
        if (KeyOrder.compareInternal(c.key(), c.seq(), separator, index.seq(i)) > 0) {
          throw new CorruptionException(name, h.offset(), "entry beyond its index key");
        }
        lastKey = c.key();
        lastSeq = c.seq();
        count++;
      }
    }
    if (count != properties.entryCount()) {
      throw new CorruptionException(
          name,
          CorruptionException.UNKNOWN_OFFSET,
          count + " entries found, properties say " + properties.entryCount());
    }
  }

  /** Closes the file. Cached blocks stay until evicted or {@link BlockCache#invalidateFile}. */
  @Override
  public void close() {
    try {
      file.close();
    } catch (IOException e) {
      throw new KiwiIOException("close table " + name, e);
    }
  }

  @Override
  public String toString() {
    return "TableReader[" + name + ", " + properties + "]";
  }

  private FilterPolicy.Reader filterReader() {
    FilterPolicy.Reader r = cache.filter().get(fileNumber, filterHandle.offset());
    if (r == null) {
      byte[] bytes = readBlock(filterHandle);
      try {
        r = filterPolicy.reader(bytes);
      } catch (IllegalArgumentException e) {
        throw new CorruptionException(
            name, filterHandle.offset(), "filter block: " + e.getMessage(), e);
      }
      cache.filter().put(fileNumber, filterHandle.offset(), r);
    }
    return r;
  }

  private IndexBlock indexBlock() {
    IndexBlock b = cache.index().get(fileNumber, indexHandle.offset());
    if (b == null) {
      b =
          IndexBlock.decode(
              Block.of(readBlock(indexHandle), name, indexHandle.offset()), indexHandle.offset());
      cache.index().put(fileNumber, indexHandle.offset(), b);
    }
    return b;
  }

  private Block dataBlock(IndexBlock index, int i) {
    Block b = cache.data().get(fileNumber, index.blockOffset(i));
    return b != null ? b : loadDataBlock(index.handle(i));
  }

  private Block loadDataBlock(BlockHandle h) {
    Block b = Block.of(readBlock(h), name, h.offset());
    cache.data().put(fileNumber, h.offset(), b);
    return b;
  }

  private BlockHandle handle(byte[] footer, int at, long footerOffset, String what) {
    long offset = Coding.getLong(footer, at);
    int size = Coding.getInt(footer, at + 8);
    BlockHandle h = new BlockHandle(offset, size);
    if (!fitsBefore(offset, size, footerOffset)) {
      throw corrupt(
          footerOffset,
          what
              + " block handle ["
              + offset
              + ", +"
              + Integer.toUnsignedString(size)
              + "] lies outside the file");
    }
    return h;
  }

  /**
   * Whether a block of {@code size} bytes plus its trailer, at {@code offset}, ends at or before
   * {@code limit}. Written so nothing overflows: {@code offset + size + 5} wraps negative for an
   * offset near 2^63 and used to pass the check (found by the kiwi-reliability fuzz targets).
   */
  static boolean fitsBefore(long offset, int size, long limit) {
    return offset >= 0
        && size >= 0
        && size <= limit - TableFormat.TRAILER_SIZE
        && offset <= limit - TableFormat.TRAILER_SIZE - size;
  }

  /** Reads, checks and decompresses one block. */
  private byte[] readBlock(BlockHandle h) {
    byte[] raw = read(h.offset(), h.size() + TableFormat.TRAILER_SIZE);
    int size = h.size();
    int id = raw[size] & 0xff;
    CRC32C crc = new CRC32C();
    crc.update(raw, 0, size + 1);
    int expected = Checksums.unmask(Coding.getInt(raw, size + 1));
    if ((int) crc.getValue() != expected) {
      throw corrupt(h.offset(), "block checksum mismatch (" + size + "-byte block)");
    }
    if (id == NoCompressor.ID) {
      return size == raw.length ? raw : Arrays.copyOf(raw, size);
    }
    Compressor codec = codecs.compressor(id);
    if (codec == null) {
      throw corrupt(
          h.offset(), "unknown compression id " + id + "; known: " + codecs.compressors().keySet());
    }
    int[] pos = {0};
    try {
      long bound = Math.min((long) size * TableFormat.MAX_EXPANSION, Integer.MAX_VALUE - 16);
      int rawLength = Coding.getVarInt(raw, pos, size, (int) bound);
      return codec.decompress(raw, pos[0], size - pos[0], rawLength);
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(
          name, h.offset(), codec.name() + " block does not decode: " + e.getMessage(), e);
    }
  }

  private byte[] read(long position, int len) {
    try {
      return file.read(position, len);
    } catch (EOFException e) {
      throw new CorruptionException(name, position, "truncated: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new KiwiIOException("read " + len + " bytes at " + position + " of table " + name, e);
    }
  }

  private CorruptionException corrupt(long offset, String detail) {
    return new CorruptionException(name, offset, detail);
  }

  /**
   * A two-level iterator: a cursor over the index picks data blocks, a cursor over the current
   * block walks entries. Blocks with no entries at the position are skipped in the direction of
   * travel.
   */
  private final class TableIterator implements InternalIterator {
    private final IndexBlock index = indexBlock();
    private int block = -1; // the index entry of the current data block
    private Block.Cursor data;

    @Override
    public boolean isValid() {
      return data != null && data.isValid();
    }

    @Override
    public void seekToFirst() {
      block = 0;
      loadBlock();
      if (data != null) {
        data.seekToFirst();
      }
      skipForward();
    }

    @Override
    public void seekToLast() {
      block = index.count() - 1;
      loadBlock();
      if (data != null) {
        data.seekToLast();
      }
      skipBackward();
    }

    @Override
    public void seek(byte[] key, long seq) {
      block = index.find(key, seq);
      loadBlock();
      if (data != null) {
        data.seek(key, seq);
      }
      skipForward();
    }

    @Override
    public void next() {
      requireValid();
      data.next();
      skipForward();
    }

    @Override
    public void prev() {
      requireValid();
      data.prev();
      skipBackward();
    }

    @Override
    public byte[] key() {
      requireValid();
      return data.key();
    }

    @Override
    public long seq() {
      requireValid();
      return data.seq();
    }

    @Override
    public EntryKind kind() {
      requireValid();
      return data.kind();
    }

    @Override
    public byte[] value() {
      requireValid();
      return data.value();
    }

    private void requireValid() {
      if (!isValid()) {
        throw new IllegalStateException("iterator over " + name + " is not positioned at an entry");
      }
    }

    private void loadBlock() {
      data = block >= 0 && block < index.count() ? dataBlock(index, block).cursor() : null;
    }

    private void skipForward() {
      while (data != null && !data.isValid()) {
        block++;
        loadBlock();
        if (data != null) {
          data.seekToFirst();
        }
      }
    }

    private void skipBackward() {
      while (data != null && !data.isValid()) {
        block--;
        loadBlock();
        if (data != null) {
          data.seekToLast();
        }
      }
    }
  }
}
