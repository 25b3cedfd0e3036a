package io.kiwidb.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.server.internal.Assets;
import io.kiwidb.server.internal.Errors;
import io.kiwidb.server.internal.EventHub;
import io.kiwidb.server.internal.JettyProblems;
import io.kiwidb.server.internal.Json;
import io.kiwidb.server.internal.LoadGenerator;
import io.kiwidb.server.internal.Pages;
import io.kiwidb.server.internal.ProblemException;
import io.kiwidb.server.internal.RestApi;
import io.kiwidb.server.internal.Security;
import io.kiwidb.server.internal.SnapshotLeases;
import io.kiwidb.server.internal.StatsSampler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kiwi-db over HTTP: the JSON API under {@code /api} (described by {@code /openapi.json}), the web
 * dashboard, and the live event stream, served by Javalin on Jetty for one open {@link
 * StorageEngine}. See {@code docs/server.md}.
 *
 * <pre>{@code
 * try (StorageEngine db = KiwiDb.open(Path.of("./data"));
 *     KiwiServer server = KiwiServer.start(db, ServerOptions.defaults().withPort(0))) {
 *   System.out.println(server.url()); // http://127.0.0.1:41234/
 *   ...
 * }
 * }</pre>
 *
 * <p>Ownership: the server uses the engine but never closes it; close the server first, then the
 * engine (that order lets in-flight requests finish against an open engine).
 *
 * <p>Security: loopback by default; a non-loopback bind address without a token is refused at
 * start. With a token, every request but the login form and static assets needs it. No CORS.
 *
 * <p>Thread safety: {@link #start}, {@link #port()} and {@link #url()} are safe from any thread;
 * {@link #close()} is idempotent and may be called from a shutdown hook.
 */
public final class KiwiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KiwiServer.class);

  /** The Content-Security-Policy of every response: nothing inline but styles, nothing foreign. */
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'"
          + " data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action"
          + " 'self'";

  private final Javalin app;
  private final ServerOptions options;
  private final EventHub events;
  private final LoadGenerator load;
  private final SnapshotLeases snapshots;
  private final ScheduledExecutorService scheduler;
  private boolean closed;

  private KiwiServer(
      Javalin app,
      ServerOptions options,
      EventHub events,
      LoadGenerator load,
      SnapshotLeases snapshots,
      ScheduledExecutorService scheduler) {
    this.app = app;
    this.options = options;
    this.events = events;
    this.load = load;
    this.snapshots = snapshots;
    this.scheduler = scheduler;
  }

  /**
   * Starts serving {@code engine}.
   *
   * @throws IllegalArgumentException if the bind address is not loopback and no token is set, or
   *     the address cannot be resolved
   * @throws IllegalStateException if the port cannot be bound (the message names it)
   */
  public static KiwiServer start(StorageEngine engine, ServerOptions options) {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(options, "options");
    boolean loopback = options.isLoopback();
    if (!loopback && options.token() == null) {
      throw new IllegalArgumentException(
          "refusing to listen on "
              + options.bindAddress()
              + " without a token: anything but loopback needs --token (at least "
              + ServerOptions.MIN_TOKEN_CHARS
              + " characters), which every request must then send as a bearer token");
    }
    Security security = new Security(options.token(), loopback);
    EventHub events = new EventHub(engine.logPort(), engine.logSocket().orElse(null));
    StatsSampler sampler = new StatsSampler(engine, events::publishStats);
    SnapshotLeases snapshots = new SnapshotLeases(engine, options.snapshotTtl());
    LoadGenerator load = new LoadGenerator(engine);
    RestApi api = new RestApi(engine, snapshots, sampler, events, load, options.terminal());
    Pages pages = new Pages(engine, snapshots, load, options.terminal(), security);
    Assets assets = new Assets();
    byte[] openapi = openApiDocument();
    long maxBody = options.maxBodyBytes();

    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.http.maxRequestSize = maxBody;
              config.http.defaultContentType = "application/json";
              config.jetty.host = options.bindAddress();
              config.jetty.port = options.port();
              config.jetty.modifyHttpConfiguration(
                  http -> http.setRequestHeaderSize(JettyProblems.REQUEST_HEADER_BYTES));
              config.jetty.modifyServer(server -> server.setErrorHandler(new JettyProblems()));
              config.routes.before(
                  ctx -> {
                    headers(ctx);
                    long length = ctx.req().getContentLengthLong();
                    if (length > maxBody) {
                      throw tooLarge(maxBody);
                    }
                    security.check(ctx);
                  });
              api.register(config.routes);
              pages.register(config.routes);
              config.routes.get("/assets/{library}/<path>", assets::serve);
              config.routes.get(
                  "/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
              config.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) -> problem(ctx, fromJavalin(e, ctx, maxBody)));
              config.routes.exception(
                  Exception.class, (e, ctx) -> problem(ctx, Errors.toProblem(e)));
            });
    try {
      app.start();
    } catch (RuntimeException e) {
      events.close();
      throw new IllegalStateException(
          "cannot listen on "
              + options.bindAddress()
              + ":"
              + options.port()
              + ": "
              + rootMessage(e),
          e);
    }
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kiwi-server-sampler");
              t.setDaemon(true);
              return t;
            });
    var sampling =
        scheduler.scheduleAtFixedRate(
            sampler::sample, 0, StatsSampler.INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    var expiring = scheduler.scheduleAtFixedRate(snapshots::expire, 1, 1, TimeUnit.SECONDS);
    // Both run until close() shuts the scheduler down; a task that throws would stop silently, so
    // sample() and expire() catch their own failures.
    Objects.requireNonNull(sampling);
    Objects.requireNonNull(expiring);
    KiwiServer server = new KiwiServer(app, options, events, load, snapshots, scheduler);
    LOG.info(
        "kiwi-server listening on {} ({}, auth {})",
        server.url(),
        engine.dataRoot(),
        options.token() == null ? "none (loopback)" : "bearer token");
    return server;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static void headers(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Content-Security-Policy", CSP);
    if (!ctx.path().startsWith("/assets/")) {
      ctx.header("Cache-Control", "no-store");
    }
  }

  private static ProblemException tooLarge(long maxBody) {
    return new ProblemException(
        413,
        "body-too-large",
        "Request body too large",
        "the request body is larger than the server's limit of " + maxBody + " bytes",
        "body");
  }

  private static ProblemException fromJavalin(HttpResponseException e, Context ctx, long maxBody) {
    int status = e.getStatus();
    if (status == 413) {
      return tooLarge(maxBody);
    }
    if (status == 404) {
      return ProblemException.notFound(
          "no-route", "no route for " + ctx.method().name() + " " + ctx.path(), null);
    }
    if (status == 405) {
      return new ProblemException(
          405,
          "method-not-allowed",
          "Method not allowed",
          ctx.method().name() + " is not allowed on " + ctx.path(),
          null);
    }
    return new ProblemException(status, "http-" + status, "HTTP " + status, e.getMessage(), null);
  }

  /**
   * Writes a problem: JSON for the API and everything else, an HTML box for dashboard fragments.
   */
  private static void problem(Context ctx, ProblemException p) {
    ctx.status(p.status());
    if (p.retryAfterSeconds() != null) {
      ctx.header("Retry-After", String.valueOf(p.retryAfterSeconds()));
    }
    if (ctx.path().startsWith("/ui/")) {
      ctx.contentType("text/html; charset=utf-8").result(Pages.problemBox(p));
      return;
    }
    ctx.contentType(ProblemException.MEDIA_TYPE).result(Json.write(p.toJson(ctx.path())));
  }

  private static byte[] openApiDocument() {
    try (InputStream in = KiwiServer.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from kiwi-server's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /** The server's base URL, e.g. {@code http://127.0.0.1:8081/}. */
  public String url() {
    String host = options.bindAddress();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port() + "/";
  }

  /**
   * For tests: every route as {@code "METHOD path"}, in Javalin's path syntax ({@code {id}}, {@code
   * <key>} for a key that may contain slashes).
   */
  public List<String> routes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
        .toList();
  }

  /**
   * Stops serving: stops a running load, ends the event streams, lets in-flight requests finish,
   * releases the scan snapshots. The engine stays open. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    load.close();
    events.close();
    scheduler.shutdownNow();
    try {
      app.stop();
    } finally {
      snapshots.close();
    }
    LOG.info("kiwi-server stopped");
  }
}
