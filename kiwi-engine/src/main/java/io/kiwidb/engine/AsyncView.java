package io.kiwidb.engine;

import io.kiwidb.api.AsyncStorageEngine;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteOptions;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The asynchronous view: each call runs the blocking operation on the engine's async executor, so a
 * write's future completes when the write is durable under the current sync mode (the blocking call
 * returns only then). Writers submitted together still share WAL fsyncs through group commit.
 *
 * <p>A view kept past {@code close()} hands out futures that fail with {@link
 * io.kiwidb.api.EngineClosedException}, like every other call after close (the executor is gone by
 * then and would otherwise throw {@link RejectedExecutionException} at the caller).
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

  private <T> CompletableFuture<T> submit(String call, Supplier<T> task) {
    try {
      return CompletableFuture.supplyAsync(task, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(LsmEngine.closed(engine.dataRoot(), call));
    }
  }

  @Override
  public CompletableFuture<Void> put(byte[] key, byte[] value, WriteOptions options) {
    byte[] k = key.clone();
    byte[] v = value.clone();
    return submit(
        "put",
        () -> {
          engine.put(k, v, options);
          return null;
        });
  }

  @Override
  public CompletableFuture<Optional<byte[]>> get(byte[] key) {
    byte[] k = key.clone();
    return submit("get", () -> engine.get(k));
  }

  @Override
  public CompletableFuture<Void> delete(byte[] key, WriteOptions options) {
    byte[] k = key.clone();
    return submit(
        "delete",
        () -> {
          engine.delete(k, options);
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> write(WriteBatch batch, WriteOptions options) {
    return submit(
        "write",
        () -> {
          engine.write(batch, options);
          return null;
        });
  }

  @Override
  public CompletableFuture<Boolean> flush(boolean wait) {
    return submit("flush", () -> engine.flush(wait));
  }
}
