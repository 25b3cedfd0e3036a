package io.kiwidb.engine.internal;

import java.util.Map;
import java.util.Optional;

/**
 * Which Maven artifact (and JPMS module) brings each stock implementation, so that naming one that
 * is not installed fails with the dependency to add rather than a bare "unknown".
 */
public final class StockImplementations {
  private StockImplementations() {}

  /** An artifact and the module in it. */
  public record Artifact(String artifactId, String module) {
    @Override
    public String toString() {
      return "the Maven artifact io.kiwidb:" + artifactId + " (module " + module + ")";
    }
  }

  private static final Map<String, Map<String, Artifact>> BY_KEY =
      Map.of(
          "memtable_impl",
          Map.of(
              "arena", new Artifact("kiwi-memtable-arena", "io.kiwidb.memtable.arena"),
              "skiplist", new Artifact("kiwi-memtable-skiplist", "io.kiwidb.memtable.skiplist"),
              "redblack", new Artifact("kiwi-memtable-redblack", "io.kiwidb.memtable.redblack")),
          "filter_policy",
          Map.of(
              "bloom", new Artifact("kiwi-sstable-bloom", "io.kiwidb.sstable.bloom"),
              "ribbon", new Artifact("kiwi-sstable-ribbon", "io.kiwidb.sstable.ribbon")),
          "compaction_strategy",
          Map.of(
              "leveled", new Artifact("kiwi-compaction-leveled", "io.kiwidb.compaction.leveled"),
              "tiered", new Artifact("kiwi-compaction-tiered", "io.kiwidb.compaction.tiered")),
          "compression",
          Map.of("lz4", new Artifact("kiwi-sstable-lz4", "io.kiwidb.sstable.lz4")));

  /** The artifact that brings implementation {@code name} of config key {@code key}, if stock. */
  public static Optional<Artifact> artifactOf(String key, String name) {
    return Optional.ofNullable(BY_KEY.getOrDefault(key, Map.of()).get(name));
  }
}
