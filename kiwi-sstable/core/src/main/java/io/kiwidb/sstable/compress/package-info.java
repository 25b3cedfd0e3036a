/**
 * Block compression codecs, registered as {@link io.kiwidb.api.spi.Compressor} providers: {@code
 * none} (id 0) and {@code lz4} (id 1). Not exported: tables find codecs by id through {@link
 * io.kiwidb.api.spi.NamedProviders}.
 */
package io.kiwidb.sstable.compress;
