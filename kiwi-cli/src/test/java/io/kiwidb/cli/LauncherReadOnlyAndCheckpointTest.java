package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --read-only}, the automatic read-only open of a directory this user may not write, and
 * {@code kiwi checkpoint}, as a user meets them: each command a new {@code ./kiwi} process on the
 * real engine.
 *
 * <p>The not-writable case needs a user the permission bits apply to: as root (CI runs as root) the
 * program runs as {@code nobody} through {@code setpriv}; as any other user the directory is made
 * read-only with {@code chmod}.
 */
@Tag("launcher")
class LauncherReadOnlyAndCheckpointTest {
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

  private CliRun ok(String... args) {
    CliRun run = kiwi.run(args);
    assertEquals(0, run.code(), run::toString);
    return run;
  }

  /** A store with three keys, one of them only in the WAL. */
  private void store() {
    ok("put", "--data", data.toString(), "user:1", "ada");
    ok("put", "--data", data.toString(), "user:2", "grace");
    ok("flush", "--data", data.toString());
    ok("put", "--data", data.toString(), "user:3", "barbara");
  }

  /** Every file and directory under {@code root}, with a digest of each file's bytes. */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String name = root.relativize(p).toString();
        if (Files.isDirectory(p)) {
          out.put(name + "/", "dir");
        } else {
          try {
            out.put(
                name,
                HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
          } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
          }
        }
      }
    }
    return out;
  }

  @Test
  void readOnlyReadsTheStoreChangesNoByteAndRefusesWritesWithExitThree() throws IOException {
    store();
    Map<String, String> before = tree(data);
    assertEquals("barbara\n", ok("get", "--data", data.toString(), "--read-only", "user:3").out());
    assertEquals(
        "user:1\tada\nuser:2\tgrace\nuser:3\tbarbara\n",
        ok("scan", "--data", data.toString(), "--read-only").out());
    ok("stats", "--data", data.toString(), "--read-only");
    CliRun put = kiwi.run("put", "--data", data.toString(), "--read-only", "user:4", "x");
    assertEquals(3, put.code(), put::toString);
    assertEquals(
        "kiwi: put failed: data directory "
            + data
            + " is open read-only (--read-only); run without --read-only to write\n",
        put.err());
    assertEquals(before, tree(data), "a read-only run leaves every byte as it was");
    CliRun missing = kiwi.run("get", "--data", work.resolve("none").toString(), "--read-only", "k");
    assertEquals(3, missing.code(), missing::toString);
    assertFalse(Files.exists(work.resolve("none")));
  }

  @Test
  void aReadOnlyRunAndAWriterExcludeEachOtherWithTheRightDiagnosis() throws Exception {
    store();
    try (KiwiLauncher.Child shell = kiwi.start("shell", "--data", data.toString())) {
      shell.write("put user:9 zoe\n");
      shell.awaitOutput("the shell's first write", run -> run.out().contains("OK"), 30);
      CliRun ro = kiwi.run("get", "--data", data.toString(), "--read-only", "user:1");
      assertEquals(3, ro.code(), ro::toString);
      assertTrue(ro.err().contains("is in use by a writing kiwi-db engine"), ro::toString);
      shell.closeStdin();
    }
  }

  @Test
  void aDirectoryThisUserMayNotWriteOpensReadOnlyForReadsAndIsDiagnosedForWrites()
      throws Exception {
    store();
    Map<String, String> before = tree(data);
    String as;
    if ("root".equals(System.getProperty("user.name"))) {
      boolean setpriv = Files.isExecutable(Path.of("/usr/bin/setpriv"));
      if (!setpriv && "true".equals(System.getenv("CI"))) {
        throw new AssertionError("CI runs as root and needs setpriv (util-linux) for this test");
      }
      Assumptions.assumeTrue(setpriv, "running as root without setpriv: cannot drop to nobody");
      // nobody must reach the store (and its own output files) but not write the store.
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
      as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    } else {
      as = "";
      for (Path p :
          new Path[] {data, data.resolve("wal"), data.resolve("sst"), data.resolve("logs")}) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r-xr-xr-x"));
      }
    }
    try {
      CliRun get = kiwi.runBash(as + "\"$KIWI\" get --data " + data + " user:3");
      assertEquals(0, get.code(), get::toString);
      assertEquals("barbara\n", get.out());
      CliRun json = kiwi.runBash(as + "\"$KIWI\" scan --data " + data + " --json");
      assertEquals(0, json.code(), json::toString);
      assertEquals(3, new ObjectMapper().readTree(json.out()).size());
      CliRun put = kiwi.runBash(as + "\"$KIWI\" put --data " + data + " user:4 x");
      assertEquals(3, put.code(), put::toString);
      assertTrue(
          put.err().startsWith("kiwi: data directory " + data + " is not writable ("),
          put::toString);
      assertTrue(put.err().contains("--read-only"), put::toString);
      assertFalse(put.err().contains("in use"), "not the wrong diagnosis: " + put);
    } finally {
      if (as.isEmpty()) {
        for (Path p :
            new Path[] {data, data.resolve("wal"), data.resolve("sst"), data.resolve("logs")}) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
    assertEquals(before, tree(data));
  }

  @Test
  void checkpointMakesAnOpenableCopyAndRefusesABadTarget() throws Exception {
    store();
    Path target = work.resolve("backups/cp1");
    CliRun cp = ok("checkpoint", "--data", data.toString(), "--to", target.toString());
    assertTrue(cp.out().startsWith("checkpoint " + target + ": sequence 3, "), cp::toString);
    assertTrue(cp.out().contains("1 tables linked"), cp::toString);
    ok("put", "--data", data.toString(), "user:4", "after");
    assertEquals(
        "user:1\tada\nuser:2\tgrace\nuser:3\tbarbara\n",
        ok("scan", "--data", target.toString(), "--read-only").out(),
        "exactly the writes before the checkpoint");
    assertEquals(
        "ada\n", ok("get", "--data", target.toString(), "user:1").out(), "it opens read-write");

    Path second = work.resolve("backups/cp2");
    JsonNode j =
        new ObjectMapper()
            .readTree(
                ok("checkpoint", "--data", data.toString(), "--to", second.toString(), "--json")
                    .out());
    assertEquals(second.toString(), j.get("directory").asText());
    assertEquals(4, j.get("sequence").asLong());

    CliRun busy = kiwi.run("checkpoint", "--data", data.toString(), "--to", target.toString());
    assertEquals(2, busy.code(), busy::toString);
    assertTrue(busy.err().contains("is not empty"), busy::toString);
    CliRun noTo = kiwi.run("checkpoint", "--data", data.toString());
    assertEquals(2, noTo.code(), noTo::toString);
    assertTrue(noTo.err().contains("--to"), noTo::toString);
  }

  /** Issue 23: a failed open (bad config) left LOCK, logs/, sst/ and wal/ behind. */
  @Test
  void aFailedOpenLeavesTheDirectoryAsItFoundIt() throws IOException {
    Files.createDirectories(data);
    Files.writeString(data.resolve("config.json"), "{\"block_size\": -1}\n");
    Map<String, String> before = tree(data);
    CliRun put = kiwi.run("put", "--data", data.toString(), "k", "v");
    assertEquals(3, put.code(), put::toString);
    assertTrue(put.err().contains("block_size"), put::toString);
    assertEquals(before, tree(data), "only config.json, unchanged");
  }
}
