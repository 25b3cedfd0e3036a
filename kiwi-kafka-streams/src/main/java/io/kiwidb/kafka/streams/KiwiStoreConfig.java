package io.kiwidb.kafka.streams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * The kiwi-db engine config of one store, from three layers, later ones winning:
 *
 * <ol>
 *   <li>this module's defaults ({@link #MODULE_DEFAULTS}: no TCP log broadcast server per store);
 *   <li>every {@code StreamsConfig} property starting with {@code kiwi.}, prefix removed ({@code
 *       kiwi.block_size=8192} sets {@code block_size});
 *   <li>the map given to {@code KiwiStores.persistent...Store(name, config)} for that store alone.
 * </ol>
 *
 * <p>The result is written as the store's {@code config.json} before every open, so the engine's
 * own validation checks it; a rejected key is reported as a {@link ConfigException} naming the
 * property as the user wrote it and where it came from.
 *
 * <p>Values may be numbers, booleans or strings. A string that reads as a JSON number or boolean is
 * written as one ({@code "8192"} from a properties file becomes {@code 8192}), because the engine
 * never parses a string in the file as a number.
 */
final class KiwiStoreConfig {
  /** The prefix of kiwi-db keys in {@code StreamsConfig}. */
  static final String PREFIX = "kiwi.";

  /**
   * Defaults that differ from the engine's. Kafka Streams runs one engine per store per task, and a
   * log broadcast server for each of them would open dozens of sockets nobody reads.
   */
  static final Map<String, Object> MODULE_DEFAULTS = Map.of("log_broadcast_enabled", false);

  private static final Pattern JSON_NUMBER =
      Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

  /** One resolved key: its value and the place it came from (for error messages). */
  record Setting(Object value, String property, String source) {}

  private final Map<String, Setting> settings;

  private KiwiStoreConfig(Map<String, Setting> settings) {
    this.settings = settings;
  }

  /**
   * Checks a store's own config map eagerly (when the supplier is created).
   *
   * @throws ConfigException naming the first bad key or value
   */
  static Map<String, Object> checkStoreConfig(String store, Map<String, ?> config) {
    Objects.requireNonNull(config, "kiwiConfig");
    Map<String, Object> copy = new LinkedHashMap<>();
    config.forEach(
        (key, value) -> {
          String source = "the KiwiStores config of store '" + store + "'";
          if (key == null || key.isBlank()) {
            throw new ConfigException(
                "kiwi store '" + store + "': blank key in " + source + " (value " + value + ")");
          }
          if (key.startsWith(PREFIX)) {
            throw new ConfigException(
                key,
                value,
                "kiwi store '"
                    + store
                    + "': keys in "
                    + source
                    + " are kiwi-db config keys without the '"
                    + PREFIX
                    + "' prefix (write '"
                    + key.substring(PREFIX.length())
                    + "')");
          }
          checkValue(key, value, source);
          copy.put(key, value);
        });
    return copy;
  }

  /** Resolves the layers for one store. */
  static KiwiStoreConfig resolve(
      String store, Map<String, Object> appConfigs, Map<String, Object> storeConfig) {
    Map<String, Setting> settings = new LinkedHashMap<>();
    MODULE_DEFAULTS.forEach(
        (k, v) -> settings.put(k, new Setting(v, k, "kiwi-kafka-streams' defaults")));
    appConfigs.forEach(
        (property, value) -> {
          if (property.startsWith(PREFIX)) {
            String key = property.substring(PREFIX.length());
            String source = "StreamsConfig";
            if (key.isBlank()) {
              throw new ConfigException(property, value, "no kiwi-db key after '" + PREFIX + "'");
            }
            checkValue(property, value, source);
            settings.put(key, new Setting(value, property, source));
          }
        });
    storeConfig.forEach(
        (key, value) ->
            settings.put(
                key, new Setting(value, key, "the KiwiStores config of store '" + store + "'")));
    return new KiwiStoreConfig(settings);
  }

  /** The resolved keys and values (for tests and logs). */
  Map<String, Object> values() {
    Map<String, Object> out = new LinkedHashMap<>();
    settings.forEach((k, s) -> out.put(k, s.value()));
    return out;
  }

  /** Where a key came from, or null when this config does not set it. */
  Setting setting(String key) {
    return settings.get(key);
  }

  /**
   * Writes {@code config.json} into {@code dir} atomically (temporary file, fsync, rename), so a
   * crash leaves the old file or the new one.
   */
  void writeTo(Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    Path tmp = dir.resolve("config.json.kafka-streams.tmp");
    Files.write(tmp, toJson().getBytes(StandardCharsets.UTF_8));
    try (var channel =
        java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  String toJson() {
    StringBuilder json = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, Setting> e : settings.entrySet()) {
      json.append("  ");
      quote(json, e.getKey());
      json.append(": ").append(render(e.getValue().value()));
      json.append(++i < settings.size() ? ",\n" : "\n");
    }
    return json.append("}\n").toString();
  }

  private static void checkValue(String property, Object value, String source) {
    if (value instanceof Number n) {
      if ((n instanceof Double d && (d.isNaN() || d.isInfinite()))
          || (n instanceof Float f && (f.isNaN() || f.isInfinite()))) {
        throw new ConfigException(property, value, "not a finite number (from " + source + ")");
      }
      return;
    }
    if (value instanceof Boolean || value instanceof CharSequence) {
      return;
    }
    throw new ConfigException(
        property,
        value,
        "kiwi-db config values are numbers, booleans or strings, got "
            + (value == null ? "null" : value.getClass().getName())
            + " (from "
            + source
            + ")");
  }

  private static String render(Object value) {
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    String s = value.toString().trim();
    String lower = s.toLowerCase(Locale.ROOT);
    if (JSON_NUMBER.matcher(s).matches()) {
      return s;
    }
    if (lower.equals("true") || lower.equals("false")) {
      return lower;
    }
    StringBuilder out = new StringBuilder();
    quote(out, value.toString());
    return out.toString();
  }

  private static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
