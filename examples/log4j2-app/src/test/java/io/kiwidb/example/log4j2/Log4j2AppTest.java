package io.kiwidb.example.log4j2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged application, started as a user would (a fresh JVM with {@code java -m} on the module
 * path, and {@code java -cp} on the class path) with exactly the jars its POM brings: slf4j bound
 * to log4j2, kiwi-engine, no logback. Nothing may complain about SLF4J providers, and the engine's
 * log lines must arrive through the application's log4j2.
 */
class Log4j2AppTest {
  @TempDir Path dir;

  private static Path target() {
    return Path.of(System.getProperty("kiwi.example.dir", "target"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"module-path", "class-path"})
  void startsWithLog4j2AsTheOnlyProviderAndNoWarnings(String path) throws Exception {
    Path t = target();
    Path jar = t.resolve("log4j2-app.jar");
    assertTrue(Files.exists(jar), "package the module first: " + jar);
    Path data = dir.resolve("data");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-Dguice_bytecode_gen_option=DISABLED"));
    if (path.equals("module-path")) {
      cmd.addAll(
          List.of(
              "-p",
              jar + File.pathSeparator + t.resolve("lib"),
              "-m",
              "io.kiwidb.example.log4j2/io.kiwidb.example.log4j2.Log4j2App"));
    } else {
      cmd.addAll(
          List.of(
              "-cp",
              jar + File.pathSeparator + t.resolve("lib") + "/*",
              "io.kiwidb.example.log4j2.Log4j2App"));
    }
    cmd.add(data.toString());
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the application did not finish in 120 s: " + read(err));
    }
    String stdout = read(out);
    String stderr = read(err);
    assertEquals(0, p.exitValue(), stdout + stderr);
    assertEquals("", stderr, "nothing on stderr: no SLF4J provider warning, no engine warning");
    assertTrue(stdout.contains("user:1 = ada"), stdout);
    assertTrue(
        stdout.lines().anyMatch(l -> l.startsWith("app-log4j2 INFO") && l.contains("Startup")),
        "the engine logs through the application's log4j2:\n" + stdout);
    assertTrue(
        stdout.contains("No engine log file and no log broadcast"),
        "the engine says once why it writes no file of its own:\n" + stdout);
    assertFalse(
        Files.exists(data.resolve("logs").resolve("kiwidb.log")),
        "no engine log file without a log capture for this binding");
    for (String lib : List.of("logback-classic", "logback-core", "kiwi-engine-logback")) {
      try (var files = Files.list(target().resolve("lib"))) {
        assertTrue(
            files.noneMatch(f -> f.getFileName().toString().startsWith(lib)),
            lib + " must not come with kiwi-engine");
      }
    }
  }

  private static String read(Path f) throws IOException {
    return Files.readString(f, StandardCharsets.UTF_8);
  }
}
