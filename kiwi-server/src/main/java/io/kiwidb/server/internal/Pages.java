package io.kiwidb.server.internal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kiwidb.api.CompactionActivity;
import io.kiwidb.api.CompactionInfo;
import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EngineCounters;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.EntryView;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.TableSummary;
import io.kiwidb.server.CommandRunner;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard: server-rendered pages, and the HTML fragments under {@code /ui/} that htmx swaps
 * into them. Pages hold no data of their own beyond the first render; every live part polls a
 * fragment or listens to {@code /api/events}. The fragments call the engine the way the JSON API
 * does (same decoding, same limits, same errors), so the two cannot disagree; a failure renders as
 * an HTML problem box with the problem's status.
 *
 * <p>Thread safety: stateless apart from its thread-safe collaborators.
 */
public final class Pages {
  /** The pages, in navigation order: path, title. */
  static final String[][] NAV = {
    {"/", "Overview"},
    {"/kv", "KV explorer"},
    {"/memtables", "Memtables"},
    {"/sstables", "SSTables"},
    {"/compactions", "Compactions"},
    {"/logs", "Logs"},
    {"/trace", "Trace"},
    {"/load", "Load"},
    {"/terminal", "Terminal"},
    {"/docs", "API"},
  };

  /** The htmx settings: swap error responses too (they carry the problem box), no eval. */
  private static final String HTMX_CONFIG =
      "{\"allowEval\":false,\"includeIndicatorStyles\":false,\"historyCacheSize\":0,"
          + "\"responseHandling\":[{\"code\":\"204\",\"swap\":false},"
          + "{\"code\":\"[2345]..\",\"swap\":true}]}";

  private final StorageEngine engine;
  private final SnapshotLeases snapshots;
  private final LoadGenerator load;
  private final CommandRunner terminal;
  private final Security security;

  public Pages(
      StorageEngine engine,
      SnapshotLeases snapshots,
      LoadGenerator load,
      CommandRunner terminal,
      Security security) {
    this.engine = engine;
    this.snapshots = snapshots;
    this.load = load;
    this.terminal = terminal;
    this.security = security;
  }

  /** Adds the pages and fragments. */
  public void register(RoutesConfig r) {
    r.get("/", ctx -> page(ctx, "/", overview()));
    r.get("/kv", ctx -> page(ctx, "/kv", kvPage()));
    r.get("/memtables", ctx -> page(ctx, "/memtables", memPage()));
    r.get("/sstables", ctx -> page(ctx, "/sstables", diskPage()));
    r.get("/compactions", ctx -> page(ctx, "/compactions", compactionsPage()));
    r.get("/logs", ctx -> page(ctx, "/logs", logsPage()));
    r.get("/trace", ctx -> page(ctx, "/trace", tracePage()));
    r.get("/load", ctx -> page(ctx, "/load", loadPage()));
    r.get("/terminal", ctx -> page(ctx, "/terminal", terminalPage()));
    r.get("/docs", ctx -> page(ctx, "/docs", docsPage()));
    r.get("/login", this::loginPage);
    r.post("/login", this::login);
    r.post("/logout", this::logout);

    r.get("/ui/overview/cards", ctx -> fragment(ctx, cards()));
    r.get("/ui/kv/get", this::kvGet);
    r.post("/ui/kv/put", this::kvPut);
    r.post("/ui/kv/delete", this::kvDelete);
    r.get("/ui/kv/scan", this::kvScan);
    r.get("/ui/mem", ctx -> fragment(ctx, memListing(engine.showMem())));
    r.get("/ui/mem/{id}", this::memDetail);
    r.get("/ui/disk", ctx -> fragment(ctx, diskListing(engine.showDisk())));
    r.get("/ui/disk/{id}", this::diskDetail);
    r.post("/ui/flush", this::flush);
    r.get("/ui/compactions", ctx -> fragment(ctx, compactions()));
    r.get("/ui/trace", this::trace);
    r.post("/ui/load", this::startLoad);
    r.get("/ui/load/status", ctx -> fragment(ctx, loadStatus()));
    r.post("/ui/terminal", this::runTerminal);
  }

  // ---------------------------------------------------------------- layout

  private void page(Context ctx, String path, String body) {
    Params.of(ctx);
    String title = "kiwi-db";
    for (String[] n : NAV) {
      if (n[0].equals(path)) {
        title = n[1] + " · kiwi-db";
      }
    }
    ctx.html(layout(path, title, body, true));
  }

