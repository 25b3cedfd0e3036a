package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-shot commands ({@code kiwi get --data d k}): their output and exit codes. */
class OneShotCommandsTest {
  @TempDir Path dir;
  FakeStorageEngine engine;

  @BeforeEach
  void setUp() {
    engine = new FakeStorageEngine(dir);
  }

  private CliRun kiwi(String... args) {
    String[] withData = new String[args.length + 1];
    withData[0] = args[0];
    withData[1] = "--data=" + dir;
    System.arraycopy(args, 1, withData, 2, args.length - 1);
    return CliRun.run(engine.opener(), "", withData);
  }

  @Test
  void putThenGetPrintsTheValueAndClosesTheEngineEachTime() {
    CliRun put = kiwi("put", "k1", "hello world");
    assertEquals(0, put.code(), put::toString);
    assertEquals("OK\n", put.out());
    CliRun get = kiwi("get", "k1");
    assertEquals(0, get.code(), get::toString);
    assertEquals("hello world\n", get.out());
    assertEquals(2, engine.opens);
    assertEquals(2, engine.closes);
    assertTrue(engine.isClosed());
  }

  @Test
  void getOfAnAbsentKeyExitsOneWithAMessageOnStderr() {
    CliRun get = kiwi("get", "nope");
    assertEquals(ExitCodes.NOT_FOUND, get.code(), get::toString);
    assertEquals("", get.out());
    assertEquals("(not found) nope\n", get.err());
  }

  @Test
  void deleteHidesTheKey() {
    kiwi("put", "k", "v");
    assertEquals(0, kiwi("del", "k").code());
    assertEquals(ExitCodes.NOT_FOUND, kiwi("get", "k").code());
    assertEquals(0, kiwi("delete", "never-there").code(), "deleting an absent key is fine");
  }

  @Test
  void scanHonoursPrefixBoundsLimitAndReverse() {
    for (String k : List.of("a", "b1", "b2", "b3", "c")) {
      kiwi("put", k, "v" + k);
    }
    assertEquals(List.of("b1\tvb1", "b2\tvb2", "b3\tvb3"), kiwi("scan", "--prefix", "b").lines());
    assertEquals(List.of("b2\tvb2", "b3\tvb3"), kiwi("scan", "--from", "b2", "--to", "c").lines());
    assertEquals(List.of("c\tvc", "b3\tvb3"), kiwi("scan", "--reverse", "--limit", "2").lines());
    CliRun all = kiwi("scan");
    assertEquals(5, all.lines().size());
    assertEquals("(5 keys)\n", all.err());
    assertEquals(ExitCodes.USAGE, kiwi("scan", "--limit", "-1").code());
    assertEquals(ExitCodes.USAGE, kiwi("scan", "--limit", "many").code());
  }

  @Test
  void flushMovesTheMemtableToATableThatDiskLists() {
    kiwi("put", "k1", "v1");
    kiwi("put", "k2", "v2");
    CliRun flush = kiwi("flush");
    assertTrue(flush.out().startsWith("flush queued"), flush::toString);
    assertTrue(kiwi("flush").out().startsWith("nothing to flush"));
    CliRun disk = kiwi("disk");
    assertEquals(0, disk.code(), disk::toString);
    assertTrue(disk.lines().get(0).startsWith("LEVEL  FILE_ID"), disk::toString);
    assertTrue(
        disk.lines().get(1).matches("L0\\s+000001\\s+2\\s+0\\s+200\\s+k1\\s+k2\\s+1\\s+2.*"));
    CliRun detail = kiwi("disk", "000001");
    assertTrue(detail.out().startsWith("table 000001 in L0: 2 records"), detail::toString);
    assertTrue(detail.out().contains("k2     2  PUT  v2"), detail::toString);
    CliRun missing = kiwi("disk", "999");
    assertEquals(ExitCodes.NOT_FOUND, missing.code());
    assertEquals("no live table with id '999'\n", missing.err());
  }

  @Test
  void diskOnAnEmptyStoreSaysSo() {
    assertEquals("no table files yet (flush writes the first one to L0)\n", kiwi("disk").out());
  }

  @Test
  void memListsAndShowsMemtables() {
    kiwi("put", "k1", "v1");
    kiwi("del", "k1");
    engine.freeze();
    kiwi("put", "k2", "v2");
    CliRun mem = kiwi("mem");
    assertEquals(0, mem.code(), mem::toString);
    List<String> lines = mem.lines();
    assertEquals(3, lines.size(), mem::toString);
    assertTrue(lines.get(0).startsWith("ROLE       TABLE_ID  SNAPSHOT_ID  ENTRIES"), mem::toString);
    assertTrue(
        lines.get(1).matches("active\\s+a1\\s+-\\s+1\\s+64\\s+3\\s+3\\s+2023-.*"), mem::toString);
    assertTrue(
        lines.get(2).matches("immutable\\s+a0\\s+s0\\s+2\\s+128\\s+1\\s+2\\s+.*"), mem::toString);
    CliRun detail = kiwi("mem", "a1");
    assertEquals(
        List.of("active memtable a1: 1 entry", "KEY  SEQ  OP   VALUE", "k2     3  PUT  v2"),
        detail.lines());
    assertEquals(detail.lines(), kiwi("mem", "active").lines(), "'active' names the active one");
    CliRun missing = kiwi("mem", "zz");
    assertEquals(ExitCodes.NOT_FOUND, missing.code());
    assertEquals("no memtable with id 'zz'\n", missing.err());
  }

