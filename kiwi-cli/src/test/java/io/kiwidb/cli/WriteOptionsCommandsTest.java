package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.WriteOptions;
import io.kiwidb.api.WriteOptions.Sync;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-write flags ({@code --sync}, {@code --no-sync}, {@code --no-wal}) and {@code flush
 * --wait}, one-shot and in the shell: the {@link WriteOptions} and flush argument that reach the
 * engine, the usage errors for flags that contradict each other, and the reference REPL's plain
 * {@code put}, {@code del} and {@code flush} unchanged.
 */
class WriteOptionsCommandsTest {
  private static final WriteOptions NO_SYNC_NO_WAL = new WriteOptions(Sync.NO_SYNC, true);

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

  private CliRun shell(String script) {
    return CliRun.run(engine.opener(), script, "shell", "--data=" + dir, "--no-history");
  }

  private void ok(CliRun run) {
    assertEquals(0, run.code(), run::toString);
  }

  @Test
  void putFlagsReachTheEngineAsWriteOptions() {
    ok(kiwi("put", "k", "v"));
    ok(kiwi("put", "--sync", "k", "v"));
    ok(kiwi("put", "k", "v", "--no-sync"));
    ok(kiwi("put", "--no-wal", "k", "v"));
    ok(kiwi("put", "--no-wal", "--no-sync", "k", "v"));
    assertEquals(
        List.of(
            WriteOptions.DEFAULTS,
            WriteOptions.SYNC,
            WriteOptions.NO_SYNC,
            WriteOptions.NO_WAL,
            NO_SYNC_NO_WAL),
        engine.writeOptions);
    assertEquals("OK\n", kiwi("put", "--sync", "k", "v").out());
  }

  @Test
  void delAndDeleteTakeTheSameFlags() {
    ok(kiwi("del", "k"));
    ok(kiwi("delete", "--sync", "k"));
    ok(kiwi("del", "--no-sync", "k"));
    ok(kiwi("del", "k", "--no-wal"));
    assertEquals(
        List.of(
            WriteOptions.DEFAULTS, WriteOptions.SYNC, WriteOptions.NO_SYNC, WriteOptions.NO_WAL),
        engine.writeOptions);
  }

  @Test
  void contradictoryFlagsAreAUsageErrorNamingThemAndOpenNothing() {
    CliRun both = kiwi("put", "--sync", "--no-sync", "k", "v");
    assertEquals(ExitCodes.USAGE, both.code(), both::toString);
    assertEquals(
        "kiwi: --sync and --no-sync contradict each other: give one of them\n"
            + "Try 'kiwi put --help'.\n",
        both.err());
    assertEquals("", both.out());

    CliRun syncNoWal = kiwi("del", "--no-wal", "--sync", "k");
    assertEquals(ExitCodes.USAGE, syncNoWal.code(), syncNoWal::toString);
    assertEquals(
        "kiwi: --sync cannot be combined with --no-wal: a write that skips the write-ahead log"
            + " has nothing to fsync (make it durable with flush --wait)\n"
            + "Try 'kiwi del --help'.\n",
        syncNoWal.err());

    CliRun twice = kiwi("put", "--sync", "--sync", "k", "v");
    assertEquals(ExitCodes.USAGE, twice.code(), twice::toString);
    assertTrue(twice.err().contains("--sync"), twice::toString);

    CliRun typo = kiwi("put", "--nowal", "k", "v");
    assertEquals(ExitCodes.USAGE, typo.code(), typo::toString);
    assertTrue(typo.err().startsWith("kiwi: unknown option '--nowal' for put"), typo::toString);
    assertTrue(typo.err().contains("did you mean '--no-wal'?"), typo::toString);

    assertEquals(0, engine.opens, "a usage error opens no engine");
    assertEquals(List.of(), engine.writeOptions);
  }

