/**
 * Contracts for component authors: the pluggable parts of the LSM tree ({@link
 * io.kiwidb.api.spi.MemTableFactory}, {@link io.kiwidb.api.spi.FilterPolicy}, {@link
 * io.kiwidb.api.spi.CompactionStrategy}, {@link io.kiwidb.api.spi.Compressor}), the {@link
 * io.kiwidb.api.spi.FileSystem} seam through which every module does its file I/O, the internal
 * entry and iterator types, and shared encoding helpers.
 *
 * <p>Each pluggable contract extends {@link io.kiwidb.api.spi.NamedProvider}; implementations are
 * registered with {@code provides} in their module-info and in {@code META-INF/services}, and are
 * chosen by name through {@link io.kiwidb.api.spi.NamedProviders}.
 *
 * <p><b>Internal key order.</b> Entries are ordered by user key (unsigned bytes, ascending), then
 * by sequence number descending, so the newest version of a key comes first. See {@link
 * io.kiwidb.api.spi.KeyOrder}.
 */
package io.kiwidb.api.spi;
