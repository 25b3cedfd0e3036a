package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportsTest {

  private static final List<Measurement> RUNS =
      List.of(
          SummaryTest.run(0, "kiwi", "readseq", 300_000),
          SummaryTest.run(0, "rocksdb-like", "readseq", 100_000),
          SummaryTest.run(0, "rocksdb-default", "readseq", 150_000),
          new Measurement(
              0,
              "kiwi",
              "fillseq",
              1,
              1000,
              2_000_000_000L,
              116_000,
              0,
              3_000,
              8_000,
              9_000,
              2_500_000,
              1.25,
              50_000_000,
              -1),
          SummaryTest.run(0, "rocksdb-like", "fillseq", 2000));

  private static Summary summary() {
    return Summary.of(
        RUNS, List.of("fillseq", "readseq"), List.of("kiwi", "rocksdb-like", "rocksdb-default"));
  }

  @Test
  void markdownHasTheHeaderTheRatioTableAndThePerEngineTable() {
    String md = Reports.markdown(summary(), List.of("date: today", "machine: <2 cores>"));
    assertTrue(md.startsWith("# db_bench: kiwi-db vs RocksDB\n\n- date: today\n"));
    assertTrue(
        md.contains("| readseq | 1 | 300,000 | 100,000 | 150,000 | 3.00 | 2.00 | 3.0 | aim met |"),
        md);
    // fillseq: 500 ops/s against 2000, no default run.
    assertTrue(md.contains("| fillseq | 1 | 500 | 2,000 | – | 0.25 | – | 2.5 | missed |"), md);
    assertTrue(
        md.contains("| fillseq | kiwi | 500 | 0.1 | 3.00 | 8.0 | 9.0 | 2.5 | 1.25 | 50 | – |"), md);
    // Every table row has as many cells as its header.
    int ratioRows = 0;
    boolean inRatios = false;
    for (String line : md.split("\n")) {
      if (line.startsWith("## ")) {
        inRatios = line.startsWith("## Ratios");
      } else if (inRatios && line.startsWith("|")) {
        assertEquals(11, line.split("\\|", -1).length, line); // 9 cells between 10 bars
        ratioRows++;
      }
    }
    assertEquals(4, ratioRows, "header, rule and two workloads");
  }

  @Test
  void jsonLinesHaveOneObjectPerRunMedianAndRatioWithNullForMissingValues() {
    String jsonl = Reports.jsonLines(RUNS, summary());
    String[] lines = jsonl.split("\n");
    Summary s = summary();
    assertEquals(RUNS.size() + s.rows().size() + s.ratios().size(), lines.length);
    for (String line : lines) {
      assertTrue(line.startsWith("{\"type\":\"") && line.endsWith("}"), line);
      assertTrue(!line.contains("NaN") && !line.contains("Infinity"), line);
      // Keys are quoted and every value is a number, a string, or null.
      assertTrue(line.matches("\\{(\"[a-z0-9_]+\":(-?[0-9.eE+-]+|\"[^\"]*\"|null),?)+\\}"), line);
    }
    assertTrue(lines[0].contains("\"disk_bytes\":null,\"write_amp\":null"), lines[0]);
    assertTrue(lines[3].contains("\"disk_bytes\":2500000,\"write_amp\":1.25"), lines[3]);
    assertTrue(lines[3].contains("\"rss_peak_bytes\":null"), lines[3]);
    assertTrue(
        jsonl.contains(
            "{\"type\":\"ratio\",\"workload\":\"readseq\",\"threads\":1,"
                + "\"kiwi_vs_rocksdb_like\":3,\"kiwi_vs_rocksdb_default\":2,\"aim\":3,"
                + "\"verdict\":\"aim met\"}"),
        jsonl);
  }

  @Test
  void runLinesReadBackAsTheMeasurementsTheyCameFrom() {
    String jsonl = Reports.jsonLines(RUNS, summary());
    List<Measurement> back = Reports.parseRuns(jsonl);
    assertEquals(RUNS.size(), back.size());
    for (int i = 0; i < RUNS.size(); i++) {
      Measurement a = RUNS.get(i);
      Measurement b = back.get(i);
      assertEquals(a.ops(), b.ops());
      assertEquals(a.engine(), b.engine());
      assertEquals(a.workload(), b.workload());
      assertEquals(a.p999Nanos(), b.p999Nanos());
      assertEquals(a.diskBytes(), b.diskBytes());
      assertEquals(a.writeAmp(), b.writeAmp(), 1e-6);
      assertEquals(a.rssPeakBytes(), b.rssPeakBytes());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Reports.parseRuns("{\"type\":\"run\",\"round\":0}\n"));
    assertTrue(e.getMessage().startsWith("line 1 is not a dbbench run"));
  }

  @Test
  void svgDrawsOneBarPerAvailableRatioAndEscapesText() {
    String svg = Reports.svg(summary(), "kiwi <vs> rocks & co");
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assertTrue(svg.trim().endsWith("</svg>"));
    assertTrue(svg.contains("kiwi &lt;vs&gt; rocks &amp; co"));
    // Bars: fillseq has only vs-like (0.25), readseq has both (3.00, 2.00).
    Matcher bars = Pattern.compile("font-size=\"10\">([0-9.]+)</text>").matcher(svg);
    StringBuilder values = new StringBuilder();
    while (bars.find()) {
      values.append(bars.group(1)).append(' ');
    }
    assertEquals("0.25 3.00 2.00 ", values.toString());
    // Every opened element is closed: self-closing or with a matching end tag.
    int open = count(svg, "<text") + count(svg, "<svg");
    int close = count(svg, "</text>") + count(svg, "</svg>");
    assertEquals(open, close);
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void jsonTextQuotesLiteralsAndNumbers() {
    assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", JsonText.quote("a\"b\\c\n\u0001"));
    assertEquals("4096", JsonText.literalOrString("4096"));
    assertEquals("0.25", JsonText.literalOrString("0.25"));
    assertEquals("true", JsonText.literalOrString("true"));
    assertEquals("\"lz4\"", JsonText.literalOrString("lz4"));
    assertEquals("\"1e\"", JsonText.literalOrString("1e"));
    assertEquals("\"NaN\"", JsonText.literalOrString("NaN"));
    assertEquals("null", JsonText.number(Double.NaN));
    assertEquals("null", JsonText.number(Double.POSITIVE_INFINITY));
    assertEquals("3", JsonText.number(3.0));
    assertEquals("1.5", JsonText.number(1.5));
    assertEquals("0.333333", JsonText.number(1.0 / 3));
  }
}
