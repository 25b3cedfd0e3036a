package io.kiwidb.engine;

import io.kiwidb.api.AsyncStorageEngine;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteBatch;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The asynchronous view: each call runs the blocking operation on the engine's async executor, so a
 * write's future completes when the write is durable under the current sync mode (the blocking call
 * returns only then). Writers submitted together still share WAL fsyncs through group commit.
 *
 * <p>Thread safety: as the engine.
 */
final class AsyncView implements AsyncStorageEngine {
  private final StorageEngine engine;
  private final Executor executor;

  AsyncView(StorageEngine engine, Executor executor) {
    this.engine = engine;
    this.executor = executor;
  }

  @Override
  public CompletableFuture<Void> put(byte[] key, byte[] value) {
    byte[] k = key.clone();
    byte[] v = value.clone();
    return CompletableFuture.runAsync(() -> engine.put(k, v), executor);
  }

  @Override
  public CompletableFuture<Optional<byte[]>> get(byte[] key) {
    byte[] k = key.clone();
    return CompletableFuture.supplyAsync(() -> engine.get(k), executor);
  }

  @Override
  public CompletableFuture<Void> delete(byte[] key) {
    byte[] k = key.clone();
    return CompletableFuture.runAsync(() -> engine.delete(k), executor);
  }

  @Override
  public CompletableFuture<Void> write(WriteBatch batch) {
    return CompletableFuture.runAsync(() -> engine.write(batch), executor);
  }

  @Override
  public CompletableFuture<Boolean> flush() {
    return CompletableFuture.supplyAsync(engine::flush, executor);
  }
}
