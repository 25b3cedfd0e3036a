package io.kiwidb.bench.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens the compared stores with equal durability: kiwi's {@code wal_sync_mode} {@code none}
 * against RocksDB's WAL with {@code sync=false}, and {@code always} against {@code sync=true}.
 *
 * <p>kiwi's config files are written once per run ({@link #create}); RocksDB's like-for-like
 * settings are derived from the config a kiwi store actually runs with ({@link #probeKiwi}), so
 * kiwi's defaults are not repeated here.
 *
 * <p>Thread safety: immutable once built.
 */
final class StoreFactory {
  private final Path kiwiNoSync;
  private final Path kiwiSync;
  private final RocksTuning tuning;

  private StoreFactory(Path kiwiNoSync, Path kiwiSync, RocksTuning tuning) {
    this.kiwiNoSync = kiwiNoSync;
    this.kiwiSync = kiwiSync;
    this.tuning = tuning;
  }

  /**
   * Writes kiwi's config files under {@code dir}, opens a probe store to learn its effective config
   * (which also validates the overrides), and derives the RocksDB tuning from it.
   */
  static StoreFactory create(Path dir, Map<String, String> overrides) {
    Path noSync = dir.resolve("kiwi-config-nosync.json");
    Path sync = dir.resolve("kiwi-config-sync.json");
    write(noSync, kiwiConfigJson(overrides, false));
    write(sync, kiwiConfigJson(overrides, true));
    Map<String, Object> effective = probeKiwi(dir.resolve("probe"), noSync);
    return new StoreFactory(noSync, sync, RocksTuning.fromKiwiConfig(effective));
  }

  /** The like-for-like RocksDB settings. */
  RocksTuning tuning() {
    return tuning;
  }

  /** Opens {@code engine}'s store in {@code dir}. */
  DbAdapter open(EngineKind engine, Path dir, boolean sync) {
    return switch (engine) {
      case KIWI -> KiwiAdapter.open(dir, sync ? kiwiSync : kiwiNoSync);
      case ROCKSDB_LIKE -> RocksAdapter.open(dir, tuning, sync);
      case ROCKSDB_DEFAULT -> RocksAdapter.open(dir, null, sync);
    };
  }

  /** Opens a kiwi store in {@code dir}, reads its effective config, closes and deletes it. */
  static Map<String, Object> probeKiwi(Path dir, Path config) {
    try (KiwiAdapter kiwi = KiwiAdapter.open(dir, config)) {
      return new LinkedHashMap<>(kiwi.config());
    } finally {
      DiskUsage.deleteTree(dir);
    }
  }

  /**
   * kiwi's config: the runner's keys (durability, no log broadcast server), then the overrides.
   * Values that read as numbers or booleans are written as such, anything else as a string; the
   * engine validates each key when it opens.
   *
   * @throws IllegalArgumentException if an override sets {@code wal_sync_mode}, which the runner
   *     owns to keep durability equal
   */
  static String kiwiConfigJson(Map<String, String> overrides, boolean sync) {
    if (overrides.containsKey("wal_sync_mode")) {
      throw new IllegalArgumentException(
          "--kiwi wal_sync_mode is set by the runner (none, and always for fillsync) so that"
              + " durability matches RocksDB's; remove it");
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put("wal_sync_mode", sync ? "always" : "none");
    all.put("log_broadcast_enabled", "false");
    all.putAll(overrides);
    StringBuilder json = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, String> e : all.entrySet()) {
      json.append("  ").append(JsonText.quote(e.getKey())).append(": ");
      json.append(JsonText.literalOrString(e.getValue()));
      json.append(++i < all.size() ? ",\n" : "\n");
    }
    return json.append("}\n").toString();
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
