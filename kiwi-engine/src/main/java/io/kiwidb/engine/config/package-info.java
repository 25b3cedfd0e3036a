/**
 * The engine's configuration: the key registry ({@link io.kiwidb.engine.config.ConfigKeys}), the
 * immutable {@link io.kiwidb.engine.config.EngineConfig} snapshot, and {@link
 * io.kiwidb.engine.config.ConfigStore}, which loads, validates and atomically rewrites {@code
 * config.json}. The key table lives in {@code docs/config.md}.
 */
package io.kiwidb.engine.config;
