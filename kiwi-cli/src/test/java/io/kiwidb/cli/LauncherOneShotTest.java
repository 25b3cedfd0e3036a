package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-shot commands as a script runs them: every command is a new {@code ./kiwi} process on the
 * real engine, and the test checks what a script sees: stdout (one JSON document with {@code
 * --json}), stderr and the exit code.
 *
 * <p>Tagged {@code launcher}: the build runs it after {@code package} (see kiwi-cli's pom), so
 * {@code ./mvnw -B verify} exercises the jar it ships.
 */
@Tag("launcher")
class LauncherOneShotTest {
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @TempDir Path work;
  KiwiLauncher kiwi;
  Path data;

  @BeforeAll
  static void needsThePackagedProgram() {
    KiwiLauncher.assumePackaged();
  }

  @BeforeEach
  void setUp() {
    kiwi = new KiwiLauncher(work);
    data = work.resolve("data");
  }

  /** Runs {@code kiwi <command> --data <data> --json args...} and parses its single document. */
  private JsonNode json(int expectedCode, String command, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(command, "--data", data.toString(), "--json"));
    all.addAll(List.of(args));
    CliRun run = kiwi.run(all.toArray(String[]::new));
    assertEquals(expectedCode, run.code(), run::toString);
    assertEquals(1, run.out().lines().count(), () -> "one document on one line: " + run);
    assertTrue(run.out().endsWith("\n"), run::toString);
    assertFalse(run.err().contains("Exception"), run::toString);
    return STRICT.readTree(run.out());
  }

  private CliRun text(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command, "--data", data.toString()));
    all.addAll(List.of(args));
    return kiwi.run(all.toArray(String[]::new));
  }

  @Test
  void theCoreCommandsRunOneShotWithJsonOutput() throws Exception {
    assertEquals("{\"ok\":true}", json(0, "put", "user:1", "ada").toString());
    json(0, "put", "--hex", "6b6579", "c3a9"); // key "key", value "é"
    assertEquals(
        "{\"key\":\"user:1\",\"found\":true,\"value\":\"ada\"}",
        json(0, "get", "user:1").toString());
    assertEquals("{\"ok\":true}", json(0, "del", "user:1").toString());
    assertEquals(
        "{\"key\":\"user:1\",\"found\":false,\"value\":null}", json(1, "get", "user:1").toString());
    assertEquals(
        "[{\"key\":\"a2V5\",\"value\":\"w6k=\"}]",
        json(0, "scan", "--base64").toString(),
        "--base64 encodes keys and values in JSON too");
    assertEquals("{\"flushed\":true}", json(0, "flush").toString());

    JsonNode disk = json(0, "disk");
    JsonNode table = disk.get("L0").get(0);
    assertEquals(0, table.get("level").asInt(), disk::toString);
    assertEquals("key", table.get("smallest_key").asText(), disk::toString);
    assertEquals("user:1", table.get("largest_key").asText(), disk::toString);
    assertEquals(1, table.get("tombstone_count").asInt(), disk::toString);

    JsonNode stats = json(0, "stats");
    assertEquals(data.toAbsolutePath().toString(), stats.get("data_root").asText());
    assertEquals(1, stats.get("l0_sstable_count").asInt(), stats::toString);
    // One-shot commands run no log broadcast (the shell and kiwi serve do).
    assertEquals(0, stats.get("log_port").asInt(), stats::toString);
    assertTrue(stats.get("counters").has("block_cache_hits"), stats::toString);

    JsonNode trace = json(0, "trace", "user:1");
    assertEquals("TOMBSTONE", trace.get("outcome").asText(), trace::toString);
    assertTrue(trace.get("value").isNull(), trace::toString);
    List<String> layers = new ArrayList<>();
    trace.get("steps").forEach(s -> layers.add(s.get("layer").asText()));
    assertEquals(List.of("memtable", "L0"), layers, trace::toString);
  }

  /** The remaining commands; slow because every one-shot run starts a JVM and opens the engine. */
  @Test
  @Tag("slow")
  void theInspectionAndConfigCommandsRunOneShotWithJsonOutput() throws Exception {
    json(0, "put", "--hex", "6b6579", "c3a9"); // key "key", value "é"
    json(0, "del", "user:1");
    json(0, "flush");
    String fileId = json(0, "disk").get("L0").get(0).get("file_id").asText();
    JsonNode detail = json(0, "disk", fileId);
    assertEquals(fileId, detail.get("file_id").asText());
    List<String> ops = new ArrayList<>();
    detail.get("entries").forEach(e -> ops.add(e.get("key").asText() + ":" + e.get("op").asText()));
    assertEquals(List.of("key:PUT", "user:1:DELETE"), ops, detail::toString);

    // Text output is UTF-8 by default, whatever the JVM's default charset.
    CliRun text = text("get", "key");
    assertEquals("é\n", text.out(), text::toString);

    JsonNode mem = json(0, "mem");
    assertEquals(0, mem.get("active").get("entry_count").asInt(), mem::toString);
    assertTrue(mem.get("immutable").isArray(), mem::toString);
    // The active memtable's id is new at every open: one-shot runs name it "active".
    JsonNode memDetail = json(0, "mem", "active");
    assertEquals("active", memDetail.get("type").asText(), memDetail::toString);
    assertTrue(memDetail.get("entries").isEmpty(), memDetail::toString);

    JsonNode set = json(0, "config", "set", "block_size", "8192");
    assertEquals("block_size", set.get("key").asText(), set::toString);
    assertEquals(8192, set.get("new_value").asInt(), set::toString);
    JsonNode config = json(0, "config");
    assertEquals(8192, config.get("block_size").asInt(), "saved to config.json: " + config);
  }

  @Test
  void aMissingDataDirectoryIsReportedAndNotCreatedByReads() {
    Path missing = work.resolve("no-such-dir");
    CliRun run = kiwi.run("get", "--data", missing.toString(), "--json", "k");
    assertEquals(ExitCodes.DATA_DIR, run.code(), run::toString);
    assertEquals("", run.out(), "no JSON document on failure");
    assertEquals(
        "kiwi: data directory "
            + missing
            + " does not exist (check --data; put, del, flush, config set and shell create it)\n",
        run.err());
    assertFalse(Files.exists(missing), "a read never creates the data directory");
  }

  @Test
  void badArgumentsAreUsageErrorsThatTouchNothing() {
    CliRun unknown = kiwi.run("frobnicate", "--data", data.toString());
    assertEquals(ExitCodes.USAGE, unknown.code(), unknown::toString);
    assertEquals(
        "kiwi: unknown command 'frobnicate'\nTry 'kiwi --help' for the list of commands.\n",
        unknown.err());
    CliRun missing = text("put", "k");
    assertEquals(ExitCodes.USAGE, missing.code(), missing::toString);
    assertEquals(
        "kiwi: Missing required parameter: '<value>' (or - to read it from standard input, or"
            + " --value-file <path>)\nTry 'kiwi put --help'.\n",
        missing.err());
    CliRun hex = text("put", "--hex", "zz", "00");
    assertEquals(ExitCodes.USAGE, hex.code(), hex::toString);
    assertEquals("kiwi: key 'zz' is not hex: only 0-9 and a-f are allowed\n", hex.err());
    assertFalse(Files.exists(data), "a usage error creates no store, not even for put");
  }

  /** Slow: six engine starts; RealEngineCommandsTest checks the same in-process by default. */
  @Test
  @Tag("slow")
  void badConfigValuesAreRejectedAndConfigJsonIsNeverReplaced() throws Exception {
    assertEquals(0, text("put", "k", "v").code());
    Path configFile = data.resolve("config.json");
    String before = Files.readString(configFile);

    CliRun type = text("config", "set", "max_memtable_entries", "lots");
    assertEquals(ExitCodes.DATA_DIR, type.code(), type::toString);
    assertTrue(
        type.err().startsWith("kiwi: invalid config max_memtable_entries=\"lots\": "),
        type::toString);
    CliRun range = text("config", "set", "bloom_fpr_dev", "2");
    assertEquals(ExitCodes.DATA_DIR, range.code(), range::toString);
    assertTrue(range.err().contains("bloom_fpr_dev=\"2\""), range::toString);
    assertEquals(before, Files.readString(configFile), "a rejected value is not saved");

    Files.writeString(configFile, "{\"env\": \"dev\",", StandardCharsets.UTF_8);
    CliRun corrupt = text("get", "k");
    assertEquals(ExitCodes.DATA_DIR, corrupt.code(), corrupt::toString);
    assertTrue(corrupt.err().startsWith("kiwi: config file "), corrupt::toString);
    assertTrue(corrupt.err().contains("is not valid JSON"), corrupt::toString);
    assertEquals("{\"env\": \"dev\",", Files.readString(configFile), "kept as it was");

    Files.writeString(configFile, "{\"max_memtable_entries\": \"x\"}", StandardCharsets.UTF_8);
    CliRun badValue = text("get", "k");
    assertEquals(ExitCodes.DATA_DIR, badValue.code(), badValue::toString);
    assertTrue(
        badValue.err().contains("max_memtable_entries=\"x\"")
            && badValue.err().contains(configFile.toString()),
        () -> "names the value and the file: " + badValue);
  }
}
