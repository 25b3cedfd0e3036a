/** The write-ahead log. See {@code docs/format/wal.md}. */
package io.kiwidb.wal;
