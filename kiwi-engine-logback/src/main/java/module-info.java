/**
 * The {@code logback} log capture: with slf4j bound to logback-classic, each kiwi-db engine writes
 * its own rolling {@code <data_root>/logs/kiwidb.log} and feeds its log broadcast from the
 * application's logback context. The {@code kiwi} tool and {@code kiwi serve} bring it; an
 * application on another slf4j binding leaves it out (see {@code docs/logging.md}). Exports
 * nothing: the engine finds it through ServiceLoader.
 */
module io.kiwidb.engine.logback {
  requires io.kiwidb.api;
  requires org.slf4j;
  requires ch.qos.logback.classic;
  requires ch.qos.logback.core; // not transitive from classic

  provides io.kiwidb.api.spi.LogCapture with
      io.kiwidb.engine.logback.LogbackCapture;
}