  private String layout(String path, String title, String body, boolean nav) {
    Html h = new Html();
    h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>")
        .text(title)
        .raw("</title>")
        .raw("<meta name=\"htmx-config\" content=\"")
        .text(HTMX_CONFIG)
        .raw("\">")
        .raw("<link rel=\"icon\" href=\"/assets/kiwi/kiwi.svg\">")
        .raw("<link rel=\"stylesheet\" href=\"/assets/kiwi/kiwi.css\">")
        .raw("<script src=\"/assets/htmx/htmx.min.js\" defer></script>")
        .raw("<script src=\"/assets/kiwi/kiwi.js\" defer></script>")
        .raw("</head><body data-page=\"")
        .text(path)
        .raw("\"><header><a class=\"brand\" href=\"/\">kiwi-db</a>");
    if (nav) {
      h.raw("<nav>");
      for (String[] n : NAV) {
        h.raw("<a href=\"").text(n[0]).raw("\"").raw(n[0].equals(path) ? " class=\"active\"" : "");
        h.raw(">").text(n[1]).raw("</a>");
      }
      h.raw("</nav><span class=\"dataroot\" title=\"data directory\">")
          .text(engine.dataRoot().toAbsolutePath().normalize())
          .raw("</span>");
      if (security.tokenRequired()) {
        h.raw(
            "<form method=\"post\" action=\"/logout\" class=\"logout\"><button>Sign out</button></form>");
      }
    }
    h.raw("</header><main id=\"main\">").raw(body).raw("</main></body></html>");
    return h.toString();
  }

  private static void fragment(Context ctx, String html) {
    ctx.html(html);
  }

  /** The HTML form of a problem, for fragments. */
  public static String problemBox(ProblemException p) {
    Html h = new Html();
    h.raw("<div class=\"problem\" role=\"alert\" data-status=\"")
        .text(p.status())
        .raw("\" data-field=\"")
        .text(p.field() == null ? "" : p.field())
        .raw("\"><strong>")
        .text(p.status() + " " + p.title())
        .raw("</strong>: ")
        .text(p.getMessage())
        .raw("</div>");
    return h.toString();
  }

  private static String select(String name, String... options) {
    Html h = new Html().raw("<select name=\"").text(name).raw("\">");
    for (String o : options) {
      h.raw("<option>").text(o).raw("</option>");
    }
    return h.raw("</select>").toString();
  }

