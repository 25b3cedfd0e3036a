package io.kiwidb.api;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The asynchronous view of a {@link StorageEngine}, from {@link StorageEngine#async()}. Each future
 * completes when the operation is done; for writes, when the write is as durable as its {@link
 * WriteOptions} ask (the current {@code wal_sync_mode} without options). Futures complete
 * exceptionally with the same exceptions the blocking calls throw.
 *
 * <p>Thread safety: as {@link StorageEngine}.
 */
public interface AsyncStorageEngine {
  /** Asynchronous {@link StorageEngine#put(byte[], byte[])}. */
  default CompletableFuture<Void> put(byte[] key, byte[] value) {
    return put(key, value, WriteOptions.DEFAULTS);
  }

  /** Asynchronous {@link StorageEngine#put(byte[], byte[], WriteOptions)}. */
  CompletableFuture<Void> put(byte[] key, byte[] value, WriteOptions options);

  /** Asynchronous {@link StorageEngine#get(byte[])}. */
  CompletableFuture<Optional<byte[]>> get(byte[] key);

  /** Asynchronous {@link StorageEngine#delete(byte[])}. */
  default CompletableFuture<Void> delete(byte[] key) {
    return delete(key, WriteOptions.DEFAULTS);
  }

  /** Asynchronous {@link StorageEngine#delete(byte[], WriteOptions)}. */
  CompletableFuture<Void> delete(byte[] key, WriteOptions options);

  /** Asynchronous {@link StorageEngine#write(WriteBatch)}. */
  default CompletableFuture<Void> write(WriteBatch batch) {
    return write(batch, WriteOptions.DEFAULTS);
  }

  /** Asynchronous {@link StorageEngine#write(WriteBatch, WriteOptions)}. */
  CompletableFuture<Void> write(WriteBatch batch, WriteOptions options);

  /** Asynchronous {@link StorageEngine#flush()}. */
  default CompletableFuture<Boolean> flush() {
    return flush(false);
  }

  /** Asynchronous {@link StorageEngine#flush(boolean)}. */
  CompletableFuture<Boolean> flush(boolean wait);
}
