/**
 * The real file system behind {@link io.kiwidb.api.spi.FileSystem}: NIO channels, memory-mapped
 * reads of immutable files, directory syncs and file locks. Get it with {@link
 * io.kiwidb.fs.FileSystems#local()}.
 */
module io.kiwidb.fs {
  requires transitive io.kiwidb.api;
  // sun.misc.Unsafe.invokeCleaner: mapped tables are unmapped when closed, not when the collector
  // gets to them (MappedReadableFile says why).
  requires jdk.unsupported;

  exports io.kiwidb.fs;
}
