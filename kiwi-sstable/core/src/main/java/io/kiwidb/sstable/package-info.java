/**
 * Sorted string tables (format: {@code docs/format/sstable.md}).
 *
 * <ul>
 *   <li>{@link io.kiwidb.sstable.table.TableBuilder} writes a table from entries in internal order;
 *       {@link io.kiwidb.sstable.TableOptions} sets block size, restart interval, codec and filter.
 *   <li>{@link io.kiwidb.sstable.table.TableReader} opens one: point lookups with a trace ({@link
 *       io.kiwidb.sstable.table.TableLookup}), an {@link io.kiwidb.api.spi.InternalIterator}, every
 *       entry for {@code show_disk}, {@link io.kiwidb.sstable.table.TableProperties} and {@link
 *       io.kiwidb.api.spi.TableMeta} for the level structure, and a full {@code verify()}.
 *   <li>{@link io.kiwidb.sstable.table.BlockCache}: the shared data, index and filter caches.
 *   <li>{@link io.kiwidb.sstable.table.TableFiles}: {@code sst/NNNNNN.sst} names.
 * </ul>
 *
 * <p>Exported only to the compaction, engine and bench modules.
 */
package io.kiwidb.sstable;
