package io.kiwidb.cli;

import io.kiwidb.api.WriteOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The per-write durability flags of {@code put} and {@code del} ({@code --sync}, {@code --no-sync},
 * {@code --no-wal}), turned into the engine's {@link WriteOptions}. Without any of them a write
 * follows the store's {@code wal_sync_mode}, as before.
 *
 * <p>Thread safety: one command line, one thread.
 */
final class WriteFlags {
  @Option(
      names = "--sync",
      description =
          "Return only once the write is fsynced, whatever wal_sync_mode says: it survives a power"
              + " cut.")
  boolean sync;

  @Option(
      names = "--no-sync",
      description =
          "Return once the write is in the log, without waiting for an fsync, whatever"
              + " wal_sync_mode says: a power cut may lose it.")
  boolean noSync;

  @Option(
      names = "--no-wal",
      description =
          "Skip the write-ahead log: the write is in memory only until a flush (flush --wait makes"
              + " it durable); any crash before that loses it.")
  boolean noWal;

  /**
   * The options the flags ask for.
   *
   * @throws CommandLine.ParameterException naming the flags when they contradict each other
   */
  WriteOptions options(CommandLine commandLine) {
    if (sync && noSync) {
      throw new CommandLine.ParameterException(
          commandLine, "--sync and --no-sync contradict each other: give one of them");
    }
    if (sync && noWal) {
      throw new CommandLine.ParameterException(
          commandLine,
          "--sync cannot be combined with --no-wal: a write that skips the write-ahead log has"
              + " nothing to fsync (make it durable with flush --wait)");
    }
    WriteOptions.Sync mode =
        sync
            ? WriteOptions.Sync.SYNC
            : noSync ? WriteOptions.Sync.NO_SYNC : WriteOptions.Sync.DEFAULT;
    return new WriteOptions(mode, noWal);
  }
}
