package io.kiwidb.api;

/**
 * One stored version of a key as shown by {@link StorageEngine#showMem(String)} and {@link
 * StorageEngine#showDisk(String)}: key, sequence number, operation and value ({@code null} for a
 * tombstone). Its JSON form is {@code {"key", "seq", "op", "value"}}.
 *
 * @param key the user key
 * @param seq the sequence number of this version
 * @param op PUT or DELETE
 * @param value the value, or {@code null} for a DELETE
 */
public record EntryView(byte[] key, long seq, EntryKind op, byte[] value) {}
