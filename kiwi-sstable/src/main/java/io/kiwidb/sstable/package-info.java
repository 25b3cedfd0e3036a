/** Sorted string tables. See {@code docs/format/sstable.md}. */
package io.kiwidb.sstable;
