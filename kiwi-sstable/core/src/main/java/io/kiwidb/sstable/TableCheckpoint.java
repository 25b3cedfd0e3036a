package io.kiwidb.sstable;

import io.kiwidb.api.spi.TableMeta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The tables of one moment, pinned for a checkpoint ({@link TableStore#pinForCheckpoint()}): while
 * this is open none of its files is deleted, so they can be linked or copied at leisure, and {@link
 * #writeManifest} describes exactly them in the checkpoint.
 *
 * <p>Thread safety: for one thread; {@link #close()} is idempotent.
 */
public interface TableCheckpoint extends AutoCloseable {
  /** Every table of the pinned version, L0 first. */
  List<TableMeta> tables();

  /** Every write up to this sequence number is in {@link #tables()}. */
  long lastSequence();

  /**
   * Writes the manifest and {@code CURRENT} of a store in {@code targetRoot} that holds exactly
   * {@link #tables()} (whose files the caller puts in {@code targetRoot/sst/}), synced.
   *
   * @return the manifest's file name
   * @throws IOException if a file cannot be written or synced
   */
  String writeManifest(Path targetRoot) throws IOException;

  /** Releases the pin. */
  @Override
  void close();
}
