package io.kiwidb.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kiwidb.api.Limits;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteOptions;
import io.kiwidb.server.CommandRunner;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON API under {@code /api}: one route per engine operation, each documented in {@code
 * /openapi.json} (a test checks both directions). Arguments are decoded and checked against the
 * engine's {@link Limits} before the engine is called, so a bad key never reaches it; failures
 * become RFC 9457 problem documents through {@link Errors}.
 *
 * <p>Thread safety: stateless apart from its collaborators, which are thread-safe.
 */
public final class RestApi {
  /**
   * Entries shown by {@code /api/mem/{id}} and {@code /api/disk/{id}} unless {@code limit} says.
   */
  public static final int DEFAULT_ENTRY_LIMIT = 1000;

  /** The most entries those routes return. */
  public static final int MAX_ENTRY_LIMIT = 100_000;

  /** The most operations one batch may hold. */
  public static final int MAX_BATCH_OPS = 100_000;

  private final StorageEngine engine;
  private final SnapshotLeases snapshots;
  private final StatsSampler sampler;
  private final EventHub events;
  private final LoadGenerator load;
  private final CommandRunner terminal;

  public RestApi(
      StorageEngine engine,
      SnapshotLeases snapshots,
      StatsSampler sampler,
      EventHub events,
      LoadGenerator load,
      CommandRunner terminal) {
    this.engine = engine;
    this.snapshots = snapshots;
    this.sampler = sampler;
    this.events = events;
    this.load = load;
    this.terminal = terminal;
  }

  /** Adds every API route. */
  public void register(RoutesConfig r) {
    r.get("/api/health", this::health);
    r.get("/api/kv/<key>", this::get);
    r.put("/api/kv/<key>", this::put);
    r.delete("/api/kv/<key>", this::delete);
    r.post("/api/batch", this::batch);
    r.get("/api/scan", this::scan);
    r.post("/api/snapshots", this::createSnapshot);
    r.delete("/api/snapshots/{id}", this::deleteSnapshot);
    r.post("/api/flush", this::flush);
    r.get("/api/stats", this::stats);
    r.get("/api/stats/history", this::statsHistory);
    r.get("/api/mem", this::memListing);
    r.get("/api/mem/{id}", this::memDetail);
    r.get("/api/disk", this::diskListing);
    r.get("/api/disk/{id}", this::diskDetail);
    r.get("/api/config", this::config);
    r.put("/api/config/{key}", this::updateConfig);
    r.get("/api/trace/<key>", this::trace);
    r.get("/api/compactions", this::compactions);
    r.get("/api/events", this::events);
    r.get("/api/load", ctx -> send(ctx, 200, load.status()));
    r.post("/api/load", this::startLoad);
    r.delete("/api/load", ctx -> send(ctx, 200, load.stop()));
    r.post("/api/terminal", this::terminal);
  }

  static void send(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }

  private static ObjectNode ok() {
    return Json.object().put("ok", true);
  }

  /** The key of a {@code /api/kv/<key>} style route, decoded and checked. */
  static byte[] pathKey(Context ctx, ByteEncoding enc) {
    byte[] key = enc.decode("key", ctx.pathParam("key"));
    return checkKey("key", key);
  }

  static byte[] checkKey(String field, byte[] key) {
    try {
      return Limits.checkKey(key);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(field, field + ": " + e.getMessage());
    }
  }

  static byte[] checkValue(String field, byte[] value) {
    try {
      return Limits.checkValue(value);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(field, field + ": " + e.getMessage());
    }
  }

