package io.kiwidb.sstable.table;

import io.kiwidb.api.EntryKind;

/**
 * Constants of the table file format, version 1. The byte layout is described in {@code
 * docs/format/sstable.md}; this class and that page change together.
 */
final class TableFormat {
  /** "kiwi-sst" in ASCII, read as a little-endian u64: the last 8 bytes of every table. */
  static final long MAGIC = 0x7473732d6977696bL;

  /** The format version this code writes and the only one it reads. */
  static final int VERSION = 1;

  /**
   * Footer: index, filter and properties handles (u64 offset + u32 size each), format version
   * (u32), masked CRC32C of the preceding 40 bytes (u32), magic (u64).
   */
  static final int FOOTER_SIZE = 52;

  /** Each block is followed by a compression id (1 byte) and a masked CRC32C (4 bytes). */
  static final int TRAILER_SIZE = 5;

  /** Bytes after each entry's key suffix holding {@code seq << 8 | kind}, little-endian. */
  static final int SEQ_KIND_SIZE = 8;

  /** Default restart interval of data blocks. */
  static final int DEFAULT_RESTART_INTERVAL = 16;

  /** Index blocks use a restart at every entry so a binary search lands exactly. */
  static final int INDEX_RESTART_INTERVAL = 1;

  /** LZ4's worst-case expansion bound (255:1) with slack; caps the decoded size of a block. */
  static final int MAX_EXPANSION = 256;

  private TableFormat() {}

  static long packSeqKind(long seq, EntryKind kind) {
    return (seq << 8) | kind.code();
  }
}
