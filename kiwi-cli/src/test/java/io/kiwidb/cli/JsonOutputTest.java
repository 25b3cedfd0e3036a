package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --json}: one document per command, in the reference engine's snake_case shapes. */
class JsonOutputTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The reference engine's nine stats fields, in its order. */
  static final List<String> REFERENCE_STATS_FIELDS =
      List.of(
          "key_count",
          "seq",
          "wal_entry_count",
          "data_root",
          "active_table_id",
          "active_size_bytes",
          "immutable_queue_len",
          "immutable_snapshots",
          "l0_sstable_count");

  @TempDir Path dir;
  FakeStorageEngine engine;

  @BeforeEach
  void setUp() {
    engine = new FakeStorageEngine(dir);
  }

  private JsonNode json(int expectedCode, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args[0], "--data", dir.toString(), "--json"));
    all.addAll(List.of(args).subList(1, args.length));
    CliRun run = CliRun.run(engine.opener(), "", all.toArray(String[]::new));
    assertEquals(expectedCode, run.code(), run::toString);
    assertEquals(1, run.out().lines().count(), "one JSON document on one line: " + run);
    return MAPPER.readTree(run.out());
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void statsHasTheNineReferenceFieldsThenCounters() throws Exception {
    json(0, "put", "k", "v");
    JsonNode stats = json(0, "stats");
    List<String> expected = new ArrayList<>(REFERENCE_STATS_FIELDS);
    expected.addAll(List.of("log_port", "counters"));
    assertEquals(expected, fieldNames(stats));
    assertEquals(1, stats.get("key_count").asLong());
    assertEquals(dir.toString(), stats.get("data_root").asText());
    assertTrue(stats.get("immutable_snapshots").isArray());
    assertEquals(1, stats.get("counters").get("writes").asLong());
    assertTrue(stats.get("counters").has("block_cache_hits"));
  }

  @Test
  void getPutAndDelAnswerInJson() throws Exception {
    assertEquals("{\"ok\":true}", json(0, "put", "k", "v").toString());
    assertEquals("{\"key\":\"k\",\"found\":true,\"value\":\"v\"}", json(0, "get", "k").toString());
    json(0, "del", "k");
    assertEquals("{\"key\":\"k\",\"found\":false,\"value\":null}", json(1, "get", "k").toString());
  }

  @Test
  void memListingAndDetailFollowTheReferenceShapes() throws Exception {
    json(0, "put", "k1", "v1");
    engine.freeze();
    json(0, "put", "k2", "v2");
    JsonNode mem = json(0, "mem");
    assertEquals(List.of("active", "immutable"), fieldNames(mem));
    assertEquals(
        List.of(
            "table_id",
            "snapshot_id",
            "entry_count",
            "size_bytes",
            "min_seq",
            "max_seq",
            "created_at_millis"),
        fieldNames(mem.get("active")));
    assertTrue(mem.get("active").get("snapshot_id").isNull());
    assertEquals("s0", mem.get("immutable").get(0).get("snapshot_id").asText());
    JsonNode detail = json(0, "mem", "a1");
    assertEquals(List.of("type", "table_id", "snapshot_id", "entries"), fieldNames(detail));
    assertEquals("active", detail.get("type").asText());
    assertEquals(
        "{\"key\":\"k2\",\"seq\":2,\"op\":\"PUT\",\"value\":\"v2\"}",
        detail.get("entries").get(0).toString());
  }

  @Test
  void diskListingIsKeyedByLevelAndDetailCarriesEntries() throws Exception {
    json(0, "put", "k1", "v1");
    json(0, "del", "k0");
    json(0, "flush");
    JsonNode disk = json(0, "disk");
    assertEquals(List.of("L0", "L1"), fieldNames(disk));
    JsonNode t = disk.get("L0").get(0);
    assertEquals(
        List.of(
            "file_id",
            "level",
            "record_count",
            "tombstone_count",
            "size_bytes",
            "smallest_key",
            "largest_key",
            "min_seq",
            "max_seq",
            "filter_policy",
            "compression"),
        fieldNames(t));
    assertEquals("k0", t.get("smallest_key").asText());
    assertEquals(1, t.get("tombstone_count").asLong());
    JsonNode detail = json(0, "disk", "000001");
    assertEquals("000001", detail.get("file_id").asText());
    assertEquals(
        "{\"key\":\"k0\",\"seq\":2,\"op\":\"DELETE\",\"value\":null}",
        detail.get("entries").get(0).toString());
  }

  @Test
  void scanTraceAndConfigInJson() throws Exception {
    json(0, "put", "a", "1");
    json(0, "put", "b", "2");
    assertEquals(
        "[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"b\",\"value\":\"2\"}]",
        json(0, "scan").toString());
    JsonNode trace = json(0, "trace", "a");
    assertEquals(List.of("key", "read_sequence", "steps", "outcome", "value"), fieldNames(trace));
    assertEquals("FOUND", trace.get("outcome").asText());
    assertEquals(
        "{\"layer\":\"memtable\",\"source\":\"a0\",\"filter\":\"NOT_CHECKED\","
            + "\"cache\":\"NOT_READ\",\"answer\":\"FOUND\",\"seq\":1}",
        trace.get("steps").get(0).toString());
    JsonNode config = json(0, "config");
    assertEquals(10, config.get("max_memtable_entries").asInt());
    assertEquals(0.05, config.get("bloom_fpr_dev").asDouble());
    assertEquals(
        "{\"key\":\"env\",\"old_value\":\"dev\",\"new_value\":\"prod\",\"applied_live\":true}",
        json(0, "config", "set", "env", "prod").toString());
    assertEquals("{\"flushed\":true}", json(0, "flush").toString());
  }

  @Test
  void hexKeysInJsonAreHexStrings() throws Exception {
    json(0, "put", "--hex", "00ff", "80");
    assertEquals(
        "{\"key\":\"00ff\",\"found\":true,\"value\":\"80\"}",
        json(0, "get", "--hex", "00ff").toString());
    // In utf8 format, bytes that are not UTF-8 fall back to the escaped text form.
    JsonNode scan = json(0, "scan");
    assertEquals("\\x00\\xff", scan.get(0).get("key").asText());
    assertFalse(scan.get(0).get("value").isNull());
  }
}
