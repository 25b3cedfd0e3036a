/**
 * The stock {@link io.kiwidb.api.spi.FilterPolicy} implementations: {@code bloom} (a cache-local
 * blocked Bloom filter), {@code ribbon} (a Standard Ribbon filter) and {@code none}. The package is
 * not exported; tables find the policies by name through {@link io.kiwidb.api.spi.NamedProviders}.
 * Encodings are described in {@code docs/format/filters.md}.
 */
package io.kiwidb.sstable.filter;
