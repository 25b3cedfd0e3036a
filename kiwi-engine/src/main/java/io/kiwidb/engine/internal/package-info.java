/**
 * The engine's Guice wiring: {@link io.kiwidb.engine.internal.EngineModule} and the catalog of
 * installed SPI implementations. Guice stays inside this module; no Guice type crosses its API.
 */
package io.kiwidb.engine.internal;