  @Test
  void statsShowsTheNineFieldsAndTheCounters() {
    kiwi("put", "k1", "v1");
    CliRun stats = kiwi("stats");
    assertEquals(0, stats.code());
    List<String> keys = stats.lines().stream().map(l -> l.split("\\s+")[0]).toList();
    assertEquals(JsonOutputTest.REFERENCE_STATS_FIELDS, keys.subList(0, 9));
    assertTrue(stats.out().contains("writes               1"), stats::toString);
  }

  @Test
  void traceIsAnAlignedTableEndingWithTheResult() {
    kiwi("put", "k1", "v1");
    kiwi("flush");
    kiwi("put", "zz", "v2");
    CliRun trace = kiwi("trace", "k1");
    assertEquals(0, trace.code(), trace::toString);
    assertEquals(
        List.of(
            "trace of k1 at sequence 2:",
            "#  LAYER     SOURCE  FILTER       CACHE     ANSWER  SEQ",
            "1  memtable  a1      not checked  not read  absent    -",
            "2  L0        000001  maybe        miss      found     1",
            "result: found: v1"),
        trace.lines());
    CliRun absent = kiwi("trace", "b");
    assertEquals("result: not found in any layer", absent.lines().get(absent.lines().size() - 1));
    assertTrue(absent.out().contains("out of range"), absent::toString);
  }

  @Test
  void configShowsAndSetsKeys() {
    CliRun config = kiwi("config");
    assertEquals("env                      dev", config.lines().get(0));
    CliRun set = kiwi("config", "set", "max_memtable_entries", "20");
    assertEquals(0, set.code(), set::toString);
    assertEquals("max_memtable_entries: 10 -> 20\n", set.out());
    CliRun later = kiwi("config", "set", "block_size", "8192");
    assertEquals(
        "block_size: 4096 -> 8192 (saved; takes effect when the store is reopened)\n", later.out());
  }

  @Test
  void aBadConfigValueShowsTheEnginesMessageAsIsAndExitsThree() {
    CliRun set = kiwi("config", "set", "max_memtable_entries", "lots");
    assertEquals(ExitCodes.DATA_DIR, set.code(), set::toString);
    assertEquals(
        "kiwi: invalid config max_memtable_entries=\"lots\": must be a number\n", set.err());
    CliRun bad = kiwi("config", "set", "max_memtable_entries");
    assertEquals(ExitCodes.USAGE, bad.code(), bad::toString);
    assertTrue(bad.err().contains("config set <key> <value>"), bad::toString);
  }

  @Test
  void hexAndBase64ApplyToInputAndOutput() {
    assertEquals(0, kiwi("put", "--hex", "00ff", "0a0b").code());
    assertEquals("0a0b\n", kiwi("get", "--hex", "00ff").out());
    assertEquals("Cgs=\n", kiwi("get", "--base64", "AP8=").out());
    assertEquals("0a0b\n", kiwi("get", "--format", "HEX", "0x00FF").out());
    assertEquals("\\x00\\xff\t\\n\\x0b\n", kiwi("scan").out());
    assertEquals("00ff\t0a0b\n", kiwi("scan", "--hex").out());
  }

  @Test
  void nonPrintableBytesAreShownSafely() {
    kiwi("put", "--hex", "6b", "6c696e65310a09ff1b5b33316d");
    assertEquals("line1\\n\\t\\xff\\x1b[31m\n", kiwi("get", "k").out());
  }

