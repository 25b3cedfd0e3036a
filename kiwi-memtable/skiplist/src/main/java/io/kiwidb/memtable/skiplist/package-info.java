/** The {@code skiplist} memtable: a single-writer, lock-free-reader skip list. Not exported. */
package io.kiwidb.memtable.skiplist;
