package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command, one-shot, against the real engine (found on the module path, as the program finds
 * it), in this JVM: each run opens the store in a temporary directory, runs and closes it. It
 * checks the text layouts and that every {@code --json} output is exactly one document, quickly;
 * the launcher tests repeat the core of it as separate processes.
 */
class RealEngineCommandsTest {
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @TempDir Path dir;
  Path data;

  @BeforeEach
  void setUp() {
    data = dir.resolve("data");
  }

  private CliRun kiwi(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command, "--data", data.toString()));
    all.addAll(List.of(args));
    return CliRun.run(EngineOpener.KIWI_DB, "", all.toArray(String[]::new));
  }

  private CliRun ok(String command, String... args) {
    CliRun run = kiwi(command, args);
    assertEquals(0, run.code(), run::toString);
    return run;
  }

  private JsonNode json(int code, String command, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--json"));
    all.addAll(List.of(args));
    CliRun run = kiwi(command, all.toArray(String[]::new));
    assertEquals(code, run.code(), run::toString);
    assertEquals(1, run.out().lines().count(), () -> "one document on one line: " + run);
    return STRICT.readTree(run.out());
  }

  @Test
  void everyCommandInTextWithTheRealEngine() {
    for (String k : List.of("a", "b1", "b2", "b3", "c")) {
      assertEquals("OK\n", ok("put", k, "v" + k).out());
    }
    assertEquals("vb2\n", ok("get", "b2").out());
    assertEquals("OK\n", ok("del", "b3").out());
    CliRun absent = kiwi("get", "b3");
    assertEquals(ExitCodes.NOT_FOUND, absent.code(), absent::toString);
    assertEquals("(not found) b3\n", absent.err());

    assertEquals(List.of("b1\tvb1", "b2\tvb2"), ok("scan", "--prefix", "b").lines());
    assertEquals(List.of("b1\tvb1", "b2\tvb2"), ok("scan", "--from", "b", "--to", "c").lines());
    assertEquals(List.of("c\tvc", "b2\tvb2"), ok("scan", "--reverse", "--limit", "2").lines());
    assertEquals(List.of("b2\tvb2", "b1\tvb1"), ok("scan", "--prefix", "b", "--reverse").lines());
    CliRun all = ok("scan");
    assertEquals(4, all.lines().size(), all::toString);
    assertEquals("(4 keys)\n", all.err());
    assertEquals(List.of(), ok("scan", "--limit", "0").lines());

    assertTrue(ok("flush").out().startsWith("flush queued"));
    assertEquals(
        "nothing to flush: the active memtable is empty\n",
        ok("flush").out(),
        "empty after reopen");
    List<String> disk = ok("disk").lines();
    assertTrue(
        disk.get(0).startsWith("LEVEL  FILE_ID  RECORDS  TOMBSTONES  SIZE_BYTES"), disk::toString);
    String[] row = disk.get(1).split("\\s+");
    assertEquals("L0", row[0], disk::toString);
    // Five records: a, b1, b2, c and b3's tombstone; the flush drops the put the tombstone hides.
    assertEquals(
        List.of("5", "1", "a", "c"), List.of(row[2], row[3], row[5], row[6]), disk::toString);
    CliRun table = ok("disk", row[1]);
    assertTrue(
        table.out().startsWith("table " + row[1] + " in L0: 5 records (1 tombstones)"),
        table::toString);
    assertTrue(table.out().contains("KEY  SEQ  OP      VALUE"), table::toString);
    assertTrue(table.out().contains("b3     6  DELETE  -"), table::toString);

    ok("put", "d", "vd");
    List<String> mem = ok("mem").lines();
    assertTrue(mem.get(0).startsWith("ROLE    TABLE_ID"), mem::toString);
    assertTrue(mem.get(1).matches("active\\s+\\w+\\s+-\\s+1\\s+.*"), mem::toString);
    List<String> active = ok("mem", "active").lines();
    assertTrue(active.get(0).matches("active memtable \\w+: 1 entry"), active::toString);
    assertTrue(active.get(2).matches("d\\s+7\\s+PUT\\s+vd"), active::toString);

    List<String> trace = ok("trace", "b2").lines();
    assertEquals("trace of b2 at sequence 7:", trace.get(0));
    assertTrue(
        trace.get(1).matches("#\\s+LAYER\\s+SOURCE\\s+FILTER\\s+CACHE\\s+ANSWER\\s+SEQ"),
        trace::toString);
    assertTrue(
        trace.get(2).matches("1\\s+memtable\\s+\\w+\\s+not checked\\s+not read\\s+absent\\s+-"),
        trace::toString);
    assertTrue(
        trace.get(3).matches("2\\s+L0\\s+" + row[1] + "\\s+maybe\\s+(miss|hit)\\s+found\\s+3"),
        trace::toString);
    assertEquals("result: found: vb2", trace.get(4));
    assertEquals("result: deleted (a tombstone hides older versions)", last(ok("trace", "b3")));
    assertEquals("result: not found in any layer", last(ok("trace", "zz")));

    List<String> stats = ok("stats").lines();
    assertTrue(stats.get(0).matches("key_count\\s+\\d+"), stats::toString);
    assertTrue(stats.contains("l0_sstable_count     1"), stats::toString);
    assertTrue(ok("config").out().contains("max_memtable_entries"));
    CliRun set = ok("config", "set", "block_size", "8192");
    assertTrue(set.out().startsWith("block_size: 4096 -> 8192"), set::toString);
  }

  private static String last(CliRun run) {
    List<String> lines = run.lines();
    return lines.get(lines.size() - 1);
  }

  @Test
  void everyCommandInJsonWithTheRealEngine() throws Exception {
    assertEquals("{\"ok\":true}", json(0, "put", "k1", "v1").toString());
    json(0, "put", "k2", "v2");
    assertEquals("{\"ok\":true}", json(0, "del", "k2").toString());
    assertEquals(
        "{\"key\":\"k1\",\"found\":true,\"value\":\"v1\"}", json(0, "get", "k1").toString());
    assertEquals(
        "{\"key\":\"k2\",\"found\":false,\"value\":null}", json(1, "get", "k2").toString());
    assertEquals("[{\"key\":\"k1\",\"value\":\"v1\"}]", json(0, "scan").toString());
    assertEquals("{\"flushed\":true}", json(0, "flush").toString());
    JsonNode disk = json(0, "disk");
    String fileId = disk.get("L0").get(0).get("file_id").asText();
    JsonNode table = json(0, "disk", fileId);
    assertEquals("k1", table.get("entries").get(0).get("key").asText(), table::toString);
    json(0, "put", "k3", "v3");
    assertEquals(1, json(0, "mem").get("active").get("entry_count").asInt());
    assertEquals("k3", json(0, "mem", "active").get("entries").get(0).get("key").asText());
    JsonNode stats = json(0, "stats");
    assertEquals(1, stats.get("l0_sstable_count").asInt(), stats::toString);
    assertTrue(json(0, "config").has("block_size"));
    JsonNode change = json(0, "config", "set", "max_memtable_entries", "100");
    assertEquals(100, change.get("new_value").asInt(), change::toString);
    JsonNode trace = json(0, "trace", "k1");
    assertEquals("FOUND", trace.get("outcome").asText(), trace::toString);
    assertEquals(2, trace.get("steps").size(), trace::toString);
  }

  @Test
  void aRejectedConfigValueNamesTheValueAndLeavesConfigJsonAlone() throws Exception {
    ok("put", "k", "v");
    String before = java.nio.file.Files.readString(data.resolve("config.json"));
    for (String[] bad :
        List.of(
            new String[] {"max_memtable_entries", "lots"},
            new String[] {"max_memtable_entries", "-5"},
            new String[] {"env", "staging"},
            new String[] {"no_such_key", "1"})) {
      CliRun run = kiwi("config", "set", bad[0], bad[1]);
      assertEquals(ExitCodes.DATA_DIR, run.code(), run::toString);
      assertTrue(
          run.err().startsWith("kiwi: invalid config " + bad[0] + "=\"" + bad[1] + "\": "),
          run::toString);
    }
    assertEquals(before, java.nio.file.Files.readString(data.resolve("config.json")));
  }

  @Test
  void aCorruptConfigJsonStopsEveryCommandAndIsKeptAsItWas() throws Exception {
    ok("put", "k", "v");
    Path configFile = data.resolve("config.json");
    java.nio.file.Files.writeString(configFile, "{\"env\": \"dev\",");
    CliRun corrupt = kiwi("get", "k");
    assertEquals(ExitCodes.DATA_DIR, corrupt.code(), corrupt::toString);
    assertTrue(corrupt.err().startsWith("kiwi: config file "), corrupt::toString);
    assertTrue(corrupt.err().contains("is not valid JSON"), corrupt::toString);
    assertEquals("", corrupt.out());
    assertEquals("{\"env\": \"dev\",", java.nio.file.Files.readString(configFile));

    java.nio.file.Files.writeString(configFile, "{\"max_memtable_entries\": \"x\"}");
    CliRun badValue = kiwi("put", "k", "v2");
    assertEquals(ExitCodes.DATA_DIR, badValue.code(), badValue::toString);
    assertTrue(
        badValue.err().startsWith("kiwi: invalid config max_memtable_entries=\"x\"")
            && badValue.err().contains(" in " + configFile + " (the file was left unchanged"),
        () -> "names the value and the file: " + badValue);
    assertEquals("{\"max_memtable_entries\": \"x\"}", java.nio.file.Files.readString(configFile));
  }
}
