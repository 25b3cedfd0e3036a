/** Compaction. See {@code docs/compaction.md}. */
package io.kiwidb.compaction;
