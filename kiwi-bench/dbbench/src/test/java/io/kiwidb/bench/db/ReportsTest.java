package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportsTest {

  static final Measurement KIWI_FILLSEQ =
      new Measurement(
          0,
          "kiwi",
          "fillseq",
          1,
          1_000_000,
          "settled",
          1000,
          2_000_000_000L,
          116_000,
          0,
          3_000,
          8_000,
          9_000,
          12_500_000,
          2_500_000,
          1.25,
          2.25,
          1.1,
          50_000_000,
          -1);

  private static final List<Measurement> RUNS =
      List.of(
          SummaryTest.run(0, "kiwi", "readseq", 300_000),
          SummaryTest.run(0, "rocksdb-like", "readseq", 100_000),
          SummaryTest.run(0, "rocksdb-default", "readseq", 150_000),
          KIWI_FILLSEQ,
          SummaryTest.run(0, "rocksdb-like", "fillseq", 2000));

  private static List<Reports.Group> groups() {
    return Reports.groups(RUNS);
  }

  @Test
  void markdownHasTheHeaderNotesAndPerGroupRatioAndEngineTables() {
    String md =
        Reports.markdown(
            groups(), List.of("date: today", "machine: <2 cores>"), List.of("caches not dropped"));
    assertTrue(md.startsWith("# db_bench: kiwi-db vs RocksDB\n\n- date: today\n"), md);
    assertTrue(md.contains("- note: caches not dropped\n"), md);
    assertTrue(md.contains("\n## 1,000,000 keys, settled\n"), md);
    assertTrue(
        md.contains("| readseq | 1 | 300,000 | 100,000 | 150,000 | 3.00 | 2.00 | 3.0 | aim met |"),
        md);
    // fillseq: 500 ops/s against 2000, no default run.
    assertTrue(md.contains("| fillseq | 1 | 500 | 2,000 | – | 0.25 | – | 2.5 | missed |"), md);
    assertTrue(
        md.contains(
            "| fillseq | kiwi | 500 | 0.1 | 3.00 | 8.0 | 9.0 | 12.50 | 2.5 | 1.25 | 2.25 | 1.10"
                + " | 50 | – |"),
        md);
    // Every table row has as many cells as its header.
    int ratioRows = 0;
    int engineRows = 0;
    String table = "";
    for (String line : md.split("\n")) {
      if (line.startsWith("### ")) {
        table = line;
      } else if (line.startsWith("|") && table.startsWith("### Ratios")) {
        assertEquals(11, line.split("\\|", -1).length, line); // 9 cells between 10 bars
        ratioRows++;
      } else if (line.startsWith("|") && table.startsWith("### Per engine")) {
        assertEquals(16, line.split("\\|", -1).length, line);
        engineRows++;
      }
    }
    assertEquals(4, ratioRows, "header, rule and two workloads");
    assertEquals(2 + 5, engineRows, "header, rule and five engine rows");
  }

  @Test
  void measurementsGroupByKeyCountAndMethodInFirstSeenOrder() {
    List<Measurement> ms = new ArrayList<>(RUNS);
    Measurement other =
        new Measurement(
            0,
            "kiwi",
            "readseq",
            1,
            10_000_000,
            "dbbench",
            5,
            1_000_000_000L,
            580,
            5,
            1,
            2,
            3,
            4,
            -1,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            1,
            -1);
    ms.add(other);
    List<Reports.Group> g = Reports.groups(ms);
    assertEquals(2, g.size());
    assertEquals("1,000,000 keys, settled", g.get(0).title());
    assertEquals("10000000-dbbench", g.get(1).fileTag());
    assertEquals(5.0, g.get(1).summary().row("readseq", "kiwi").opsPerSec(), 1e-9);
    assertEquals(300_000.0, g.get(0).summary().row("readseq", "kiwi").opsPerSec(), 1e-9);
  }

  @Test
  void jsonLinesHaveOneObjectPerRunMedianAndRatioWithNullForMissingValues() {
    String jsonl = Reports.jsonLines(RUNS, groups());
    String[] lines = jsonl.split("\n");
    Summary s = groups().get(0).summary();
    assertEquals(RUNS.size() + s.rows().size() + s.ratios().size(), lines.length);
    for (String line : lines) {
      assertTrue(line.startsWith("{\"type\":\"") && line.endsWith("}"), line);
      assertTrue(!line.contains("NaN") && !line.contains("Infinity"), line);
      // Keys are quoted and every value is a number, a string, or null.
      assertTrue(line.matches("\\{(\"[a-z0-9_]+\":(-?[0-9.eE+-]+|\"[^\"]*\"|null),?)+\\}"), line);
    }
    assertTrue(lines[0].contains("\"disk_bytes\":null,\"write_amp\":null"), lines[0]);
    assertTrue(lines[3].contains("\"max_ns\":12500000,\"disk_bytes\":2500000"), lines[3]);
    assertTrue(lines[3].contains("\"write_amp\":1.25,\"write_amp_wal\":2.25"), lines[3]);
    assertTrue(lines[3].contains("\"rss_peak_bytes\":null"), lines[3]);
    assertTrue(
        jsonl.contains(
            "{\"type\":\"ratio\",\"num\":1000000,\"method\":\"settled\",\"workload\":\"readseq\","
                + "\"threads\":1,\"kiwi_vs_rocksdb_like\":3,\"kiwi_vs_rocksdb_default\":2,\"aim\":3,"
                + "\"verdict\":\"aim met\"}"),
        jsonl);
  }

  @Test
  void runLinesReadBackAsTheMeasurementsTheyCameFrom() {
    String jsonl = Reports.jsonLines(RUNS, groups());
    List<Measurement> back = Reports.parseRuns(jsonl);
    assertEquals(RUNS.size(), back.size());
    for (int i = 0; i < RUNS.size(); i++) {
      Measurement a = RUNS.get(i);
      Measurement b = back.get(i);
      // NaN != NaN for records' equals: compare the rest field by field.
      assertEquals(a.toString(), b.toString());
    }
    assertEquals(KIWI_FILLSEQ, back.get(3), "a measurement without NaNs reads back equal");
    // A line of a run before num, method, max and the amplifications were recorded.
    String old =
        "{\"type\":\"run\",\"round\":1,\"engine\":\"kiwi\",\"workload\":\"readseq\",\"threads\":1,"
            + "\"ops\":10,\"nanos\":1000,\"bytes\":1160,\"found\":10,\"ops_per_sec\":1e7,"
            + "\"mb_per_sec\":1160,\"p50_ns\":1,\"p99_ns\":2,\"p999_ns\":3,\"disk_bytes\":null,"
            + "\"write_amp\":null,\"heap_peak_bytes\":5,\"rss_peak_bytes\":6}\n";
    Measurement m = Reports.parseRuns(old).get(0);
    assertEquals("settled", m.method());
    assertEquals(0, m.num());
    assertEquals(10, m.ops());
    assertTrue(Double.isNaN(m.spaceAmp()));
    assertEquals("key count not recorded, settled", Reports.groups(List.of(m)).get(0).title());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Reports.parseRuns("{\"type\":\"run\",\"round\":0}\n"));
    assertTrue(e.getMessage().startsWith("line 1 is not a dbbench run"));
  }

  @Test
  void mediansCsvHasARowPerEngineAndWorkloadWithEmptyCellsForWhatWasNotMeasured() {
    String csv = Reports.mediansCsv(groups());
    String[] lines = csv.split("\n");
    assertEquals(Reports.MEDIANS_CSV_HEADER, lines[0]);
    int columns = lines[0].split(",", -1).length;
    assertEquals(1 + 5, lines.length);
    for (String l : lines) {
      assertEquals(columns, l.split(",", -1).length, l);
    }
    // kiwi's fillseq row: its ratio to rocksdb-like (500 / 2000) in the last column.
    assertTrue(csv.contains("\n1000000,settled,fillseq,kiwi,1,1,500,0.058,"), csv);
    assertTrue(csv.contains(",1.25,2.25,1.1,50,,0.25\n"), csv);
    // rocksdb rows have no ratio; reads have no disk size.
    assertTrue(
        csv.contains(
            "1000000,settled,readseq,rocksdb-like,1,1,100000,11.6,1,9,20,4000,,,,,64,200,\n"),
        csv);
  }

  @Test
  void scalingChartHasAPanelPerWorkloadAndALinePerEngineOverTheKeyCounts() {
    List<Measurement> ms = new ArrayList<>();
    for (long num : new long[] {1_000_000, 10_000_000, 50_000_000}) {
      for (String e : List.of("kiwi", "rocksdb-like")) {
        for (String w : List.of("fillrandom", "readrandom")) {
          ms.add(
              new Measurement(
                  0,
                  e,
                  w,
                  1,
                  num,
                  "settled",
                  1000,
                  1_000_000_000L,
                  1,
                  1,
                  1,
                  1,
                  1,
                  1,
                  -1,
                  Double.NaN,
                  Double.NaN,
                  Double.NaN,
                  1,
                  -1));
        }
      }
    }
    String svg = Reports.scalingSvg(Reports.groups(ms), "settled");
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assertEquals(4, count(svg, "<path "), "two panels, two engines each");
    assertEquals(12, count(svg, "<circle "), "a point per key count");
    assertTrue(svg.contains(">fillrandom</text>") && svg.contains(">readrandom</text>"));
    assertTrue(svg.contains(">1M</text>") && svg.contains(">100M</text>"), "decade ticks");
    assertFalse(svg.contains("NaN"));
    assertEquals(count(svg, "<text"), count(svg, "</text>"));
  }

  @Test
  void svgDrawsOneBarPerAvailableRatioAndEscapesText() {
    String svg = Reports.svg(groups().get(0).summary(), "kiwi <vs> rocks & co");
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assertTrue(svg.trim().endsWith("</svg>"));
    assertTrue(svg.contains("kiwi &lt;vs&gt; rocks &amp; co"));
    // Bars: readseq has both (3.00, 2.00), fillseq has only vs-like (0.25).
    Matcher bars = Pattern.compile("font-size=\"10\">([0-9.]+)</text>").matcher(svg);
    StringBuilder values = new StringBuilder();
    while (bars.find()) {
      values.append(bars.group(1)).append(' ');
    }
    assertEquals("3.00 2.00 0.25 ", values.toString());
    // Every opened element is closed: self-closing or with a matching end tag.
    int open = count(svg, "<text") + count(svg, "<svg");
    int close = count(svg, "</text>") + count(svg, "</svg>");
    assertEquals(open, close);
  }

  static int count(String s, String what) {
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

  @Test
  void chartNumbersAndAxes() {
    assertEquals(1.0, Charts.niceCeiling(0));
    assertEquals(250.0, Charts.niceCeiling(201));
    assertEquals(5e6, Charts.niceCeiling(2.6e6));
    assertEquals(1000.0, Charts.niceCeiling(1000));
    assertEquals("1.5k", Charts.shortNumber(1500));
    assertEquals("50M", Charts.shortNumber(5e7));
    assertEquals("0.25", Charts.shortNumber(0.25));
    assertEquals("300", Charts.shortNumber(300));
  }
}
