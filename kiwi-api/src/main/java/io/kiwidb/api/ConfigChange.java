package io.kiwidb.api;

/**
 * The result of {@link StorageEngine#updateConfig(String, Object)}: the reference engine's {@code
 * (old, new)} pair, plus whether the new value already applies.
 *
 * @param key the config key
 * @param oldValue the value before the call
 * @param newValue the value now persisted in {@code config.json}
 * @param appliedLive true if the running engine uses it now; false if it takes effect on reopen
 */
public record ConfigChange(String key, Object oldValue, Object newValue, boolean appliedLive) {}
