/**
 * The public API of kiwi-db: {@link io.kiwidb.api.StorageEngine}, {@link io.kiwidb.api.KiwiDb},
 * write batches, snapshots, iterators, the records returned by the inspection calls, and the
 * unchecked exception hierarchy rooted at {@link io.kiwidb.api.KiwiException}.
 *
 * <p>Keys and values are {@code byte[]}. Keys are ordered as unsigned bytes, lexicographically (the
 * order of {@link java.util.Arrays#compareUnsigned(byte[], byte[])}). Arrays passed in are copied
 * before a call returns, and arrays handed out are fresh copies the caller may keep.
 */
package io.kiwidb.api;
