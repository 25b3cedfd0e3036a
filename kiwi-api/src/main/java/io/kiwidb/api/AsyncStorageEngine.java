package io.kiwidb.api;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The asynchronous view of a {@link StorageEngine}, from {@link StorageEngine#async()}. Each future
 * completes when the operation is done; for writes, when the write is durable under the current
 * {@code wal_sync_mode}. Futures complete exceptionally with the same exceptions the blocking calls
 * throw.
 *
 * <p>Thread safety: as {@link StorageEngine}.
 */
public interface AsyncStorageEngine {
  /** Asynchronous {@link StorageEngine#put(byte[], byte[])}. */
  CompletableFuture<Void> put(byte[] key, byte[] value);

  /** Asynchronous {@link StorageEngine#get(byte[])}. */
  CompletableFuture<Optional<byte[]>> get(byte[] key);

  /** Asynchronous {@link StorageEngine#delete(byte[])}. */
  CompletableFuture<Void> delete(byte[] key);

  /** Asynchronous {@link StorageEngine#write(WriteBatch)}. */
  CompletableFuture<Void> write(WriteBatch batch);

  /** Asynchronous {@link StorageEngine#flush()}. */
  CompletableFuture<Boolean> flush();
}