  private static String encodingSelect() {
    return "<label>encoding " + select("encoding", "utf8", "base64") + "</label>";
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  // ---------------------------------------------------------------- overview

  private String overview() {
    return "<h1>Overview</h1>"
        + "<section id=\"cards\" hx-get=\"/ui/overview/cards\" hx-trigger=\"load, every 2s\">"
        + cards()
        + "</section>"
        + "<section class=\"charts\" id=\"charts\">"
        + chart("chart-ops", "Operations / s", "writes_per_sec:writes/s,reads_per_sec:reads/s")
        + chart("chart-cache", "Block cache hit rate", "cache_hit_rate:hit rate")
        + chart("chart-stall", "Write stall (ms / s)", "stall_millis_per_sec:stall ms/s")
        + chart(
            "chart-wa",
            "Write amplification",
            "write_amplification:since open,write_amplification_interval:last second")
        + chart(
            "chart-mem",
            "Memtable fill and queue",
            "memtable_fill:active fill,immutable_queue_len:immutable queue")
        + chart("chart-l0", "L0 files", "l0_files:L0 files")
        + "</section>"
        + "<p class=\"hint\" id=\"chart-status\">Charts update every second from /api/events.</p>"
        + "<script src=\"/assets/uplot/uPlot.iife.min.js\" defer></script>"
        + "<link rel=\"stylesheet\" href=\"/assets/uplot/uPlot.min.css\">"
        + "<script src=\"/assets/kiwi/charts.js\" defer></script>";
  }

  private static String chart(String id, String title, String series) {
    return new Html()
        .raw("<figure class=\"chart\"><figcaption>")
        .text(title)
        .raw("</figcaption><div id=\"")
        .text(id)
        .raw("\" class=\"chart-box\" data-series=\"")
        .text(series)
        .raw("\" data-points=\"0\"></div></figure>")
        .toString();
  }

  private String cards() {
    EngineStats s = engine.stats();
    EngineCounters c = s.counters();
    Html h = new Html().raw("<div class=\"cards\">");
    card(h, "sequence", s.seq());
    card(h, "keys (estimate)", s.estimatedKeyCount());
    card(h, "active entries", s.keyCount());
    card(h, "active size", bytes(s.activeSizeBytes()));
    card(h, "immutable queue", s.immutableQueueLen());
    card(h, "L0 files", s.l0SstableCount());
    card(h, "writes", c.writes());
    card(h, "reads", c.reads());
    card(h, "flushes", c.flushes());
    card(h, "compactions", c.compactions());
    card(
        h,
        "write amplification",
        String.format(java.util.Locale.ROOT, "%.2f", c.writeAmplification()));
    card(h, "log port", engine.logPort());
    h.raw("</div><p class=\"hint impls\">");
    s.implementations().forEach((k, v) -> h.text(k + " = " + v + "  "));
    return h.raw("</p>").toString();
  }

  private static void card(Html h, String label, Object value) {
    h.raw("<div class=\"card\"><div class=\"card-value\">")
        .text(value)
        .raw("</div><div class=\"card-label\">")
        .text(label)
        .raw("</div></div>");
  }

  // ---------------------------------------------------------------- KV explorer

  private String kvPage() {
    String enc = encodingSelect();
    return "<h1>KV explorer</h1><div class=\"grid2\">"
        + "<form id=\"kv-get\" hx-get=\"/ui/kv/get\" hx-target=\"#kv-result\"><h2>Get</h2>"
        + "<input name=\"key\" placeholder=\"key\" required>"
        + enc
        + "<button>Get</button></form>"
        + "<form id=\"kv-put\" hx-post=\"/ui/kv/put\" hx-target=\"#kv-result\"><h2>Put</h2>"
        + "<input name=\"key\" placeholder=\"key\" required><input name=\"value\" placeholder=\"value\">"
        + enc
        + "<button>Put</button></form>"
        + "<form id=\"kv-delete\" hx-post=\"/ui/kv/delete\" hx-target=\"#kv-result\"><h2>Delete</h2>"
        + "<input name=\"key\" placeholder=\"key\" required>"
        + enc
        + "<button>Delete</button></form>"
        + "<form id=\"kv-scan\" hx-get=\"/ui/kv/scan\" hx-target=\"#scan-result\"><h2>Prefix scan</h2>"
        + "<input name=\"prefix\" placeholder=\"prefix (empty: all keys)\">"
        + "<label>page <input name=\"limit\" type=\"number\" value=\"20\" min=\"1\" max=\"1000\"></label>"
        + "<label><input type=\"checkbox\" name=\"reverse\" value=\"true\"> reverse</label>"
        + enc
        + "<button>Scan</button></form></div>"
        + "<div id=\"kv-result\" class=\"result\" aria-live=\"polite\"></div>"
        + "<div id=\"scan-result\" class=\"result\"></div>";
  }

  /** Form fields of a fragment request, read like query parameters (unknown ones refused). */
  private static Map<String, String> form(Context ctx, String... allowed) {
    Map<String, java.util.List<String>> m = ctx.formParamMap();
    java.util.Set<String> ok = java.util.Set.of(allowed);
    Map<String, String> out = new java.util.HashMap<>();
    m.forEach(
        (k, v) -> {
          if (!ok.contains(k)) {
            throw ProblemException.badRequest(k, "unknown field \"" + Text.clip(k) + "\"");
          }
          out.put(k, v.isEmpty() ? null : v.get(0));
        });
    return out;
  }

  private static String required(Map<String, String> f, String name) {
    String v = f.get(name);
    if (v == null || v.isEmpty()) {
      throw ProblemException.badRequest(name, name + " is required");
    }
    return v;
  }

  private void kvGet(Context ctx) {
    Params p = Params.of(ctx, "key", "encoding");
    ByteEncoding enc = p.encoding();
    String k = p.string("key");
    if (k == null || k.isEmpty()) {
      throw ProblemException.badRequest("key", "key is required");
    }
    byte[] key = RestApi.checkKey("key", enc.decode("key", k));
    Optional<byte[]> v = engine.get(key);
    Html h = new Html();
    if (v.isEmpty()) {
      h.raw("<div class=\"notice\" data-found=\"false\">key <code>")
          .text(Text.display(key))
          .raw("</code> not found</div>");
    } else {
      h.raw("<div class=\"notice ok\" data-found=\"true\"><code class=\"k\">")
          .text(Text.display(key))
          .raw("</code> = <code class=\"v\" id=\"kv-value\">")
          .text(enc == ByteEncoding.BASE64 ? enc.encode("value", v.get()) : Text.display(v.get()))
          .raw("</code></div>");
    }
    fragment(ctx, h.toString());
  }

  private void kvPut(Context ctx) {
    Params.of(ctx);
    Map<String, String> f = form(ctx, "key", "value", "encoding");
    ByteEncoding enc = ByteEncoding.parse("encoding", f.get("encoding"));
    byte[] key = RestApi.checkKey("key", enc.decode("key", required(f, "key")));
    String vt = f.get("value") == null ? "" : f.get("value");
    byte[] value = RestApi.checkValue("value", enc.decode("value", vt));
    engine.put(key, value);
    fragment(
        ctx,
        new Html()
            .raw("<div class=\"notice ok\" data-written=\"true\">put <code>")
            .text(Text.display(key))
            .raw("</code> (")
            .text(value.length)
            .raw(" bytes): OK</div>")
            .toString());
  }

  private void kvDelete(Context ctx) {
    Params.of(ctx);
    Map<String, String> f = form(ctx, "key", "encoding");
    ByteEncoding enc = ByteEncoding.parse("encoding", f.get("encoding"));
    byte[] key = RestApi.checkKey("key", enc.decode("key", required(f, "key")));
    engine.delete(key);
    fragment(
        ctx,
        new Html()
            .raw("<div class=\"notice ok\">deleted <code>")
            .text(Text.display(key))
            .raw("</code></div>")
            .toString());
  }

  private void kvScan(Context ctx) {
    Params p =
        Params.of(
            ctx, "prefix", "from", "to", "reverse", "limit", "cursor", "snapshot", "encoding");
    ByteEncoding enc = p.encoding();
    Scans.Request req = RestApi.scanRequest(p, enc);
    if (req.prefix() != null && req.prefix().length == 0) {
      req =
          new Scans.Request(
              null,
              req.from(),
              req.to(),
              req.reverse(),
              req.limit(),
              req.snapshotId(),
              req.cursor());
    }
    Scans.Page page = Scans.page(engine, snapshots, req);
    Html h = new Html();
    h.raw("<table class=\"scan\"><thead><tr><th>key</th><th>value</th></tr></thead><tbody>");
    for (byte[][] kv : page.entries()) {
      h.raw("<tr><td class=\"k\">")
          .text(enc == ByteEncoding.BASE64 ? enc.encode("key", kv[0]) : Text.display(kv[0]))
          .raw("</td><td class=\"v\">")
          .text(
              enc == ByteEncoding.BASE64
                  ? enc.encode("value", kv[1])
                  : Text.clip(Text.display(kv[1])))
          .raw("</td></tr>");
    }
    h.raw("</tbody></table><p class=\"hint\">")
        .text(page.entries().size() + (page.entries().size() == 1 ? " key" : " keys"))
        .raw(page.nextCursor() == null ? " (end)" : "")
        .raw("</p>");
    if (page.nextCursor() != null) {
      StringBuilder q = new StringBuilder("/ui/kv/scan?cursor=").append(url(page.nextCursor()));
      String[] keep = {"prefix", "from", "to", "reverse", "limit", "snapshot", "encoding"};
      for (String k : keep) {
        String v = p.string(k);
        if (v != null && !(k.equals("prefix") && v.isEmpty())) {
          q.append('&').append(k).append('=').append(url(v));
        }
      }
      h.raw("<button id=\"scan-next\" hx-get=\"")
          .text(q)
          .raw("\" hx-target=\"#scan-result\">Next page</button>");
    }
    fragment(ctx, h.toString());
  }

  private static String url(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- memtables

  private String memPage() {
    return "<h1>Memtables</h1>"
        + "<div id=\"mem\" hx-get=\"/ui/mem\" hx-trigger=\"load, every 2s\"></div>"
        + "<h2>Entries</h2><div id=\"mem-detail\" class=\"result\">"
        + "<p class=\"hint\">Choose a memtable to list its entries.</p></div>";
  }

  private String memListing(MemListing l) {
    Html h = new Html();
    long bytes = l.active().sizeBytes();
    long entries = l.active().entryCount();
    for (MemTableSummary m : l.immutable()) {
      bytes += m.sizeBytes();
      entries += m.entryCount();
    }
    h.raw("<p>")
        .text(
            "1 active + "
                + l.immutable().size()
                + " immutable awaiting flush; "
                + entries
                + " entries, "
                + bytes(bytes)
                + " in all")
        .raw("</p>");
    h.raw(
        "<table class=\"mem\"><thead><tr><th>role</th><th>table id</th><th>snapshot id</th>"
            + "<th>entries</th><th>size</th><th>seq range</th><th>created</th><th></th></tr></thead><tbody>");
    memRow(h, "active", l.active());
    for (MemTableSummary m : l.immutable()) {
      memRow(h, "immutable", m);
    }
    return h.raw("</tbody></table>").toString();
  }

  private static void memRow(Html h, String role, MemTableSummary m) {
    h.raw("<tr data-role=\"")
        .text(role)
        .raw("\"><td>")
        .text(role)
        .raw("</td><td><code>")
        .text(m.tableId())
        .raw("</code></td><td>")
        .text(m.snapshotId() == null ? "-" : m.snapshotId())
        .raw("</td><td class=\"num\">")
        .text(m.entryCount())
        .raw("</td><td class=\"num\">")
        .text(bytes(m.sizeBytes()))
        .raw("</td><td>")
        .text(m.entryCount() == 0 ? "-" : m.minSeq() + "–" + m.maxSeq())
        .raw("</td><td>")
        .text(Instant.ofEpochMilli(m.createdAtMillis()))
        .raw("</td><td><button hx-get=\"/ui/mem/")
        .text(m.tableId())
        .raw("\" hx-target=\"#mem-detail\">entries</button></td></tr>");
  }

  private void memDetail(Context ctx) {
    Params.of(ctx);
    MemTableDetail d;
    try {
      d = engine.showMem(RestApi.memId(engine, ctx.pathParam("id")));
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("unknown-memtable", e.getMessage(), "id");
    }
    Html h =
        new Html()
            .raw("<p>")
            .text(d.type() + " memtable " + d.tableId() + ": " + d.entries().size() + " entries")
            .raw("</p>");
    entryTable(h, d.entries());
    fragment(ctx, h.toString());
  }

  private static void entryTable(Html h, List<EntryView> entries) {
    int shown = Math.min(entries.size(), RestApi.DEFAULT_ENTRY_LIMIT);
    h.raw(
        "<table class=\"entries\"><thead><tr><th>key</th><th>seq</th><th>op</th><th>value</th></tr></thead><tbody>");
    for (EntryView e : entries.subList(0, shown)) {
      h.raw("<tr><td class=\"k\">")
          .text(Text.display(e.key()))
          .raw("</td><td class=\"num\">")
          .text(e.seq())
          .raw("</td><td>")
          .text(e.op())
          .raw("</td><td class=\"v\">")
          .text(e.value() == null ? "" : Text.clip(Text.display(e.value())))
          .raw("</td></tr>");
    }
    h.raw("</tbody></table>");
    if (shown < entries.size()) {
      h.raw("<p class=\"hint\">")
          .text(
              "first " + shown + " of " + entries.size() + " shown; the API (?limit=) returns more")
          .raw("</p>");
    }
  }

  // ---------------------------------------------------------------- SSTables

  private String diskPage() {
    return "<h1>SSTables</h1>"
        + "<form id=\"flush-form\" hx-post=\"/ui/flush\" hx-target=\"#flush-result\">"
        + "<button id=\"flush\">Flush the active memtable</button></form>"
        + "<div id=\"flush-result\" class=\"result\"></div>"
        + "<div id=\"disk\" hx-get=\"/ui/disk\" hx-trigger=\"load, every 2s, flushed from:body delay:300ms\"></div>"
        + "<h2>File</h2><div id=\"disk-detail\" class=\"result\">"
        + "<p class=\"hint\">Choose a file to list its entries.</p></div>";
  }

  private void flush(Context ctx) {
    Params.of(ctx);
    boolean queued = engine.flush();
    ctx.header("HX-Trigger", "flushed");
    fragment(
        ctx,
        "<div class=\"notice ok\" data-flushed=\""
            + queued
            + "\">"
            + (queued
                ? "flush queued: the active memtable is frozen and will be written to L0"
                : "nothing to flush: the active memtable is empty")
            + "</div>");
  }

  private String diskListing(DiskListing l) {
    Html h = new Html();
    long max = 1;
    for (List<TableSummary> files : l.levels().values()) {
      for (TableSummary t : files) {
        max = Math.max(max, t.sizeBytes());
      }
    }
    h.raw("<div class=\"levels\" aria-label=\"levels\">");
    for (Map.Entry<String, List<TableSummary>> e : l.levels().entrySet()) {
      long total = e.getValue().stream().mapToLong(TableSummary::sizeBytes).sum();
      h.raw("<div class=\"level\" data-level=\"")
          .text(e.getKey())
          .raw("\" data-files=\"")
          .text(e.getValue().size())
          .raw("\"><div class=\"level-name\">")
          .text(e.getKey())
          .raw("<small>")
          .text(plural(e.getValue().size(), "file") + ", " + bytes(total))
          .raw("</small></div><div class=\"files\">");
      for (TableSummary t : e.getValue()) {
        int width = (int) Math.max(24, Math.round(160.0 * t.sizeBytes() / max));
        h.raw("<span class=\"file\" style=\"width:")
            .text(width)
            .raw("px\" title=\"")
            .text(
                t.fileId()
                    + ": "
                    + Text.display(t.smallestKey())
                    + " … "
                    + Text.display(t.largestKey())
                    + ", "
                    + bytes(t.sizeBytes()))
            .raw("\">")
            .text(t.fileId())
            .raw("</span>");
      }
      h.raw("</div></div>");
    }
    h.raw("</div>");
    h.raw(
        "<table class=\"tables\"><thead><tr><th>level</th><th>file</th><th>smallest key</th>"
            + "<th>largest key</th><th>size</th><th>entries</th><th>tombstones</th><th>seq range</th>"
            + "<th>filter</th><th>compression</th><th></th></tr></thead><tbody>");
    for (Map.Entry<String, List<TableSummary>> e : l.levels().entrySet()) {
      for (TableSummary t : e.getValue()) {
        h.raw("<tr data-file-id=\"")
            .text(t.fileId())
            .raw("\" data-level=\"")
            .text(e.getKey())
            .raw("\"><td>")
            .text(e.getKey())
            .raw("</td><td><code>")
            .text(t.fileId())
            .raw("</code></td><td class=\"k\">")
            .text(Text.clip(Text.display(t.smallestKey())))
            .raw("</td><td class=\"k\">")
            .text(Text.clip(Text.display(t.largestKey())))
            .raw("</td><td class=\"num\">")
            .text(bytes(t.sizeBytes()))
            .raw("</td><td class=\"num\">")
            .text(t.recordCount())
            .raw("</td><td class=\"num\">")
            .text(t.tombstoneCount())
            .raw("</td><td>")
            .text(t.minSeq() + "–" + t.maxSeq())
            .raw("</td><td>")
            .text(t.filterPolicy())
            .raw("</td><td>")
            .text(t.compression())
            .raw("</td><td><button hx-get=\"/ui/disk/")
            .text(t.fileId())
            .raw("\" hx-target=\"#disk-detail\">entries</button></td></tr>");
      }
    }
    return h.raw("</tbody></table>").toString();
  }

  private void diskDetail(Context ctx) {
    Params.of(ctx);
    TableDetail d;
    try {
      d = engine.showDisk(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ProblemException.notFound("unknown-table", e.getMessage(), "id");
    }
    TableSummary t = d.summary();
    Html h =
        new Html()
            .raw("<p>")
            .text(
                "file "
                    + t.fileId()
                    + " in L"
                    + t.level()
                    + ": "
                    + t.recordCount()
                    + " entries, "
                    + bytes(t.sizeBytes())
                    + ", filter "
                    + t.filterPolicy()
                    + ", compression "
                    + t.compression())
            .raw("</p>");
    entryTable(h, d.entries());
    fragment(ctx, h.toString());
  }

  // ---------------------------------------------------------------- compactions

  private String compactionsPage() {
    return "<h1>Compactions</h1>"
        + "<div id=\"compactions\" hx-get=\"/ui/compactions\" hx-trigger=\"load, every 2s\"></div>";
  }

  private String compactions() {
    EngineStats s = engine.stats();
    EngineCounters c = s.counters();
    CompactionActivity a = engine.compactions();
    Html h = new Html().raw("<div class=\"cards\">");
    card(h, "running now", a.running().size());
    card(h, "compactions done", c.compactions());
    card(h, "bytes written by compaction", bytes(c.bytesCompacted()));
    card(h, "bytes written by flushes", bytes(c.bytesFlushed()));
    card(
        h,
        "write amplification",
        String.format(java.util.Locale.ROOT, "%.2f", c.writeAmplification()));
    card(h, "L0 files", s.l0SstableCount());
    h.raw("</div><h2>Running</h2>");
    compactionTable(h, a.running(), "running");
    h.raw("<h2>Recent</h2>");
    compactionTable(h, a.recent(), "recent");
    h.raw(
        "<h2>Levels</h2><table class=\"levels-summary\"><thead><tr><th>level</th><th>files</th>"
            + "<th>bytes</th></tr></thead><tbody>");
    for (Map.Entry<String, List<TableSummary>> e : engine.showDisk().levels().entrySet()) {
      h.raw("<tr><td>")
          .text(e.getKey())
          .raw("</td><td class=\"num\">")
          .text(e.getValue().size())
          .raw("</td><td class=\"num\">")
          .text(bytes(e.getValue().stream().mapToLong(TableSummary::sizeBytes).sum()))
          .raw("</td></tr>");
    }
    return h.raw("</tbody></table>").toString();
  }

  private static void compactionTable(Html h, List<CompactionInfo> list, String id) {
    if (list.isEmpty()) {
      h.raw("<p class=\"hint\" id=\"compactions-").text(id).raw("-none\">none</p>");
      return;
    }
    h.raw("<table class=\"compactions\" id=\"compactions-")
        .text(id)
        .raw(
            "\"><thead><tr><th>#</th><th>strategy</th><th>reason</th><th>inputs</th>"
                + "<th>to</th><th>bytes in</th><th>bytes out</th><th>outputs</th><th>started</th>"
                + "<th>duration</th><th>result</th></tr></thead><tbody>");
    for (CompactionInfo c : list) {
      h.raw("<tr><td class=\"num\">")
          .text(c.id())
          .raw("</td><td>")
          .text(c.strategy())
          .raw("</td><td>")
          .text(c.reason())
          .raw("</td><td><code>")
          .text(String.join(" ", c.inputFiles()))
          .raw("</code></td><td>L")
          .text(c.outputLevel())
          .raw("</td><td class=\"num\">")
          .text(bytes(c.inputBytes()))
          .raw("</td><td class=\"num\">")
          .text(bytes(c.outputBytes()))
          .raw("</td><td><code>")
          .text(String.join(" ", c.outputFiles()))
          .raw("</code></td><td>")
          .text(c.started())
          .raw("</td><td class=\"num\">")
          .text(c.duration() == null ? "running" : c.duration().toMillis() + " ms")
          .raw("</td><td>")
          .text(
              c.error() != null
                  ? "failed: " + c.error()
                  : c.running() ? "…" : c.trivialMove() ? "moved" : "ok")
          .raw("</td></tr>");
    }
    h.raw("</tbody></table>");
  }

  // ---------------------------------------------------------------- logs

  private String logsPage() {
    return "<h1>Logs</h1><div class=\"toolbar\">"
        + "<label>level <select id=\"log-level\"><option value=\"TRACE\">all</option>"
        + "<option value=\"DEBUG\">DEBUG and above</option>"
        + "<option value=\"INFO\">INFO and above</option>"
        + "<option value=\"WARN\">WARN and above</option>"
        + "<option value=\"ERROR\">ERROR</option></select></label>"
        + "<label><input type=\"checkbox\" id=\"log-follow\" checked> follow</label>"
        + "<button id=\"log-clear\" type=\"button\">Clear</button>"
        + "<span id=\"log-status\" class=\"hint\">connecting…</span></div>"
        + "<div id=\"log-lines\" class=\"log\" aria-live=\"off\"></div>"
        + "<script src=\"/assets/kiwi/logs.js\" defer></script>";
  }

  // ---------------------------------------------------------------- trace

  private String tracePage() {
    return "<h1>Trace a lookup</h1>"
        + "<form id=\"trace-form\" hx-get=\"/ui/trace\" hx-target=\"#trace-result\">"
        + "<input name=\"key\" placeholder=\"key\" required>"
        + encodingSelect()
        + "<button>Trace</button></form><div id=\"trace-result\" class=\"result\"></div>";
  }

  private void trace(Context ctx) {
    Params p = Params.of(ctx, "key", "encoding");
    ByteEncoding enc = p.encoding();
    String k = p.string("key");
    if (k == null || k.isEmpty()) {
      throw ProblemException.badRequest("key", "key is required");
    }
    byte[] key = RestApi.checkKey("key", enc.decode("key", k));
    LookupTrace t = engine.trace(key);
    String answeredBy = EngineJson.answeredBy(t);
    LookupTrace.Step answer = null;
    int answerIndex = -1;
    for (int j = 0; j < t.steps().size(); j++) {
      LookupTrace.Step s = t.steps().get(j);
      if (s.answer() == LookupTrace.Answer.FOUND || s.answer() == LookupTrace.Answer.TOMBSTONE) {
        answer = s;
        answerIndex = j;
        break;
      }
    }
    Html h = new Html();
    h.raw("<p class=\"trace-summary\">outcome <strong id=\"trace-outcome\">")
        .text(t.outcome())
        .raw("</strong>; answered by <strong id=\"answered-by\">")
        .text(answeredBy == null ? "no layer (absent everywhere)" : answeredBy)
        .raw("</strong>")
        .text(answer == null ? "" : " (" + answer.source() + ", seq " + answer.seq() + ")")
        .raw("; read at sequence ")
        .text(t.readSequence())
        .raw("</p>");
    if (t.value() != null) {
      h.raw("<p>value <code id=\"trace-value\">")
          .text(Text.clip(Text.display(t.value())))
          .raw("</code></p>");
    }
    h.raw(
        "<table class=\"trace\"><thead><tr><th>#</th><th>layer</th><th>source</th><th>filter</th>"
            + "<th>cache</th><th>answer</th><th>seq</th></tr></thead><tbody>");
    int i = 1;
    for (LookupTrace.Step s : t.steps()) {
      boolean hit = i - 1 == answerIndex;
      h.raw("<tr")
          .raw(hit ? " class=\"answered\"" : "")
          .raw(" data-layer=\"")
          .text(s.layer())
          .raw("\" data-answer=\"")
          .text(s.answer())
          .raw("\"><td class=\"num\">")
          .text(i++)
          .raw("</td><td>")
          .text(s.layer())
          .raw("</td><td><code>")
          .text(s.source())
          .raw("</code></td><td>")
          .text(s.filter())
          .raw("</td><td>")
          .text(s.cache())
          .raw("</td><td>")
          .text(s.answer())
          .raw("</td><td class=\"num\">")
          .text(s.seq())
          .raw("</td></tr>");
    }
    fragment(ctx, h.raw("</tbody></table>").toString());
  }

  // ---------------------------------------------------------------- load generator

  private String loadPage() {
    return "<h1>Load generator</h1>"
        + "<p class=\"hint\">Runs puts and gets in the server's process against this engine, until"
        + " the operation count is done or the time limit passes, then stops by itself.</p>"
        + "<form id=\"load-form\" hx-post=\"/ui/load\" hx-target=\"#load-status\" hx-swap=\"outerHTML\">"
        + "<label>operations <input name=\"operations\" type=\"number\" value=\"20000\" min=\"1\" max=\""
        + LoadGenerator.MAX_OPERATIONS
        + "\"></label>"
        + "<label>time limit (s) <input name=\"duration_seconds\" type=\"number\" value=\"30\" min=\"1\" max=\""
        + LoadGenerator.MAX_DURATION_SECONDS
        + "\"></label>"
        + "<label>threads <input name=\"threads\" type=\"number\" value=\"2\" min=\"1\" max=\""
        + LoadGenerator.MAX_THREADS
        + "\"></label>"
        + "<label>value bytes <input name=\"value_bytes\" type=\"number\" value=\"100\" min=\"0\"></label>"
        + "<label>read fraction <input name=\"read_fraction\" type=\"number\" value=\"0.5\" step=\"0.05\" min=\"0\" max=\"1\"></label>"
        + "<label>key space <input name=\"key_space\" type=\"number\" value=\"10000\" min=\"1\"></label>"
        + "<label>seed <input name=\"seed\" placeholder=\"random\"></label>"
        + "<button id=\"load-start\">Start</button></form>"
        + loadStatus();
  }

  private String loadStatus() {
    com.fasterxml.jackson.databind.node.ObjectNode s = load.status();
    String state = s.get("state").asText();
    double progress = s.get("progress").asDouble();
    Html h = new Html().raw("<div id=\"load-status\" data-state=\"").text(state).raw("\"");
    if (state.equals("running")) {
      h.raw(" hx-get=\"/ui/load/status\" hx-trigger=\"every 500ms\" hx-swap=\"outerHTML\"");
    }
    h.raw("><progress id=\"load-progress\" max=\"1\" value=\"")
        .text(progress)
        .raw("\"></progress> ")
        .raw("<span id=\"load-percent\">")
        .text((int) Math.floor(progress * 100) + "%")
        .raw("</span> ")
        .raw("<span class=\"hint\">")
        .text(state);
    if (!state.equals("idle")) {
      h.text(
          ": "
              + s.get("done").asLong()
              + " of "
              + s.get("operations").asLong()
              + " operations, "
              + s.get("ops_per_sec").asLong()
              + " ops/s, seed "
              + s.get("seed").asLong());
      if (s.hasNonNull("reason")) {
        h.text(" (" + s.get("reason").asText() + ")");
      }
    }
    return h.raw("</span></div>").toString();
  }

  private void startLoad(Context ctx) {
    Params.of(ctx);
    Map<String, String> f =
        form(
            ctx,
            "operations",
            "duration_seconds",
            "threads",
            "value_bytes",
            "read_fraction",
            "key_space",
            "key_prefix",
            "seed");
    load.start(LoadGenerator.spec(f::get));
    fragment(ctx, loadStatus());
  }

  // ---------------------------------------------------------------- terminal

  private String terminalPage() {
    String note =
        terminal == null
            ? "<p class=\"problem\">This server was started without a web terminal.</p>"
            : "<p class=\"hint\">The commands of <code>kiwi shell</code>: type <code>help</code>.</p>";
    return "<h1>Terminal</h1>"
        + note
        + "<div id=\"term-output\" class=\"terminal\" aria-live=\"polite\"></div>"
        + "<form id=\"term-form\" hx-post=\"/ui/terminal\" hx-target=\"#term-output\" hx-swap=\"beforeend\">"
        + "<span class=\"prompt\">kiwi&gt;</span><input id=\"term-line\" name=\"line\" autocomplete=\"off\" "
        + "spellcheck=\"false\" autofocus></form>";
  }

  private void runTerminal(Context ctx) {
    Params.of(ctx);
    Map<String, String> f = form(ctx, "line");
    String line = f.get("line") == null ? "" : f.get("line");
    CommandRunner.Result r = RestApi.runLine(terminal, line);
    Html h =
        new Html()
            .raw("<div class=\"term-entry\" data-exit=\"")
            .text(r.exitCode())
            .raw("\"><div class=\"term-cmd\">kiwi&gt; ")
            .text(line)
            .raw("</div>");
    if (!r.output().isEmpty()) {
      h.raw("<pre class=\"term-out\">").text(r.output()).raw("</pre>");
    }
    if (!r.errors().isEmpty()) {
      h.raw("<pre class=\"term-err\">").text(r.errors()).raw("</pre>");
    }
    if (r.exitCode() != 0) {
      h.raw("<div class=\"term-exit\">exit ").text(r.exitCode()).raw("</div>");
    }
    fragment(ctx, h.raw("</div>").toString());
  }

  // ---------------------------------------------------------------- docs and login

  private String docsPage() {
    return "<link rel=\"stylesheet\" href=\"/assets/swagger-ui/swagger-ui.css\">"
        + "<p class=\"hint\">The OpenAPI 3 document: <a href=\"/openapi.json\">/openapi.json</a>.</p>"
        + "<div id=\"swagger-ui\"></div>"
        + "<script src=\"/assets/swagger-ui/swagger-ui-bundle.js\" defer></script>"
        + "<script src=\"/assets/kiwi/docs.js\" defer></script>";
  }

  private void loginPage(Context ctx) {
    Params p = Params.of(ctx, "next", "failed");
    ctx.html(
        layout(
            "/login",
            "Sign in · kiwi-db",
            loginForm(safeNext(p.string("next")), p.string("failed") != null),
            false));
  }

  private static String loginForm(String next, boolean failed) {
    Html h = new Html().raw("<h1>Sign in</h1>");
    if (failed) {
      h.raw("<div class=\"problem\" role=\"alert\">That is not this server's token.</div>");
    }
    return h.raw(
            "<form method=\"post\" action=\"/login\" class=\"login\">"
                + "<label>token <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required autofocus></label>"
                + "<input type=\"hidden\" name=\"next\" value=\"")
        .text(next)
        .raw(
            "\"><button>Sign in</button></form>"
                + "<p class=\"hint\">The token is the one given to <code>kiwi serve --token</code>.</p>")
        .toString();
  }

  /** Only a local path may follow a login, so the form is no open redirect. */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
      return "/";
    }
    return next;
  }

  private void login(Context ctx) {
    Params.of(ctx);
    Map<String, String> f = form(ctx, "token", "next");
    String next = safeNext(f.get("next"));
    if (!security.tokenRequired()) {
      ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    if (!security.tokenMatches(f.get("token"))) {
      try {
        Thread.sleep(250); // a wrong token costs time: no fast guessing through the form
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ctx.status(401);
      ctx.html(layout("/login", "Sign in · kiwi-db", loginForm(next, true), false));
      return;
    }
    ctx.header("Set-Cookie", Security.cookieHeader(security.newSession()));
    ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    Params.of(ctx);
    security.endSession(ctx.cookie(Security.COOKIE));
    ctx.header("Set-Cookie", Security.clearCookieHeader());
    ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
  }
}
