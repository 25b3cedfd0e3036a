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

  /** The markdown report: header lines as a list, the ratio table, then the per-engine medians. */
  static String markdown(Summary s, List<String> header) {
    StringBuilder b = new StringBuilder("# db_bench: kiwi-db vs RocksDB\n\n");
    for (String h : header) {
      b.append("- ").append(h).append('\n');
    }
    b.append("\n## Ratios (kiwi / RocksDB, median ops/s)\n\n");
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
    b.append("\n## Per engine (medians over rounds)\n\n");
    b.append(
        "| workload | engine | ops/s | MB/s | p50 µs | p99 µs | p99.9 µs | disk MB | w-amp"
            + " | heap peak MB | RSS peak MB |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
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
          .append(fmt("%.1f", r.diskMb()))
          .append(" | ")
          .append(fmt("%.2f", r.writeAmp()))
          .append(" | ")
          .append(fmt("%.0f", r.heapPeakMb()))
          .append(" | ")
          .append(fmt("%.0f", r.rssPeakMb()))
          .append(" |\n");
    }
    return b.toString();
  }

  /** JSON lines: {@code "type"} is {@code run}, {@code median} or {@code ratio}. */
  static String jsonLines(List<Measurement> ms, Summary s) {
    StringBuilder b = new StringBuilder();
    for (Measurement m : ms) {
      b.append("{\"type\":\"run\",\"round\":")
          .append(m.round())
          .append(",\"engine\":")
          .append(JsonText.quote(m.engine()))
          .append(",\"workload\":")
          .append(JsonText.quote(m.workload()))
          .append(",\"threads\":")
          .append(m.threads())
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
          .append(",\"disk_bytes\":")
          .append(m.diskBytes() < 0 ? "null" : Long.toString(m.diskBytes()))
          .append(",\"write_amp\":")
          .append(JsonText.number(m.writeAmp()))
          .append(",\"heap_peak_bytes\":")
          .append(m.heapPeakBytes())
          .append(",\"rss_peak_bytes\":")
          .append(m.rssPeakBytes() < 0 ? "null" : Long.toString(m.rssPeakBytes()))
          .append("}\n");
    }
    for (Summary.Row r : s.rows()) {
      b.append("{\"type\":\"median\",\"engine\":")
          .append(JsonText.quote(r.engine()))
          .append(",\"workload\":")
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
          .append(",\"disk_mb\":")
          .append(JsonText.number(r.diskMb()))
          .append(",\"write_amp\":")
          .append(JsonText.number(r.writeAmp()))
          .append(",\"heap_peak_mb\":")
          .append(JsonText.number(r.heapPeakMb()))
          .append(",\"rss_peak_mb\":")
          .append(JsonText.number(r.rssPeakMb()))
          .append("}\n");
    }
    for (Summary.Ratio r : s.ratios()) {
      b.append("{\"type\":\"ratio\",\"workload\":")
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
    return b.toString();
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
                f.get("engine"),
                f.get("workload"),
                Integer.parseInt(f.get("threads")),
                Long.parseLong(f.get("ops")),
                Long.parseLong(f.get("nanos")),
                Long.parseLong(f.get("bytes")),
                Long.parseLong(f.get("found")),
                Long.parseLong(f.get("p50_ns")),
                Long.parseLong(f.get("p99_ns")),
                Long.parseLong(f.get("p999_ns")),
                orMinusOne(f.get("disk_bytes")),
                "null".equals(f.get("write_amp"))
                    ? Double.NaN
                    : Double.parseDouble(f.get("write_amp")),
                Long.parseLong(f.get("heap_peak_bytes")),
                orMinusOne(f.get("rss_peak_bytes"))));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + (i + 1) + " is not a dbbench run: " + line, e);
      }
    }
    return runs;
  }

  private static final Pattern FIELD = Pattern.compile("\"([a-z0-9_]+)\":(\"[^\"]*\"|[^,}]+)");

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
