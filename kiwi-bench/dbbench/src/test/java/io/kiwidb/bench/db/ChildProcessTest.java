package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildProcessTest {
  private static final String SEP = File.pathSeparator;
  private static final List<String> INPUT =
      List.of(
          "-Xms3g",
          "-Xmx3g",
          "-Dguice_bytecode_gen_option=DISABLED",
          "-XX:StartFlightRecording=filename=/tmp/x.jfr",
          "-javaagent:/m2/mockito.jar",
          "-agentlib:jdwp=transport=dt_socket,server=y,address=5005",
          "--add-opens=io.kiwidb.bench/io.kiwidb.bench.db=ALL-UNNAMED",
          "--add-reads=io.kiwidb.bench=ALL-UNNAMED",
          "-D");

  @Test
  void aClassPathChildGetsTheHeapAndPropertiesAndBothPathsAsItsClassPath() {
    List<String> cmd =
        ChildProcess.command(
            "/jdk/bin/java",
            INPUT,
            "a.jar" + SEP + "b.jar",
            "b.jar" + SEP + "c.jar",
            null,
            "io.kiwidb.bench.db.DbBench",
            List.of("-Dextra=1"),
            List.of("--num", "5"));
    assertEquals(
        List.of(
            "/jdk/bin/java",
            "-Xms3g",
            "-Xmx3g",
            "-Dguice_bytecode_gen_option=DISABLED",
            "-Dextra=1",
            "-cp",
            "a.jar" + SEP + "b.jar" + SEP + "c.jar",
            "io.kiwidb.bench.db.DbBench",
            "--num",
            "5"),
        cmd);
  }

  @Test
  void aModulePathChildRunsTheMainModuleWithTheSamePathsAndModuleOptions() {
    List<String> cmd =
        ChildProcess.command(
            "java",
            INPUT,
            "cp.jar",
            "mods",
            "io.kiwidb.bench",
            "io.kiwidb.bench.db.DbBench",
            List.of(),
            List.of("--help"));
    assertEquals(
        List.of(
            "java",
            "-Xms3g",
            "-Xmx3g",
            "-Dguice_bytecode_gen_option=DISABLED",
            "--add-opens=io.kiwidb.bench/io.kiwidb.bench.db=ALL-UNNAMED",
            "--add-reads=io.kiwidb.bench=ALL-UNNAMED",
            "-p",
            "mods",
            "-cp",
            "cp.jar",
            "-m",
            "io.kiwidb.bench/io.kiwidb.bench.db.DbBench",
            "--help"),
        cmd);
  }

  private static List<String> java(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  @Test
  void aFailingChildFailsTheRunWithTheEndOfItsStandardError() {
    List<String> err = new ArrayList<>();
    ChildProcess.ChildFailedException e =
        assertThrows(
            ChildProcess.ChildFailedException.class,
            () ->
                ChildProcess.run(
                    "bad child",
                    java("-cp", "/nonexistent", "no.such.Main"),
                    Duration.ofMinutes(1),
                    line -> {},
                    err::add));
    assertTrue(e.getMessage().startsWith("bad child exited with status 1"), e.getMessage());
    assertTrue(e.getMessage().contains("no.such.Main"), e.getMessage());
    assertTrue(String.join("\n", err).contains("no.such.Main"), "stderr passed on line by line");
  }

  @Test
  void aChildPastItsTimeIsKilled() {
    long start = System.nanoTime();
    ChildProcess.ChildFailedException e =
        assertThrows(
            ChildProcess.ChildFailedException.class,
            () ->
                ChildProcess.run(
                    "sleeper",
                    List.of("sleep", "30"),
                    Duration.ofMillis(300),
                    line -> {},
                    line -> {}));
    assertTrue(e.getMessage().startsWith("sleeper did not finish within"), e.getMessage());
    assertTrue(System.nanoTime() - start < 20_000_000_000L, "killed, not waited for");
  }

  @Test
  void standardOutputIsCollectedAndStreamed() {
    List<String> seen = new ArrayList<>();
    List<String> out =
        ChildProcess.run(
            "echo",
            List.of("sh", "-c", "echo one; echo two; echo err >&2"),
            Duration.ofMinutes(1),
            seen::add,
            line -> {});
    assertEquals(List.of("one", "two"), out);
    assertEquals(out, seen);
  }
}