  @Test
  void flushWaitsOnlyWithWait() {
    ok(kiwi("put", "--no-wal", "k", "v"));
    CliRun wait = kiwi("flush", "--wait");
    ok(wait);
    assertEquals("flushed: the active memtable and every earlier one are in tables\n", wait.out());
    CliRun nothing = kiwi("flush", "--wait");
    assertEquals(
        "nothing to flush: the active memtable is empty; every earlier one is in tables\n",
        nothing.out());
    ok(kiwi("put", "k2", "v"));
    CliRun queued = kiwi("flush");
    assertTrue(queued.out().startsWith("flush queued"), queued::toString);
    assertEquals(List.of(true, true, false), engine.flushWaits);

    ok(kiwi("put", "k3", "v"));
    assertEquals("{\"flushed\":true,\"waited\":true}\n", kiwi("flush", "--wait", "--json").out());
    assertEquals("{\"flushed\":false}\n", kiwi("flush", "--json").out(), "unchanged without it");
  }

  @Test
  void theShellTakesTheSameFlagsAndItsErrorsAreUnprefixed() {
    CliRun run =
        shell(
            "put k1 v1\n"
                + "put --sync k2 v2\n"
                + "put k3 v3 --no-sync\n"
                + "put --no-wal k4 v4\n"
                + "del --no-wal --no-sync k1\n"
                + "put --sync --no-wal k5 v5\n"
                + "flush --wait\n"
                + "del k2\n"
                + "flush\n");
    assertEquals(0, run.code(), run::toString);
    assertEquals(
        List.of(
            WriteOptions.DEFAULTS,
            WriteOptions.SYNC,
            WriteOptions.NO_SYNC,
            WriteOptions.NO_WAL,
            NO_SYNC_NO_WAL,
            WriteOptions.DEFAULTS),
        engine.writeOptions);
    assertEquals(List.of(true, false), engine.flushWaits);
    assertEquals(
        "--sync cannot be combined with --no-wal: a write that skips the write-ahead log has"
            + " nothing to fsync (make it durable with flush --wait)\n"
            + "Try 'help put'.\n",
        run.err());
    assertEquals(ExitCodes.NOT_FOUND, kiwi("get", "k5").code(), "the refused put wrote nothing");
  }

  /**
   * The reference REPL's syntax ({@code put <key> <value>}, {@code del <key>}, flush) as before.
   */
  @Test
  void theReferenceReplSyntaxIsUnchanged() {
    CliRun run = shell("put user:1 ada\nget user:1\ndel user:1\nget user:1\nput a b\nflush\n");
    assertEquals(
        List.of(
            "OK",
            "ada",
            "OK",
            "OK",
            "flush queued: the active memtable is frozen" + " and will be written to L0"),
        run.lines(),
        run::toString);
    assertEquals(
        List.of(WriteOptions.DEFAULTS, WriteOptions.DEFAULTS, WriteOptions.DEFAULTS),
        engine.writeOptions);
    assertEquals(List.of(false), engine.flushWaits);
  }

  /** A value that looks like a flag is given after {@code --}, as with any Unix command. */
  @Test
  void aValueThatLooksLikeAFlagFollowsDoubleDash() {
    ok(kiwi("put", "k", "--", "--no-wal"));
    assertEquals("--no-wal\n", kiwi("get", "k").out());
    assertEquals(List.of(WriteOptions.DEFAULTS), engine.writeOptions);
    CliRun shell = shell("put --sync k2 -- --sync\n");
    assertEquals(0, shell.code(), shell::toString);
    assertEquals("--sync\n", kiwi("get", "k2").out());
    assertEquals(WriteOptions.SYNC, engine.writeOptions.get(1));
  }

  @Test
  void helpShowsTheFlags() {
    CliRun help = kiwi("put", "--help");
    assertEquals(0, help.code(), help::toString);
    for (String flag : List.of("--sync", "--no-sync", "--no-wal")) {
      assertTrue(help.out().contains(flag), flag + " missing from:\n" + help.out());
    }
    assertTrue(kiwi("del", "--help").out().contains("--no-wal"));
    assertTrue(kiwi("flush", "--help").out().contains("--wait"));
    CliRun shellHelp = shell("help\n");
    assertTrue(shellHelp.out().contains("[--no-wal]"), shellHelp::toString);
    assertTrue(shellHelp.out().contains("flush [--wait]"), shellHelp::toString);
  }
}
