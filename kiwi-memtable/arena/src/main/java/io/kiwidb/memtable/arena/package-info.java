/** The {@code arena} memtable: a skip list whose nodes are laid out in large byte arrays. */
package io.kiwidb.memtable.arena;
