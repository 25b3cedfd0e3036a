/** The tables on disk by level: lookups, readers and the show_disk views over the version set. */
package io.kiwidb.sstable.store;
