package io.kiwidb.wal;

import java.util.Locale;

/**
 * What replay does with a damaged record in the middle of the log (config key {@code
 * wal_recovery_mode}). A torn tail (the log ends inside a record, as after a crash during a write)
 * is normal in both modes and ends replay cleanly at the last whole record.
 */
public enum RecoveryMode {
  /** Any checksum or structure failure fails recovery with the file and offset. */
  STRICT,
  /**
   * Replay stops before the first bad record, logs what it dropped (file, offset, bytes), and never
   * reads a later record or segment: the result is a consistent point in time. The default.
   */
  POINT_IN_TIME;

  /** The name used in the configuration: {@code strict} or {@code point_in_time}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The mode for a configuration value.
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static RecoveryMode fromConfig(String value) {
    for (RecoveryMode m : values()) {
      if (m.configName().equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "wal_recovery_mode must be one of [strict, point_in_time], was '" + value + "'");
  }
}
