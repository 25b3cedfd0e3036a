package io.kiwidb.api.spi;

/**
 * A pluggable implementation chosen by name in config (Lucene's {@code Codec.forName} pattern). The
 * name is also written into the files an implementation produces, so a store reopened with another
 * config still finds the right reader.
 */
public interface NamedProvider {
  /**
   * The stable, lower-case name used in config and in files, e.g. {@code "skiplist"}. Never changes
   * once released.
   */
  String name();
}
