package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line fixes of issue 23, through the packaged program ({@code ./kiwi} as child
 * processes, some under bash for what Java cannot pass itself): argument bytes that are not UTF-8,
 * values from a file or standard input, usage errors, the shell's {@code info} and exit status,
 * base64 and config messages, and a tail into a closed pipe.
 *
 * <p>Tagged {@code launcher}: runs after {@code package}, on the jar the build made.
 */
@Tag("launcher")
class LauncherInputAndErrorsTest {
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

  /** {@code "$KIWI" <command> --data '<data>' <rest>} for a bash command line. */
  private String kiwiSh(String command, String rest) {
    return "\"$KIWI\" " + command + " --data '" + data + "' " + rest;
  }

  /**
   * The issue: {@code kiwi put $'k\xff' v} stored the key {@code 6b efbfbd}. Now the key is the
   * argument's bytes, and under the POSIX locale (where the JVM decodes arguments as ASCII) a UTF-8
   * key still arrives as UTF-8.
   */
  @Test
  void argumentBytesThatAreNotUtf8AreStoredExactly() {
    CliRun run =
        kiwi.runBash(
            kiwiSh("put", "$'k\\xff' $'v\\xfe'")
                + " && LC_ALL=C "
                + kiwiSh("put", "$'\\xc3\\xa9' v2")
                + " && "
                + kiwiSh("scan", "--hex")
                + " && "
                + kiwiSh("get", "$'k\\xff'"));
    assertEquals(0, run.code(), run::toString);
    assertEquals("OK\nOK\n6bff\t76fe\nc3a9\t7632\nv\\xfe\n", run.out(), run::toString);
  }

  @Test
  void valuesComeFromAFileOrStandardInputByteForByteWithinTheLimit() throws IOException {
    byte[] every = new byte[256];
    for (int i = 0; i < every.length; i++) {
      every[i] = (byte) i;
    }
    Path file = Files.write(work.resolve("value.bin"), every);
    CliRun run =
        kiwi.runBash(
            kiwiSh("put", "k1 --value-file '" + file + "'")
                + " && printf 'a\\000b\\377\\n' | "
                + kiwiSh("put", "k2 -")
                + " && "
                + kiwiSh("get", "--hex 6b31")
                + " && "
                + kiwiSh("get", "--hex 6b32"));
    assertEquals(0, run.code(), run::toString);
    assertEquals(
        "OK\nOK\n" + java.util.HexFormat.of().formatHex(every) + "\n610062ff0a\n", run.out());

    CliRun big = kiwi.runBash("head -c 16777217 /dev/zero | " + kiwiSh("put", "k3 -"));
    assertEquals(ExitCodes.USAGE, big.code(), big::toString);
    assertEquals(
        "kiwi: the value on standard input is more than 16777216 bytes: the limit for a value is"
            + " 16777216 bytes (16 MiB)\n",
        big.err());
  }

  /** The issue: {@code kiwi} alone exited 0; unknown commands got picocli's raw message. */
  @Test
  void usageErrorsExitTwoWithAPlainMessage() {
    CliRun none = kiwi.run();
    assertEquals(ExitCodes.USAGE, none.code(), none::toString);
    assertEquals("", none.out());
    assertTrue(none.err().startsWith("Usage: kiwi "), none::toString);

    CliRun typo = kiwi.run("gte", "--data", data.toString(), "k");
    assertEquals(ExitCodes.USAGE, typo.code(), typo::toString);
    assertEquals(
        "kiwi: unknown command 'gte'; did you mean 'get'?\n"
            + "Try 'kiwi --help' for the list of commands.\n",
        typo.err());

    CliRun base64 = kiwi.run("get", "--data", data.toString(), "--base64", "ab-c");
    assertEquals(ExitCodes.USAGE, base64.code(), base64::toString);
    assertEquals(
        "kiwi: key 'ab-c' is not base64: character 3 is '-', which is not in the base64 alphabet"
            + " (A-Z, a-z, 0-9, + and /, padded with =) ('-' and '_' are URL-safe base64: write"
            + " '+' for '-' and '/' for '_')\n",
        base64.err());
    assertFalse(Files.exists(data), "no usage error creates the store");
  }

  /**
   * The issue: info was unknown in the shell, and a script ending in exit exited 0 after a failed
   * tail-log.
   */
  @Test
  void theShellRunsInfoAndKeepsAFailedTailLogsStatus() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    CliRun run =
        kiwi.runWithInput(
            "info\ntail-log --port " + closed + "\nexit\n", "shell", "--data", data.toString());
    assertEquals(ExitCodes.STORAGE, run.code(), run::toString);
    assertTrue(run.out().startsWith("kiwi "), run::toString);
    assertTrue(run.out().contains("data directory: " + data.toAbsolutePath()), run::toString);
    assertTrue(run.out().contains("memtable_impl:"), run::toString);
    assertTrue(
        run.err().contains("cannot connect to the log port 127.0.0.1:" + closed), run::toString);
  }

  /** The issue: "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS`". */
  @Test
  void aMalformedConfigIsReportedWithoutJacksonsOptionNames() throws IOException {
    Files.createDirectories(data);
    Path config = data.resolve("config.json");
    Files.writeString(config, "{\n  \"bloom_fpr_dev\": NaN\n}\n", StandardCharsets.UTF_8);
    CliRun run = kiwi.run("get", "--data", data.toString(), "k");
    assertEquals(ExitCodes.DATA_DIR, run.code(), run::toString);
    assertEquals(
        "kiwi: config file "
            + config.toAbsolutePath()
            + " is not valid JSON at line 2, column 23: 'NaN' is not a JSON number: JSON has no"
            + " NaN or Infinity; write a number (the file was left unchanged; fix or delete it)\n",
        run.err());
  }

  /**
   * A tail whose output is closed ({@code | head -1}) stops with an error instead of following into
   * the closed pipe forever.
   */
  @Test
  void aTailIntoAClosedPipeStops() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread endless =
          new Thread(
              () -> {
                try (Socket client = server.accept();
                    OutputStream out = client.getOutputStream()) {
                  for (int i = 0; i < 100_000; i++) { // bounded: stops by itself
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(2);
                  }
                } catch (IOException | InterruptedException e) {
                  // The tail went away, as it should.
                }
              },
              "endless-log-server");
      endless.start();
      CliRun run =
          kiwi.runBash(
              "\"$KIWI\" tail-log --port "
                  + server.getLocalPort()
                  + " | head -1; echo \"kiwi exit ${PIPESTATUS[0]}\"");
      assertTrue(run.out().startsWith("line 0\nkiwi exit 4\n"), run::toString);
      assertTrue(
          run.err().contains("kiwi: cannot write the log lines: the output was closed"),
          run::toString);
      endless.interrupt();
      endless.join(10_000);
    }
  }
}