  @Test
  void badArgumentsAreUsageErrors() {
    CliRun badHex = kiwi("get", "--hex", "xyz1");
    assertEquals(ExitCodes.USAGE, badHex.code(), badHex::toString);
    assertEquals("kiwi: key 'xyz1' is not hex: only 0-9 and a-f are allowed\n", badHex.err());
    CliRun odd = kiwi("get", "--hex", "abc");
    assertEquals("kiwi: key 'abc' is not hex: it has an odd number of digits\n", odd.err());
    CliRun two = kiwi("get", "--hex", "--base64", "ab");
    assertEquals(ExitCodes.USAGE, two.code());
    assertTrue(two.err().startsWith("kiwi: choose one of --hex"), two::toString);
    CliRun format = kiwi("get", "--format", "rot13", "ab");
    assertEquals(ExitCodes.USAGE, format.code());
    assertTrue(format.err().contains("unknown format 'rot13'"), format::toString);
    CliRun missing = kiwi("put", "k");
    assertEquals(ExitCodes.USAGE, missing.code());
    assertTrue(missing.err().contains("Missing required parameter: '<value>'"), missing::toString);
    assertTrue(missing.err().contains("Try 'kiwi put --help'."), missing::toString);
    CliRun empty = kiwi("put", "", "v");
    assertEquals(ExitCodes.USAGE, empty.code());
    assertTrue(empty.err().startsWith("kiwi: key is empty"), empty::toString);
    CliRun unknown = CliRun.run(engine.opener(), "", "frobnicate");
    assertEquals(ExitCodes.USAGE, unknown.code());
    assertEquals(0, engine.opens, "no engine is opened for a usage error");
  }

  @Test
  void aMissingDataDirectoryIsAnErrorForReadsAndCreatedForWrites() {
    Path missing = dir.resolve("nope");
    CliRun get = CliRun.run(engine.opener(), "", "get", "--data", missing.toString(), "k");
    assertEquals(ExitCodes.DATA_DIR, get.code(), get::toString);
    assertEquals(
        "kiwi: data directory "
            + missing
            + " does not exist (check --data; put, del, flush, config set and shell create it)\n",
        get.err());
    assertEquals(0, engine.opens);
    CliRun put = CliRun.run(engine.opener(), "", "put", "--data", missing.toString(), "k", "v");
    assertEquals(0, put.code(), put::toString);
    assertEquals(1, engine.opens);
  }

  @Test
  void aDataPathThatIsAFileIsRejected() throws IOException {
    Path file = Files.write(dir.resolve("file"), "x".getBytes(StandardCharsets.UTF_8));
    CliRun put = CliRun.run(engine.opener(), "", "put", "--data", file.toString(), "k", "v");
    assertEquals(ExitCodes.DATA_DIR, put.code());
    assertEquals("kiwi: data directory " + file + " is not a directory\n", put.err());
  }

  @Test
  void openFailuresMapToTheirExitCodes() {
    assertOpenFailure(
        new KiwiException("data directory is locked by another process (pid 42)"),
        ExitCodes.DATA_DIR,
        "kiwi: cannot open data directory "
            + dir
            + ": data directory is locked by another process (pid 42)\n");
    assertOpenFailure(
        new InvalidConfigException("config.json line 3 column 7: unexpected '}'", null),
        ExitCodes.DATA_DIR,
        "kiwi: config.json line 3 column 7: unexpected '}'\n");
    assertOpenFailure(
        new CorruptionException("wal/000001.log", 42, "checksum mismatch"),
        ExitCodes.STORAGE,
        "kiwi: corruption in wal/000001.log at offset 42: checksum mismatch\n");
    assertOpenFailure(
        new KiwiIOException("read MANIFEST", new IOException("EIO")),
        ExitCodes.STORAGE,
        "kiwi: read MANIFEST failed: java.io.IOException: EIO\n");
    assertOpenFailure(
        new IllegalStateException("no kiwi-db engine found: add the module io.kiwidb.engine"),
        ExitCodes.INTERNAL,
        "kiwi: no kiwi-db engine found: add the module io.kiwidb.engine\n");
    assertOpenFailure(
        new ArithmeticException("/ by zero"),
        ExitCodes.INTERNAL,
        "kiwi: internal error: java.lang.ArithmeticException: / by zero"
            + " (set KIWI_DEBUG=1 for the stack trace)\n");
  }

  private void assertOpenFailure(RuntimeException thrown, int code, String err) {
    EngineOpener failing =
        d -> {
          throw thrown;
        };
    CliRun run = CliRun.run(failing, "", "get", "--data", dir.toString(), "k");
    assertEquals(code, run.code(), run::toString);
    assertEquals(err, run.err());
    assertEquals("", run.out());
  }

  @Test
  void theDataOptionMayComeBeforeTheCommand() {
    CliRun.run(engine.opener(), "", "--data", dir.toString(), "put", "k", "v");
    assertEquals(
        "v\n", CliRun.run(engine.opener(), "", "--data", dir.toString(), "get", "k").out());
  }

  @Test
  void infoStillWorksAndNeedsNoEngine() {
    CliRun info = CliRun.run(engine.opener(), "", "info", "--data", dir.toString());
    assertEquals(0, info.code(), info::toString);
    assertTrue(info.out().startsWith("kiwi "), info::toString);
    assertTrue(info.out().contains("data directory: " + dir.toAbsolutePath()), info::toString);
    assertEquals(0, engine.opens);
  }

  @Test
  void helpListsTheExitCodes() {
    CliRun help = CliRun.run(engine.opener(), "", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("Exit codes:"), help::toString);
    assertTrue(help.out().contains("  3  data directory missing"), help::toString);
  }
}
