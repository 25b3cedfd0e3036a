/**
 * The {@code redblack} memtable: a persistent red-black tree behind a volatile root. Not exported.
 */
package io.kiwidb.memtable.redblack;
