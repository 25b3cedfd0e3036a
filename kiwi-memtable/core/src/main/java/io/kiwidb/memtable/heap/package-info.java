/**
 * What the memtable implementations share: the node's key/value/sequence part, the cursor accessors
 * over it, and the object-size arithmetic of their size accounting. Not exported.
 */
package io.kiwidb.memtable.heap;
