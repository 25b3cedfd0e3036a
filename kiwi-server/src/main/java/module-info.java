/**
 * kiwi-db's HTTP server: a JSON API with an OpenAPI 3 document, a live web dashboard, and a web
 * terminal hook, over one {@link io.kiwidb.api.StorageEngine}. Exports only {@code
 * io.kiwidb.server} ({@link io.kiwidb.server.KiwiServer}, {@link io.kiwidb.server.ServerOptions},
 * {@link io.kiwidb.server.CommandRunner}); the rest is internal.
 *
 * <p>The three webjars are required so that {@code java -m} resolves them: their files are read as
 * resources, and an unresolved module's resources are invisible.
 */
module io.kiwidb.server {
  // StorageEngine appears in KiwiServer.start, so users of this module read the API too.
  requires transitive io.kiwidb.api;
  requires io.javalin;
  requires org.eclipse.jetty.server; // error pages as problem documents
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires htmx.org;
  requires uplot;
  requires swagger.ui;

  exports io.kiwidb.server;
}
