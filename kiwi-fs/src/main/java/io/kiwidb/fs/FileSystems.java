package io.kiwidb.fs;

import io.kiwidb.api.spi.FileSystem;

/** Factory of the real file system (as {@link java.nio.file.FileSystems} is of NIO's). */
public final class FileSystems {
  private FileSystems() {}

  /** The real file system, through NIO; one shared instance. */
  public static FileSystem local() {
    return LocalFileSystem.INSTANCE;
  }
}
