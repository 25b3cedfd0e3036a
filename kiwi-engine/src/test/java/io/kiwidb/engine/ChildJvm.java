package io.kiwidb.engine;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Starts a test class's {@code main} in a second JVM, for the tests that need another process (the
 * {@code LOCK} tests). The tests run patched into the engine module, so the child gets everything
 * on its plain class path: our classes, our test classes, and every jar of this JVM's module and
 * class paths.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** Starts {@code mainClass} with {@code args}; its stderr goes to ours. */
  public static Process start(Class<?> mainClass, String... args) throws IOException {
    Set<String> cp = new LinkedHashSet<>();
    cp.add(Path.of("target", "test-classes").toAbsolutePath().toString());
    cp.add(Path.of("target", "classes").toAbsolutePath().toString());
    for (String prop : new String[] {"jdk.module.path", "java.class.path"}) {
      String v = System.getProperty(prop);
      if (v != null && !v.isEmpty()) {
        cp.addAll(List.of(v.split(File.pathSeparator)));
      }
    }
    Path compiled =
        Path.of("target/test-classes", mainClass.getName().replace('.', '/') + ".class");
    if (!Files.isRegularFile(compiled)) {
      throw new IllegalStateException("tests must run from the module directory: no " + compiled);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dguice_bytecode_gen_option=DISABLED");
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, cp));
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** The child's standard output, line by line. */
  public static BufferedReader stdout(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }
}
