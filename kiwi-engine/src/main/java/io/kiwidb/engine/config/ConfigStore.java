package io.kiwidb.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiwidb.api.ConfigChange;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@code config.json}: loads it (creating it with defaults when absent), validates
 * every key, and persists changes atomically.
 *
 * <p>Failure policy: a file that is not valid JSON, holds an unknown key, a value of the wrong type
 * or out of range is rejected with {@link InvalidConfigException} naming the file position or the
 * key and value; the file is never rewritten in that case (the reference system silently replaced a
 * corrupt file with defaults, losing the operator's settings). Keys missing from the file take
 * their defaults, so a reference-system file (sixteen keys) loads as is.
 *
 * <p>Atomic rewrite: the whole config is written to {@code <name>.tmp}, fsynced, renamed over the
 * file and the directory fsynced, so a crash leaves either the old or the new file, never a mix.
 *
 * <p>Two snapshots: {@link #current()} is what the file says (every persisted change), {@link
 * #effective()} is what the running engine uses: it follows live keys at once but keeps each
 * reopen-only key at the value it had when the store was opened. Components read {@code
 * effective()}; {@code StorageEngine.config()} shows {@code current()}.
 *
 * <p>Thread safety: {@link #current()} and {@link #effective()} are lock-free (volatile snapshots);
 * {@link #update} is serialised, and listeners run in update order.
 */
public final class ConfigStore {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);

  /** A config file larger than this is surely not ours; refuse it rather than buffer it. */
  static final int MAX_FILE_BYTES = 1 << 20;

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private final FileSystem fs;
  private final Path file;
  private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
  private final List<ConfigValidator> validators = new CopyOnWriteArrayList<>();
  private volatile EngineConfig current;
  private volatile EngineConfig effective;

  private ConfigStore(FileSystem fs, Path file, EngineConfig initial) {
    this.fs = fs;
    this.file = file;
    this.current = initial;
    this.effective = initial;
  }

  /** The default location, {@code <dataRoot>/config.json}. */
  public static Path defaultPath(Path dataRoot) {
    return dataRoot.resolve("config.json");
  }

  /**
   * Loads {@code file}, or creates it with every key at its default when it does not exist (its
   * parent directory is created if needed).
   *
   * @throws InvalidConfigException if the file is malformed or holds a bad key or value; the file
   *     is left untouched
   * @throws KiwiIOException if it cannot be read or created
   */
  public static ConfigStore open(FileSystem fs, Path file) {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(file, "file");
    if (!fs.exists(file)) {
      EngineConfig defaults = EngineConfig.defaults();
      Path parent = file.toAbsolutePath().getParent();
      try {
        fs.createDirectories(parent);
      } catch (IOException e) {
        throw new KiwiIOException("create config directory " + parent, e);
      }
      writeAtomically(fs, file, defaults);
      LOG.atInfo()
          .addKeyValue("path", file)
          .setMessage("Config file absent; created with defaults")
          .log();
      return new ConfigStore(fs, file, defaults);
    }
    return new ConfigStore(fs, file, parse(file, read(fs, file)));
  }

  /**
   * Loads {@code file} for a read-only engine: the defaults when it does not exist, and the file is
   * never created or written ({@link #update} is the engine's to refuse).
   *
   * @throws InvalidConfigException if the file is malformed or holds a bad key or value
   * @throws KiwiIOException if it cannot be read
   */
  public static ConfigStore openReadOnly(FileSystem fs, Path file) {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(file, "file");
    if (!fs.exists(file)) {
      return new ConfigStore(fs, file, EngineConfig.defaults());
    }
    return new ConfigStore(fs, file, parse(file, read(fs, file)));
  }

  /** The config file this store reads and writes. */
  public Path file() {
    return file;
  }

  /** The config as persisted in the file, including reopen-only changes not yet in effect. */
  public EngineConfig current() {
    return current;
  }

  /**
   * The config the running engine uses: live keys as last updated, reopen-only keys as they were at
   * open.
   */
  public EngineConfig effective() {
    return effective;
  }

  /** Registers a listener for persisted changes. */
  public void addListener(ConfigListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener; does nothing if it was not registered. */
  public void removeListener(ConfigListener listener) {
    listeners.remove(listener);
  }

  /** Registers an extra check that {@link #update} runs before persisting. */
  public void addValidator(ConfigValidator validator) {
    validators.add(Objects.requireNonNull(validator, "validator"));
  }

  /**
   * Changes one key: validates it (strings are parsed for numeric and boolean keys), persists the
   * whole config atomically, then tells the listeners.
   *
   * <p>Setting a key to its current value writes nothing and notifies nobody.
   *
   * @param key a snake_case key
   * @param value a number, boolean or string
   * @return the old and new values (normalised) and whether the key applies live; {@code
   *     appliedLive} is also false if a listener failed to apply it
   * @throws InvalidConfigException naming the key and value; nothing changed
   * @throws KiwiIOException if the file could not be written or made durable; the running config
   *     stays the old one. If only the final directory sync failed, the renamed file may or may not
   *     survive a crash, so the next open may see either value
   */
  public synchronized ConfigChange update(String key, Object value) {
    ConfigKey k = ConfigKeys.get(key, value);
    EngineConfig before = current;
    EngineConfig after = before.with(key, value);
    Object oldValue = before.get(key);
    Object newValue = after.get(key);
    if (oldValue.equals(newValue)) {
      return new ConfigChange(key, oldValue, newValue, k.isLive());
    }
    for (ConfigValidator v : validators) {
      v.validate(key, after);
    }
    writeAtomically(fs, file, after);
    current = after;
    boolean applied = k.isLive();
    if (applied) {
      // Cross-key rules involve live keys only, on which both snapshots agree, so this holds.
      effective = effective.with(key, newValue);
    }
    EngineConfig now = effective;
    ConfigChange change = new ConfigChange(key, oldValue, newValue, applied);
    for (ConfigListener l : listeners) {
      try {
        l.configChanged(change, now);
      } catch (RuntimeException e) {
        applied = false;
        LOG.atError()
            .setCause(e)
            .addKeyValue("key", key)
            .addKeyValue("value", newValue)
            .setMessage("Config listener failed to apply a change; it takes effect on reopen")
            .log();
      }
    }
    LOG.atInfo()
        .addKeyValue("key", key)
        .addKeyValue("old", oldValue)
        .addKeyValue("new", newValue)
        .addKeyValue("applied_live", applied)
        .setMessage("Config updated")
        .log();
    return applied == change.appliedLive()
        ? change
        : new ConfigChange(key, oldValue, newValue, applied);
  }

  // --- reading ---------------------------------------------------------------------------------

  private static byte[] read(FileSystem fs, Path file) {
    try (ReadableFile in = fs.openRead(file)) {
      long size = in.size();
      if (size > MAX_FILE_BYTES) {
        throw new InvalidConfigException(
            "config file "
                + file
                + " is "
                + size
                + " bytes, larger than the "
                + MAX_FILE_BYTES
                + "-byte limit; it was left unchanged",
            null);
      }
      return in.read(0, (int) size);
    } catch (IOException e) {
      throw new KiwiIOException("read config " + file, e);
    }
  }

  /** Parses and validates a config file's bytes. Package-private for tests. */
  static EngineConfig parse(Path file, byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw malformed(file, bytes, e);
    } catch (NumberFormatException e) {
      // A number Jackson cannot represent, e.g. an exponent beyond int range (found by
      // ConfigFuzzTest: "1e1005555...").
      throw malformed(file, bytes, e);
    } catch (IOException e) {
      // Parsing bytes in memory does no I/O: this is malformed text, e.g. bytes that Jackson's
      // encoding detection takes for UTF-32 but that decode to no character
      // (CharConversionException, found by ConfigFuzzTest).
      throw malformed(file, bytes, e);
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidConfigException(
          "config file " + file + " is empty (the file was left unchanged; fix or delete it)",
          null);
    }
    if (!root.isObject()) {
      throw new InvalidConfigException(
          "config file "
              + file
              + " must hold a JSON object of snake_case keys, not "
              + root.getNodeType().toString().toLowerCase(Locale.ROOT)
              + " (the file was left unchanged)",
          null);
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      Object raw = toJava(e.getValue());
      values.put(e.getKey(), ConfigKeys.get(e.getKey(), raw).fromFile(raw));
    }
    return EngineConfig.fromNormalised(values);
  }

  /**
   * The error for a file Jackson could not parse, in plain words (file, position, problem) rather
   * than Jackson's, which name its own options and classes (see {@link JsonErrors}).
   */
  private static InvalidConfigException malformed(Path file, byte[] bytes, Exception e) {
    JsonErrors.Problem p = JsonErrors.describe(JSON, bytes, e);
    return new InvalidConfigException(
        "config file "
            + file
            + " is not valid JSON"
            + p.where()
            + ": "
            + p.what()
            + " (the file was left unchanged; fix or delete it)",
        e);
  }

  private static Object toJava(JsonNode node) {
    if (node.isNumber()) {
      return node.numberValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNull()) {
      return null;
    }
    return node; // an object or array: ConfigKey reports the wrong type
  }

  // --- writing ---------------------------------------------------------------------------------

  /** The bytes written for a config: pretty JSON, keys in registry order, trailing newline. */
  static byte[] render(EngineConfig config) {
    ObjectNode root = JSON.createObjectNode();
    for (Map.Entry<String, Object> e : config.asMap().entrySet()) {
      Object v = e.getValue();
      if (v instanceof Integer) {
        root.put(e.getKey(), (Integer) v);
      } else if (v instanceof Double) {
        root.put(e.getKey(), (Double) v);
      } else if (v instanceof Boolean) {
        root.put(e.getKey(), (Boolean) v);
      } else {
        root.put(e.getKey(), (String) v);
      }
    }
    try {
      byte[] json = JSON.writeValueAsBytes(root);
      byte[] out = new byte[json.length + 1];
      System.arraycopy(json, 0, out, 0, json.length);
      out[json.length] = '\n';
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render config", e);
    }
  }

  private static void writeAtomically(FileSystem fs, Path file, EngineConfig config) {
    byte[] bytes = render(config);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Path dir = file.toAbsolutePath().getParent();
    String step = "write " + tmp;
    try {
      try (WritableFile out = fs.create(tmp)) {
        out.append(bytes);
        step = "sync " + tmp;
        out.sync();
      }
      step = "rename " + tmp + " to " + file;
      fs.rename(tmp, file);
      step = "sync directory " + dir;
      fs.syncDirectory(dir);
    } catch (IOException e) {
      try {
        fs.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new KiwiIOException("persist config: " + step, e);
    }
  }
}
