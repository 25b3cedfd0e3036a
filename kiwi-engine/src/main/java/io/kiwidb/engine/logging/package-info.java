/**
 * Per-engine logging: each engine's own rolling {@code logs/kiwidb.log} and a TCP log broadcast
 * server, routed by the engine tag in the MDC so several engines in one JVM keep their logs apart.
 * See {@code docs/logging.md}.
 */
package io.kiwidb.engine.logging;
