/** Memtable implementations behind {@link io.kiwidb.api.spi.MemTableFactory}. */
package io.kiwidb.memtable;
