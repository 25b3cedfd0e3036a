package io.kiwidb.cli;

import io.kiwidb.api.StorageEngine;
import io.kiwidb.server.KiwiServer;
import io.kiwidb.server.ServerOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiwi serve}: opens the store and serves it over HTTP (REST API, OpenAPI document, web
 * dashboard with a terminal that runs the shell's commands) until SIGTERM or Ctrl-C.
 *
 * <p>Shutdown order, in one shutdown hook: the server stops first (a running load stops, event
 * streams end, in-flight requests finish), then the engine closes (flush pipeline drained, WAL
 * synced). A write the server acknowledged was already in the WAL, so nothing acknowledged is lost
 * even when the process is stopped mid-load.
 *
 * <p>Thread safety: one command, one thread; the hook runs on the JVM's shutdown thread.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves the store over HTTP: the REST API (/api, described by /openapi.json), the web"
          + " dashboard and its terminal, until SIGTERM or Ctrl-C.",
      "Listens on 127.0.0.1 unless --bind says otherwise; any other address needs --token, which"
          + " every request must then send as 'Authorization: Bearer <token>'. See docs/server.md."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "<port>",
      defaultValue = "8081",
      description = "The TCP port (default: ${DEFAULT-VALUE}; 0 for any free port).")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "<address>",
      defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--token",
      paramLabel = "<token>",
      description = {
        "The bearer token every request must carry (at least 16 characters). Required for any"
            + " --bind that is not loopback.",
        "Default: the KIWI_TOKEN environment variable, which keeps it out of the process list."
      })
  String token;

  @Option(
      names = "--max-body",
      paramLabel = "<bytes>",
      defaultValue = "25165824",
      description = "The largest request body accepted (default: ${DEFAULT-VALUE}, 24 MiB).")
  long maxBody;

  @Override
  public Integer call() throws Exception {
    String t = token != null ? token : System.getenv("KIWI_TOKEN");
    if (t != null && t.isEmpty()) {
      t = null;
    }
    // Check the options before the store is opened: a typo never creates a data directory.
    ServerOptions options =
        ServerOptions.defaults()
            .withBindAddress(bind)
            .withPort(port)
            .withToken(t)
            .withMaxBodyBytes(maxBody);
    if (!options.isLoopback() && options.token() == null) {
      throw new IllegalArgumentException(
          "--bind "
              + bind
              + " is not a loopback address: give --token (or KIWI_TOKEN) so that every request"
              + " must authenticate");
    }
    KiwiCommand root = (KiwiCommand) spec.root().userObject();
    StorageEngine engine = root.open(EngineHost.Access.WRITE, true);
    KiwiServer server;
    try {
      server = KiwiServer.start(engine, options.withTerminal(new WebTerminal(engine)));
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } finally {
                    engine.close();
                    stopped.countDown();
                  }
                },
                "kiwi-serve-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "kiwi serve: listening on "
            + server.url()
            + " (data "
            + engine.dataRoot().toAbsolutePath().normalize()
            + ", "
            + (options.token() == null ? "no token" : "bearer token required")
            + "); SIGTERM or Ctrl-C stops");
    out.flush();
    // The shutdown hook does the work; this thread only waits so the program keeps running.
    stopped.await();
    return ExitCodes.OK;
  }
}
