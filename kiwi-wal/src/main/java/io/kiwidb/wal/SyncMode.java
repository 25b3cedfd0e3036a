package io.kiwidb.wal;

import java.util.Locale;

/**
 * When an append is acknowledged (config key {@code wal_sync_mode}). See {@code docs/format/wal.md}
 * for exactly what each mode promises.
 */
public enum SyncMode {
  /**
   * Acknowledged only after the group's bytes were written and {@code fdatasync}ed: an acknowledged
   * batch survives a process crash and a power loss. The default.
   */
  ALWAYS,
  /**
   * Acknowledged once the bytes were handed to the operating system ({@code write} returned): an
   * acknowledged batch survives a crash of the process but may be lost on a power loss or kernel
   * crash. What survives is still a prefix of the log.
   */
  NONE;

  /** The name used in the configuration: {@code always} or {@code none}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The mode for a configuration value.
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static SyncMode fromConfig(String value) {
    for (SyncMode m : values()) {
      if (m.configName().equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "wal_sync_mode must be one of [always, none], was '" + value + "'");
  }
}
