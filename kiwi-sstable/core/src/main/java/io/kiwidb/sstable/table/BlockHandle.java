package io.kiwidb.sstable.table;

/**
 * Where a block lives in a table file.
 *
 * @param offset the file offset of the block's first byte
 * @param size the length of the stored block contents, excluding its 5-byte trailer
 */
record BlockHandle(long offset, int size) {
  static final BlockHandle NONE = new BlockHandle(0, 0);

  /** The handle's end including the trailer. */
  long end() {
    return offset + size + TableFormat.TRAILER_SIZE;
  }
}
