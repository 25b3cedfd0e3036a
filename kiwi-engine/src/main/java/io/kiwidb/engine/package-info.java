/** The LSM engine behind {@link io.kiwidb.api.KiwiDb}. */
package io.kiwidb.engine;
