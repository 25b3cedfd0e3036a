/** Object-size arithmetic shared by the memtables' size accounting. Not exported. */
package io.kiwidb.memtable.heap;
