package io.kiwidb.bench.db;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run's outputs: a markdown report, JSON lines (one object per measurement, per median row and
 * per ratio) and an SVG bar chart of kiwi's ratios. All hand-written text; no chart library.
 *
 * <p>Thread safety: stateless.
 */
final class Reports {
  private Reports() {}

  /**
   * The measurements of one key count and one method, summarised.
   *
   * @param num keys in the key space
   * @param method the method's label
   * @param summary medians and ratios
   */
  record Group(long num, String method, Summary summary) {
    /** The section title, e.g. {@code 1,000,000 keys, settled}. */
    String title() {
      return num > 0
          ? String.format(Locale.ROOT, "%,d keys, %s", num, method)
          : "key count not recorded, " + method;
    }

    /** A file-name part, e.g. {@code 1000000-settled}. */
    String fileTag() {
      return num + "-" + method;
    }
  }

  /** Groups measurements by key count and method (in first-seen order) and summarises each. */
  static List<Group> groups(List<Measurement> all) {
    List<Group> groups = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Measurement m : all) {
      String key = m.num() + "/" + m.method();
      if (seen.contains(key)) {
        continue;
      }
      seen.add(key);
      List<Measurement> ms = new ArrayList<>();
      List<String> workloads = new ArrayList<>();
      for (Measurement x : all) {
        if (x.num() == m.num() && x.method().equals(m.method())) {
          ms.add(x);
          if (!workloads.contains(x.workload())) {
            workloads.add(x.workload());
          }
        }
      }
      List<String> engines = new ArrayList<>();
      for (EngineKind e : EngineKind.values()) {
        if (ms.stream().anyMatch(x -> x.engine().equals(e.label()))) {
          engines.add(e.label());
        }
      }
      groups.add(new Group(m.num(), m.method(), Summary.of(ms, workloads, engines)));
    }
    return groups;
  }

  /** The markdown report: header lines as a list, the notes, then a section per group. */
  static String markdown(List<Group> groups, List<String> header, List<String> notes) {
    StringBuilder b = new StringBuilder("# db_bench: kiwi-db vs RocksDB\n\n");
    for (String h : header) {
      b.append("- ").append(h).append('\n');
    }
    for (String n : notes) {
      b.append("- note: ").append(n).append('\n');
    }
    for (Group g : groups) {
      b.append("\n## ").append(g.title()).append('\n');
      section(b, g.summary());
    }
    return b.toString();
  }

  /** The ratio table, then the per-engine medians of one group. */
  static String markdown(Summary s, List<String> header) {
    StringBuilder b = new StringBuilder("# db_bench: kiwi-db vs RocksDB\n\n");
    for (String h : header) {
      b.append("- ").append(h).append('\n');
    }
    section(b, s);
    return b.toString();
  }

  private static void section(StringBuilder b, Summary s) {
    b.append("\n### Ratios (kiwi / RocksDB, median ops/s)\n\n");
    b.append(
        "| workload | threads | kiwi ops/s | rocksdb-like ops/s | rocksdb-default ops/s"
            + " | kiwi / like | kiwi / default | aim | verdict (vs like) |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Summary.Ratio r : s.ratios()) {
      b.append("| ")
          .append(r.workload())
          .append(" | ")
          .append(r.threads())
          .append(" | ")
          .append(ops(s.row(r.workload(), "kiwi")))
          .append(" | ")
          .append(ops(s.row(r.workload(), "rocksdb-like")))
          .append(" | ")
          .append(ops(s.row(r.workload(), "rocksdb-default")))
          .append(" | ")
          .append(ratio(r.vsLike()))
          .append(" | ")
          .append(ratio(r.vsDefault()))
          .append(" | ")
          .append(fmt("%.1f", r.aim()))
          .append(" | ")
          .append(r.verdict())
          .append(" |\n");
    }
    b.append("\n### Per engine (medians over rounds)\n\n");
    b.append(
        "| workload | engine | ops/s | MB/s | p50 µs | p99 µs | p99.9 µs | max ms | disk MB"
            + " | w-amp | w-amp+WAL | space-amp | heap peak MB | RSS peak MB |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Summary.Row r : s.rows()) {
      b.append("| ")
          .append(r.workload())
          .append(" | ")
          .append(r.engine())
          .append(" | ")
          .append(fmt("%,.0f", r.opsPerSec()))
          .append(" | ")
          .append(fmt("%.1f", r.mbPerSec()))
          .append(" | ")
          .append(fmt("%.2f", r.p50Micros()))
          .append(" | ")
          .append(fmt("%.1f", r.p99Micros()))
          .append(" | ")
          .append(fmt("%.1f", r.p999Micros()))
          .append(" | ")
          .append(fmt("%.2f", r.maxMicros() / 1e3))
          .append(" | ")
          .append(fmt("%.1f", r.diskMb()))
          .append(" | ")
          .append(fmt("%.2f", r.writeAmp()))
          .append(" | ")
          .append(fmt("%.2f", r.writeAmpWithWal()))
          .append(" | ")
          .append(fmt("%.2f", r.spaceAmp()))
          .append(" | ")
          .append(fmt("%.0f", r.heapPeakMb()))
          .append(" | ")
          .append(fmt("%.0f", r.rssPeakMb()))
          .append(" |\n");
    }
  }

  /** One {@code "type":"run"} object, without a line end. */
  static String runLine(Measurement m) {
    StringBuilder b = new StringBuilder(400);
    b.append("{\"type\":\"run\",\"round\":")
        .append(m.round())
        .append(",\"engine\":")
        .append(JsonText.quote(m.engine()))
        .append(",\"workload\":")
        .append(JsonText.quote(m.workload()))
        .append(",\"threads\":")
        .append(m.threads())
        .append(",\"num\":")
        .append(m.num())
        .append(",\"method\":")
        .append(JsonText.quote(m.method()))
        .append(",\"ops\":")
        .append(m.ops())
        .append(",\"nanos\":")
        .append(m.nanos())
        .append(",\"bytes\":")
        .append(m.bytes())
        .append(",\"found\":")
        .append(m.found())
        .append(",\"ops_per_sec\":")
        .append(JsonText.number(m.opsPerSec()))
        .append(",\"mb_per_sec\":")
        .append(JsonText.number(m.mbPerSec()))
        .append(",\"p50_ns\":")
        .append(m.p50Nanos())
        .append(",\"p99_ns\":")
        .append(m.p99Nanos())
        .append(",\"p999_ns\":")
        .append(m.p999Nanos())
        .append(",\"max_ns\":")
        .append(m.maxNanos())
        .append(",\"disk_bytes\":")
        .append(m.diskBytes() < 0 ? "null" : Long.toString(m.diskBytes()))
        .append(",\"write_amp\":")
        .append(JsonText.number(m.writeAmp()))
        .append(",\"write_amp_wal\":")
        .append(JsonText.number(m.writeAmpWithWal()))
        .append(",\"space_amp\":")
        .append(JsonText.number(m.spaceAmp()))
        .append(",\"heap_peak_bytes\":")
        .append(m.heapPeakBytes())
        .append(",\"rss_peak_bytes\":")
        .append(m.rssPeakBytes() < 0 ? "null" : Long.toString(m.rssPeakBytes()))
        .append('}');
    return b.toString();
  }

  /** JSON lines: {@code "type"} is {@code run}, {@code median} or {@code ratio}. */
  static String jsonLines(List<Measurement> ms, List<Group> groups) {
    StringBuilder b = new StringBuilder();
    for (Measurement m : ms) {
      b.append(runLine(m)).append('\n');
    }
    for (Group g : groups) {
      String where =
          ",\"num\":" + g.num() + ",\"method\":" + JsonText.quote(g.method()) + ",\"workload\":";
      for (Summary.Row r : g.summary().rows()) {
        b.append("{\"type\":\"median\",\"engine\":")
            .append(JsonText.quote(r.engine()))
            .append(where)
            .append(JsonText.quote(r.workload()))
            .append(",\"threads\":")
            .append(r.threads())
            .append(",\"rounds\":")
            .append(r.samples())
            .append(",\"ops_per_sec\":")
            .append(JsonText.number(r.opsPerSec()))
            .append(",\"mb_per_sec\":")
            .append(JsonText.number(r.mbPerSec()))
            .append(",\"p50_us\":")
            .append(JsonText.number(r.p50Micros()))
            .append(",\"p99_us\":")
            .append(JsonText.number(r.p99Micros()))
            .append(",\"p999_us\":")
            .append(JsonText.number(r.p999Micros()))
            .append(",\"max_us\":")
            .append(JsonText.number(r.maxMicros()))
            .append(",\"disk_mb\":")
            .append(JsonText.number(r.diskMb()))
            .append(",\"write_amp\":")
            .append(JsonText.number(r.writeAmp()))
            .append(",\"write_amp_wal\":")
            .append(JsonText.number(r.writeAmpWithWal()))
            .append(",\"space_amp\":")
            .append(JsonText.number(r.spaceAmp()))
            .append(",\"heap_peak_mb\":")
            .append(JsonText.number(r.heapPeakMb()))
            .append(",\"rss_peak_mb\":")
            .append(JsonText.number(r.rssPeakMb()))
            .append("}\n");
      }
      for (Summary.Ratio r : g.summary().ratios()) {
        b.append("{\"type\":\"ratio\"")
            .append(where)
            .append(JsonText.quote(r.workload()))
            .append(",\"threads\":")
            .append(r.threads())
            .append(",\"kiwi_vs_rocksdb_like\":")
            .append(JsonText.number(r.vsLike()))
            .append(",\"kiwi_vs_rocksdb_default\":")
            .append(JsonText.number(r.vsDefault()))
            .append(",\"aim\":")
            .append(JsonText.number(r.aim()))
            .append(",\"verdict\":")
            .append(JsonText.quote(r.verdict()))
            .append("}\n");
      }
    }
    return b.toString();
  }

  /** The CSV header of {@link #mediansCsv}. */
  static final String MEDIANS_CSV_HEADER =
      "num,method,workload,engine,threads,rounds,ops_per_sec,mb_per_sec,p50_us,p99_us,p999_us,"
          + "max_us,disk_mb,write_amp,write_amp_wal,space_amp,heap_peak_mb,rss_peak_mb,"
          + "kiwi_vs_rocksdb_like";

  /**
   * One row per (key count, method, workload, engine) with the medians, and on kiwi's rows its
   * ratio to like-for-like RocksDB; empty cells for what was not measured.
   */
  static String mediansCsv(List<Group> groups) {
    StringBuilder b = new StringBuilder(MEDIANS_CSV_HEADER).append('\n');
    for (Group g : groups) {
      for (Summary.Row r : g.summary().rows()) {
        double ratio = Double.NaN;
        if (r.engine().equals(EngineKind.KIWI.label())) {
          for (Summary.Ratio x : g.summary().ratios()) {
            if (x.workload().equals(r.workload())) {
              ratio = x.vsLike();
            }
          }
        }
        b.append(g.num())
            .append(',')
            .append(g.method())
            .append(',')
            .append(r.workload())
            .append(',')
            .append(r.engine())
            .append(',')
            .append(r.threads())
            .append(',')
            .append(r.samples());
        for (double v :
            new double[] {
              r.opsPerSec(),
              r.mbPerSec(),
              r.p50Micros(),
              r.p99Micros(),
              r.p999Micros(),
              r.maxMicros(),
              r.diskMb(),
              r.writeAmp(),
              r.writeAmpWithWal(),
              r.spaceAmp(),
              r.heapPeakMb(),
              r.rssPeakMb(),
              ratio
            }) {
          b.append(',').append(csvNumber(v));
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  static String csvNumber(double v) {
    String s = JsonText.number(v);
    return s.equals("null") ? "" : s;
  }

  /**
   * The scaling chart of one method: a panel per workload, median ops/s against keys (log scale)
   * with a line per engine.
   */
  static String scalingSvg(List<Group> groups, String method) {
    List<String> workloads = new ArrayList<>();
    List<String> engines = new ArrayList<>();
    for (Group g : groups) {
      if (!g.method().equals(method)) {
        continue;
      }
      for (Summary.Row r : g.summary().rows()) {
        if (!workloads.contains(r.workload())) {
          workloads.add(r.workload());
        }
        if (!engines.contains(r.engine())) {
          engines.add(r.engine());
        }
      }
    }
    List<Charts.Panel> panels = new ArrayList<>();
    for (String w : workloads) {
      List<Charts.Series> series = new ArrayList<>();
      for (String e : engines) {
        List<double[]> points = new ArrayList<>();
        for (Group g : groups) {
          Summary.Row r = g.method().equals(method) ? g.summary().row(w, e) : null;
          if (r != null) {
            points.add(new double[] {g.num(), r.opsPerSec()});
          }
        }
        series.add(new Charts.Series(e, points));
      }
      panels.add(new Charts.Panel(w, "ops/s", series));
    }
    return Charts.svg(
        "kiwi-db vs RocksDB: median ops/s against keys (" + method + ")", "keys", true, panels);
  }

  /**
   * Reads back the {@code "type":"run"} lines of {@link #jsonLines}, so a finished run can be
   * summarised and drawn again ({@code bench/dbbench --replot DIR}).
   *
   * @throws IllegalArgumentException naming the line that is not one of ours
   */
  static List<Measurement> parseRuns(String jsonl) {
    List<Measurement> runs = new ArrayList<>();
    String[] lines = jsonl.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (!line.startsWith("{\"type\":\"run\"")) {
        continue;
      }
      Map<String, String> f = new HashMap<>();
      Matcher m = FIELD.matcher(line);
      while (m.find()) {
        f.put(
            m.group(1),
            m.group(2).startsWith("\"")
                ? m.group(2).substring(1, m.group(2).length() - 1)
                : m.group(2));
      }
      try {
        runs.add(
            new Measurement(
                Integer.parseInt(f.get("round")),
                require(f, "engine"),
                require(f, "workload"),
                Integer.parseInt(f.get("threads")),
                // Runs before 2026-12-07 (one JVM, settled only) have no num, method, max,
                // WAL or space amplification fields.
                f.containsKey("num") ? Long.parseLong(f.get("num")) : 0,
                f.getOrDefault("method", Method.SETTLED.label()),
                Long.parseLong(f.get("ops")),
                Long.parseLong(f.get("nanos")),
                Long.parseLong(f.get("bytes")),
                Long.parseLong(f.get("found")),
                Long.parseLong(f.get("p50_ns")),
                Long.parseLong(f.get("p99_ns")),
                Long.parseLong(f.get("p999_ns")),
                f.containsKey("max_ns") ? Long.parseLong(f.get("max_ns")) : 0,
                orMinusOne(f.get("disk_bytes")),
                doubleOrNaN(f.get("write_amp")),
                doubleOrNaN(f.getOrDefault("write_amp_wal", "null")),
                doubleOrNaN(f.getOrDefault("space_amp", "null")),
                Long.parseLong(f.get("heap_peak_bytes")),
                orMinusOne(f.get("rss_peak_bytes"))));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + (i + 1) + " is not a dbbench run: " + line, e);
      }
    }
    return runs;
  }

  private static final Pattern FIELD = Pattern.compile("\"([a-z0-9_]+)\":(\"[^\"]*\"|[^,}]+)");

  private static String require(Map<String, String> f, String name) {
    String v = f.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no " + name);
    }
    return v;
  }

  private static double doubleOrNaN(String v) {
    if (v == null) {
      throw new IllegalArgumentException("a number field is missing");
    }
    return v.equals("null") ? Double.NaN : Double.parseDouble(v);
  }

  private static long orMinusOne(String v) {
    return v == null || v.equals("null") ? -1 : Long.parseLong(v);
  }

  private static final int ROW = 34;
  private static final int LEFT = 170;
  private static final int PLOT = 520;
  private static final int TOP = 60;
  private static final double MAX_AXIS = 6;

  /**
   * A horizontal bar chart: per workload, kiwi / rocksdb-like (dark) and kiwi / rocksdb-default
   * (light), a dashed line at 1.0 (parity) and a tick at the aim. Missing ratios draw no bar.
   */
  static String svg(Summary s, String title) {
    List<Summary.Ratio> rs = s.ratios();
    // The axis covers the like-for-like ratios and the aims, up to MAX_AXIS; a longer bar (a
    // ratio against RocksDB's defaults can be 40x where it has no filter) is clipped, its label
    // still gives the value.
    double max = 2;
    for (Summary.Ratio r : rs) {
      max = Math.max(max, finiteOr(r.vsLike(), 0));
      max = Math.max(max, r.aim());
    }
    max = Math.min(MAX_AXIS, Math.ceil(max * 1.1));
    int height = TOP + rs.size() * ROW + 40;
    int width = LEFT + PLOT + 60;
    StringBuilder b = new StringBuilder();
    b.append(
        fmt(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
            width, height, width, height));
    b.append(fmt("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
    b.append(
        fmt(
            "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
            xml(title)));
    b.append(
        "<rect x=\"10\" y=\"32\" width=\"12\" height=\"10\" fill=\"#1f5f9f\"/>"
            + "<text x=\"26\" y=\"41\">kiwi / rocksdb-like</text>\n");
    b.append(
        "<rect x=\"160\" y=\"32\" width=\"12\" height=\"10\" fill=\"#9fbfdf\"/>"
            + "<text x=\"176\" y=\"41\">kiwi / rocksdb-default</text>\n");
    b.append(
        "<line x1=\"330\" y1=\"37\" x2=\"342\" y2=\"37\" stroke=\"#d62728\""
            + " stroke-dasharray=\"4 3\"/><text x=\"346\" y=\"41\">parity (1.0)</text>\n");
    b.append(
        "<line x1=\"440\" y1=\"31\" x2=\"440\" y2=\"43\" stroke=\"black\" stroke-width=\"2\"/>"
            + "<text x=\"446\" y=\"41\">aim</text>\n");
    // Grid: one line per whole ratio.
    for (int g = 0; g <= (int) max; g++) {
      double x = LEFT + PLOT * g / max;
      b.append(
          fmt(
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>"
                  + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
              x, TOP - 6, x, TOP + rs.size() * ROW, x, TOP + rs.size() * ROW + 16, g));
    }
    for (int i = 0; i < rs.size(); i++) {
      Summary.Ratio r = rs.get(i);
      int y = TOP + i * ROW;
      b.append(
          fmt(
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
              LEFT - 8, y + 20, xml(r.workload())));
      bar(b, r.vsLike(), max, y + 4, "#1f5f9f");
      bar(b, r.vsDefault(), max, y + 17, "#9fbfdf");
      double ax = LEFT + PLOT * r.aim() / max;
      b.append(
          fmt(
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\""
                  + " stroke-width=\"2\"/>\n",
              ax, y + 2, ax, y + 30));
    }
    double px = LEFT + PLOT / max;
    b.append(
        fmt(
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\""
                + " stroke-dasharray=\"4 3\"/>\n",
            px, TOP - 6, px, TOP + rs.size() * ROW));
    b.append(
        fmt(
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">kiwi ops/s ÷ RocksDB ops/s (median"
                + " over rounds)</text>\n",
            LEFT + PLOT / 2, height - 6));
    return b.append("</svg>\n").toString();
  }

  private static void bar(StringBuilder b, double ratio, double max, int y, String color) {
    if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
      return;
    }
    double w = PLOT * Math.min(ratio, max) / max;
    b.append(
        fmt(
            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"12\" fill=\"%s\"/>"
                + "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%.2f</text>\n",
            LEFT, y, w, color, LEFT + w + 3, y + 10, ratio));
  }

  private static double finiteOr(double v, double fallback) {
    return Double.isNaN(v) || Double.isInfinite(v) ? fallback : v;
  }

  static String xml(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String ops(Summary.Row r) {
    return r == null ? "–" : fmt("%,.0f", r.opsPerSec());
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "–" : fmt("%.2f", r);
  }

  private static String fmt(String format, Object... args) {
    for (Object a : args) {
      if (a instanceof Double d && (d.isNaN() || d.isInfinite())) {
        return "–";
      }
    }
    return String.format(Locale.ROOT, format, args);
  }
}