  /** The JSON body of a request, which must say it is JSON. */
  static ObjectNode jsonBody(Context ctx) {
    String ct = ctx.contentType();
    if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ProblemException(
          415,
          "unsupported-media-type",
          "Unsupported media type",
          "the body must be JSON, sent with Content-Type: application/json (got "
              + (ct == null ? "none" : Text.clip(ct))
              + ")",
          "Content-Type");
    }
    return Json.parseObject(ctx.bodyAsBytes());
  }

  /** Rejects fields the route does not know, so a typo is not ignored. */
  static void onlyFields(ObjectNode body, String... names) {
    Set<String> ok = Set.of(names);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!ok.contains(f)) {
        throw ProblemException.badRequest(
            f,
            "unknown field \"" + Text.clip(f) + "\"; this body takes " + String.join(", ", names));
      }
    }
  }

  /** A required string field. */
  static String stringField(JsonNode body, String path, String name) {
    JsonNode n = body.get(name);
    if (n == null || n.isNull()) {
      throw ProblemException.badRequest(path, path + " is required");
    }
    if (!n.isTextual()) {
      throw ProblemException.badRequest(path, path + " must be a string, got " + Json.kind(n));
    }
    return n.textValue();
  }

  private void health(Context ctx) {
    Params.of(ctx);
    ObjectNode n = Json.object();
    n.put("status", "ok");
    n.put("data_root", engine.dataRoot().toAbsolutePath().normalize().toString());
    n.put("log_port", engine.logPort());
    n.put("log_relay", events.relayState());
    n.put("terminal", terminal != null);
    send(ctx, 200, n);
  }

  private void get(Context ctx) {
    ByteEncoding enc = Params.of(ctx, "encoding").encoding();
    byte[] key = pathKey(ctx, enc);
    Optional<byte[]> v = engine.get(key);
    if (v.isEmpty()) {
      throw ProblemException.notFound(
          "key-not-found", "key " + Text.clip(Text.display(key)) + " not found", "key");
    }
    ObjectNode n = Json.object();
    n.put("key", enc.encode("the key", key));
    n.put("value", enc.encode("the value of key " + Text.clip(Text.display(key)), v.get()));
    n.put("encoding", enc.wireName());
    send(ctx, 200, n);
  }

  /** The query parameters of a write route: the encoding and the per-write options. */
  private static final String[] WRITE_PARAMS = {"encoding", "sync", "disable_wal"};

  /**
   * The per-write options of a write route: {@code sync} ({@code true}: fsynced before the answer,
   * {@code false}: not waiting for an fsync, absent: as {@code wal_sync_mode} says) and {@code
   * disable_wal} (memtable only, until a flush). {@code sync=true} with {@code disable_wal=true} is
   * a 400: a write that skips the log has nothing to fsync.
   */
  static WriteOptions writeOptions(Params p) {
    WriteOptions.Sync sync =
        p.string("sync") == null
            ? WriteOptions.Sync.DEFAULT
            : p.bool("sync", false) ? WriteOptions.Sync.SYNC : WriteOptions.Sync.NO_SYNC;
    boolean disableWal = p.bool("disable_wal", false);
    if (disableWal && sync == WriteOptions.Sync.SYNC) {
      throw ProblemException.badRequest(
          "disable_wal",
          "disable_wal=true cannot be combined with sync=true: a write that skips the write-ahead"
              + " log has nothing to fsync (make it durable with POST /api/flush?wait=true)");
    }
    return new WriteOptions(sync, disableWal);
  }

  private void put(Context ctx) {
    Params p = Params.of(ctx, WRITE_PARAMS);
    ByteEncoding enc = p.encoding();
    WriteOptions options = writeOptions(p);
    byte[] key = pathKey(ctx, enc);
    ObjectNode body = jsonBody(ctx);
    onlyFields(body, "value");
    byte[] value = checkValue("value", enc.decode("value", stringField(body, "value", "value")));
    engine.put(key, value, options);
    send(ctx, 200, ok());
  }

  private void delete(Context ctx) {
    Params p = Params.of(ctx, WRITE_PARAMS);
    ByteEncoding enc = p.encoding();
    WriteOptions options = writeOptions(p);
    byte[] key = pathKey(ctx, enc);
    engine.delete(key, options);
    send(ctx, 200, ok());
  }

  private void batch(Context ctx) {
    Params p = Params.of(ctx, WRITE_PARAMS);
    ByteEncoding enc = p.encoding();
    WriteOptions options = writeOptions(p);
    ObjectNode body = jsonBody(ctx);
    onlyFields(body, "ops");
    JsonNode ops = body.get("ops");
    if (ops == null || !ops.isArray()) {
      throw ProblemException.badRequest(
          "ops", "ops must be an array of {op, key, value}, got " + Json.kind(ops));
    }
    if (ops.size() > MAX_BATCH_OPS) {
      throw ProblemException.badRequest(
          "ops", "a batch holds at most " + MAX_BATCH_OPS + " operations, got " + ops.size());
    }
    WriteBatch batch = new WriteBatch();
    int i = 0;
    for (JsonNode op : ops) {
      String at = "ops[" + i + "]";
      if (!op.isObject()) {
        throw ProblemException.badRequest(at, at + " must be an object, got " + Json.kind(op));
      }
      String kind = stringField(op, at + ".op", "op");
      byte[] key =
          checkKey(at + ".key", enc.decode(at + ".key", stringField(op, at + ".key", "key")));
      switch (kind) {
        case "put" -> {
          onlyFields((ObjectNode) op, "op", "key", "value");
          byte[] value =
              checkValue(
                  at + ".value",
                  enc.decode(at + ".value", stringField(op, at + ".value", "value")));
          try {
            batch.put(key, value);
          } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(at, at + ": " + e.getMessage());
          }
        }
        case "delete" -> {
          onlyFields((ObjectNode) op, "op", "key");
          batch.delete(key);
        }
        default ->
            throw ProblemException.badRequest(
                at + ".op", at + ".op must be put or delete, got \"" + Text.clip(kind) + "\"");
      }
      i++;
    }
    engine.write(batch, options);
    ObjectNode n = ok();
    n.put("count", batch.size());
    send(ctx, 200, n);
  }

  /** Reads the scan parameters shared by the API and the KV explorer. */
  static Scans.Request scanRequest(Params p, ByteEncoding enc) {
    return new Scans.Request(
        p.bytes("prefix", enc),
        p.bytes("from", enc),
        p.bytes("to", enc),
        p.bool("reverse", false),
        p.integer("limit", Scans.DEFAULT_LIMIT, 0, Scans.MAX_LIMIT),
        p.string("snapshot"),
        p.string("cursor"));
  }

  private void scan(Context ctx) {
    Params p =
        Params.of(
            ctx, "prefix", "from", "to", "reverse", "limit", "cursor", "snapshot", "encoding");
    ByteEncoding enc = p.encoding();
    Scans.Page page = Scans.page(engine, snapshots, scanRequest(p, enc));
    ObjectNode n = Json.object();
    n.put("encoding", enc.wireName());
    ArrayNode items = n.putArray("items");
    for (byte[][] kv : page.entries()) {
      ObjectNode e = items.addObject();
      e.put("key", enc.encode("a key", kv[0]));
      e.put("value", enc.encode("the value of key " + Text.clip(Text.display(kv[0])), kv[1]));
    }
    n.put("next_cursor", page.nextCursor());
    if (page.snapshotSequence() == null) {
      n.putNull("snapshot_sequence");
    } else {
      n.put("snapshot_sequence", page.snapshotSequence());
    }
    send(ctx, 200, n);
  }

  private void createSnapshot(Context ctx) {
    Params.of(ctx);
    SnapshotLeases.Created c = snapshots.create();
    ObjectNode n = Json.object();
    n.put("id", c.id());
    n.put("sequence", c.sequence());
    n.put("ttl_millis", c.ttlMillis());
    send(ctx, 201, n);
  }

  private void deleteSnapshot(Context ctx) {
    Params.of(ctx);
    String id = ctx.pathParam("id");
    if (!snapshots.release(id)) {
      throw ProblemException.notFound(
          "unknown-snapshot", "snapshot " + Text.clip(id) + " does not exist or has expired", "id");
    }
    send(ctx, 200, ok());
  }

  /**
   * {@code POST /api/flush}, with {@code wait=true}: answers once the frozen memtable and every
   * earlier one are in tables, so every write acknowledged before, {@code disable_wal} ones
   * included, is durable.
   */
  private void flush(Context ctx) {
    boolean wait = Params.of(ctx, "wait").bool("wait", false);
    ObjectNode n = Json.object().put("flushed", engine.flush(wait));
    if (wait) {
      n.put("waited", true);
    }
    send(ctx, 200, n);
  }

  private void stats(Context ctx) {
    Params.of(ctx);
    send(ctx, 200, EngineJson.stats(engine.stats(), engine.logPort()));
  }

  private void statsHistory(Context ctx) {
    Params.of(ctx);
    ObjectNode n = Json.object();
    n.put("interval_millis", StatsSampler.INTERVAL_MILLIS);
    n.set("samples", sampler.history());
    send(ctx, 200, n);
  }

  private void memListing(Context ctx) {
    Params.of(ctx);
    send(ctx, 200, EngineJson.memListing(engine.showMem()));
  }

  /** The id of a memtable route, with {@code active} standing for the active memtable's id. */
  static String memId(StorageEngine engine, String id) {
    return id.equals("active") ? engine.showMem().active().tableId() : id;
  }

  private void memDetail(Context ctx) {
    Params p = Params.of(ctx, "limit", "encoding");
    ByteEncoding enc = p.encoding();
    int limit = p.integer("limit", DEFAULT_ENTRY_LIMIT, 0, MAX_ENTRY_LIMIT);
    String id = ctx.pathParam("id");
    io.kiwidb.api.MemTableDetail d;
    try {
      d = engine.showMem(memId(engine, id));
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("unknown-memtable", e.getMessage(), "id");
    }
    send(ctx, 200, EngineJson.memDetail(d, limit, enc));
  }

  private void diskListing(Context ctx) {
    ByteEncoding enc = Params.of(ctx, "encoding").encoding();
    send(ctx, 200, EngineJson.diskListing(engine.showDisk(), enc));
  }

  private void diskDetail(Context ctx) {
    Params p = Params.of(ctx, "limit", "encoding");
    ByteEncoding enc = p.encoding();
    int limit = p.integer("limit", DEFAULT_ENTRY_LIMIT, 0, MAX_ENTRY_LIMIT);
    String id = ctx.pathParam("id");
    io.kiwidb.api.TableDetail d;
    try {
      d = engine.showDisk(id);
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("unknown-table", e.getMessage(), "id");
    }
    send(ctx, 200, EngineJson.tableDetail(d, limit, enc));
  }

  private void config(Context ctx) {
    Params.of(ctx);
    send(ctx, 200, Json.map(engine.config()));
  }

  private void updateConfig(Context ctx) {
    Params.of(ctx);
    String key = ctx.pathParam("key");
    ObjectNode body = jsonBody(ctx);
    onlyFields(body, "value");
    JsonNode v = body.get("value");
    Object value;
    if (v == null) {
      throw ProblemException.badRequest("value", "value is required");
    } else if (v.isTextual()) {
      value = v.textValue();
    } else if (v.isBoolean()) {
      value = v.booleanValue();
    } else if (v.isIntegralNumber()) {
      value = v.longValue();
    } else if (v.isNumber()) {
      value = v.doubleValue();
    } else {
      throw ProblemException.badRequest(
          "value", "value must be a number, string or boolean, got " + Json.kind(v));
    }
    send(ctx, 200, EngineJson.configChange(engine.updateConfig(key, value)));
  }

  private void trace(Context ctx) {
    ByteEncoding enc = Params.of(ctx, "encoding").encoding();
    byte[] key = pathKey(ctx, enc);
    send(ctx, 200, EngineJson.trace(engine.trace(key), enc));
  }

  private void compactions(Context ctx) {
    Params.of(ctx);
    send(ctx, 200, EngineJson.compactions(engine.compactions()));
  }

  static Set<EventHub.Topic> topics(Context ctx) {
    Params p = Params.of(ctx, "topics");
    String t = p.string("topics");
    if (t == null) {
      return EnumSet.allOf(EventHub.Topic.class);
    }
    Set<EventHub.Topic> out = EnumSet.noneOf(EventHub.Topic.class);
    for (String s : t.split(",")) {
      switch (s.strip()) {
        case "log" -> out.add(EventHub.Topic.LOG);
        case "stats" -> out.add(EventHub.Topic.STATS);
        default ->
            throw ProblemException.badRequest(
                "topics",
                "topics is a comma-separated list of log and stats, got \"" + Text.clip(t) + "\"");
      }
    }
    return out;
  }

  /**
   * The event stream. Parameters and capacity are checked before the stream starts, so a refusal is
   * a real 4xx/503 problem rather than an event stream that ends at once.
   */
  private void events(Context ctx) throws Exception {
    Set<EventHub.Topic> topics = topics(ctx);
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw new ProblemException(
          406,
          "not-acceptable",
          "Not acceptable",
          "this route is a server-sent event stream: send Accept: text/event-stream",
          "Accept");
    }
    events.reserve();
    new io.javalin.http.sse.SseHandler(0, client -> events.attach(client, topics)).handle(ctx);
  }

  private void startLoad(Context ctx) {
    Params.of(ctx);
    ObjectNode body = jsonBody(ctx);
    onlyFields(
        body,
        "operations",
        "duration_seconds",
        "threads",
        "value_bytes",
        "read_fraction",
        "key_space",
        "key_prefix",
        "seed");
    LoadGenerator.Spec spec = LoadGenerator.spec(name -> scalar(body, name));
    send(ctx, 202, load.start(spec));
  }

  /** A scalar body field as text (numbers and strings), or {@code null}; anything else is a 400. */
  static String scalar(ObjectNode body, String name) {
    JsonNode n = body.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isNumber() || n.isTextual()) {
      return n.asText();
    }
    throw ProblemException.badRequest(name, name + " must be a number, got " + Json.kind(n));
  }

  /** Runs a web terminal line; shared with the dashboard's terminal page. */
  static CommandRunner.Result runLine(CommandRunner terminal, String line) {
    if (terminal == null) {
      throw new ProblemException(
          503,
          "terminal-disabled",
          "Web terminal disabled",
          "this server was started without a web terminal (kiwi serve provides one)",
          null);
    }
    if (line.length() > CommandRunner.MAX_LINE_CHARS) {
      throw ProblemException.badRequest(
          "line", "line must be at most " + CommandRunner.MAX_LINE_CHARS + " characters");
    }
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      throw ProblemException.badRequest("line", "line must be one line (no line breaks)");
    }
    return terminal.run(line);
  }

  private void terminal(Context ctx) {
    Params.of(ctx);
    ObjectNode body = jsonBody(ctx);
    onlyFields(body, "line");
    CommandRunner.Result r = runLine(terminal, stringField(body, "line", "line"));
    ObjectNode n = Json.object();
    n.put("exit_code", r.exitCode());
    n.put("output", r.output());
    n.put("errors", r.errors());
    send(ctx, 200, n);
  }
}
