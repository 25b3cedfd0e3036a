package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java example in the README compiles against kiwi-api alone and runs, in a fresh JVM with the
 * engine on the module path, as an application would.
 */
class ReadmeExampleTest {
  @TempDir Path work;

  @Test
  void readmeExampleCompilesAndRuns() throws IOException, InterruptedException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("```java\n");
    assertTrue(start >= 0, "README has no ```java block");
    int end = readme.indexOf("```", start + 8);
    List<String> imports = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    for (String line : readme.substring(start + 8, end).split("\n")) {
      if (line.startsWith("import ")) {
        imports.add(line);
      } else {
        body.append("    ").append(line).append('\n');
      }
    }
    String source =
        String.join("\n", imports)
            + "\n\npublic class ReadmeExample {\n"
            + "  public static void main(String[] args) throws Exception {\n"
            + body
            + "  }\n}\n";
    Path src = work.resolve("ReadmeExample.java");
    Files.writeString(src, source, StandardCharsets.UTF_8);

    String modulePath = System.getProperty("jdk.module.path");
    assertNotNull(modulePath, "tests must run on the module path");
    Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
    Process compile =
        new ProcessBuilder(
                javac.toString(),
                "--release",
                "17",
                "--module-path",
                modulePath,
                "--add-modules",
                "io.kiwidb.api",
                "-d",
                work.toString(),
                src.toString())
            .redirectErrorStream(true)
            .start();
    String errors = new String(compile.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(compile.waitFor(60, TimeUnit.SECONDS), "javac did not finish");
    assertEquals(0, compile.exitValue(), "README example does not compile:\n" + source + errors);

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Dguice_bytecode_gen_option=DISABLED",
                "--module-path",
                modulePath,
                "--add-modules",
                "ALL-MODULE-PATH",
                // Surefire keeps a few automatic-module jars (aopalliance) on the class path.
                "-cp",
                work + File.pathSeparator + System.getProperty("java.class.path"),
                "ReadmeExample")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "README example did not finish");
    assertEquals(0, p.exitValue(), "README example failed:\n" + output);
    assertTrue(output.contains("ada"), "README example printed:\n" + output);
    assertTrue(Files.isDirectory(work.resolve("data/wal")), "the example's store was not created");
  }
}
