package io.kiwidb.sstable;

import java.util.Objects;

/**
 * How a {@link TableStore} opens.
 *
 * @param levelCount levels including L0 ({@code max_levels + 1}), at least 2
 * @param dataBlocks block cache entries for data blocks ({@code cache_max_entries})
 * @param indexBlocks block cache entries for index blocks
 * @param filters block cache entries for filters
 * @param tableOptions the layout of tables written from now on ({@link TableStore#newTable})
 * @param codecs the filter policies and compressors tables may name
 */
public record TableStoreOptions(
    int levelCount,
    int dataBlocks,
    int indexBlocks,
    int filters,
    TableOptions tableOptions,
    TableCodecs codecs) {
  /** Validates eagerly, naming the bad field and value. */
  public TableStoreOptions {
    if (levelCount < 2) {
      throw new IllegalArgumentException("levelCount must be at least 2, got " + levelCount);
    }
    if (dataBlocks < 0 || indexBlocks < 0 || filters < 0) {
      throw new IllegalArgumentException(
          "cache entry limits must not be negative, got "
              + dataBlocks
              + "/"
              + indexBlocks
              + "/"
              + filters);
    }
    Objects.requireNonNull(tableOptions, "tableOptions");
    Objects.requireNonNull(codecs, "codecs");
  }

  /** {@code levelCount} levels, small caches, default tables, the installed codecs. */
  public static TableStoreOptions defaults(int levelCount) {
    return new TableStoreOptions(
        levelCount, 1024, 256, 256, TableOptions.defaults(), TableCodecs.installed());
  }

  /** These options with other block cache limits. */
  public TableStoreOptions withCache(int data, int index, int filter) {
    return new TableStoreOptions(levelCount, data, index, filter, tableOptions, codecs);
  }

  /** These options with another table layout. */
  public TableStoreOptions withTableOptions(TableOptions options) {
    return new TableStoreOptions(levelCount, dataBlocks, indexBlocks, filters, options, codecs);
  }

  /** These options with other codecs. */
  public TableStoreOptions withCodecs(TableCodecs c) {
    return new TableStoreOptions(levelCount, dataBlocks, indexBlocks, filters, tableOptions, c);
  }
}
