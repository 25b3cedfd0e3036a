package io.kiwidb.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the packaged program the way a user does: the repository's {@code ./kiwi} launcher script,
 * which starts {@code kiwi-cli/target/kiwi-cli.jar} on the module path with the real engine from
 * {@code kiwi-cli/target/lib}. Each call is a new child process, whose stdout, stderr and exit code
 * the tests check.
 *
 * <p>Children run in a private working directory with a private {@code HOME} (so the shell's
 * default history file and the default {@code ./data} land there), the JDK running the tests
 * ({@code JAVA_HOME}), and {@code KIWI_JAVA_OPTS} set for a fast start (C1 and the serial GC: the
 * documented way to tune the launcher's JVM). Output goes to files, so a child never blocks on a
 * full pipe and a running one can be polled.
 */
final class KiwiLauncher {
  /** The repository root: surefire runs tests in the module's directory. */
  static final Path REPO = Path.of("").toAbsolutePath().getParent();

  static final Path SCRIPT = REPO.resolve("kiwi");

  /** JVM options for short runs; the launcher passes them through. */
  static final String FAST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private static final AtomicInteger RUNS = new AtomicInteger();

  private final Path work;

  /**
   * @param work the children's working directory and home; also holds their output files
   */
  KiwiLauncher(Path work) {
    this.work = work;
  }

  /** Skips the calling test unless the launcher and the packaged jar are there. */
  static void assumePackaged() {
    Assumptions.assumeTrue(
        Files.isRegularFile(REPO.resolve("kiwi-cli/target/kiwi-cli.jar"))
            && Files.isDirectory(REPO.resolve("kiwi-cli/target/lib")),
        "kiwi-cli/target/kiwi-cli.jar is not packaged yet; the launcher tests run after package");
  }

  Path work() {
    return work;
  }

  /** The environment a child gets, as {@code NAME=value} words (for {@code env} in tmux). */
  List<String> environment() {
    return List.of(
        "JAVA_HOME=" + System.getProperty("java.home"),
        "KIWI_JAVA_OPTS=" + FAST_JVM,
        "HOME=" + work,
        "LC_ALL=C.UTF-8");
  }

  /** Runs {@code ./kiwi args...} to completion with {@code stdin} piped in. */
  CliRun runWithInput(String stdin, String... args) {
    Child c = start(args);
    c.write(stdin);
    c.closeStdin();
    return c.await(60);
  }

  /** Runs {@code ./kiwi args...} to completion with empty input. */
  CliRun run(String... args) {
    return runWithInput("", args);
  }

  /**
   * Runs a bash command line to completion, with {@code $KIWI} the launcher: for what Java cannot
   * pass to a child itself, such as an argument whose bytes are not UTF-8 ({@code $'\xff'}), or a
   * pipeline.
   */
  CliRun runBash(String commandLine) {
    Child c = startCommand(List.of("bash", "-c", commandLine), "bash -c " + commandLine);
    c.closeStdin();
    return c.await(60);
  }

  /** Starts {@code ./kiwi args...}, with stdin a pipe the test writes to. */
  Child start(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(SCRIPT.toString());
    cmd.addAll(List.of(args));
    return startCommand(cmd, String.join(" ", args));
  }

  private Child startCommand(List<String> cmd, String name) {
    int n = RUNS.incrementAndGet();
    Path out = work.resolve("run-" + n + ".out");
    Path err = work.resolve("run-" + n + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(work.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.remove("KIWI_DEBUG");
    for (String kv : environment()) {
      int eq = kv.indexOf('=');
      env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    env.put("KIWI", SCRIPT.toString());
    try {
      return new Child(name, pb.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
  }

  /** A running child: its input pipe, and its output files polled while it runs. */
  static final class Child implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;
    private final OutputStream stdin;

    Child(String name, Process process, Path out, Path err) {
      this.name = name;
      this.process = process;
      this.out = out;
      this.err = err;
      this.stdin = process.getOutputStream();
    }

    long pid() {
      return process.pid();
    }

    /** Types {@code text} into the child's stdin. */
    void write(String text) {
      try {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to kiwi " + name + ": " + snapshot(), e);
      }
    }

    /** End of input, as Ctrl-D at a terminal or the end of a piped script. */
    void closeStdin() {
      try {
        stdin.close();
      } catch (IOException e) {
        // The child has exited already; its exit code tells the test what happened.
      }
    }

    /** Sends SIGINT, as Ctrl-C does at a terminal. */
    void interrupt() throws Exception {
      Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -INT " + pid() + " failed; kiwi " + name + " " + snapshot());
      }
    }

    /** Sends SIGTERM, as a service manager or {@code kill} does. */
    void terminate() throws Exception {
      Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError(
            "kill -TERM " + pid() + " failed; kiwi " + name + " " + snapshot());
      }
    }

    String stdout() {
      return read(out);
    }

    String stderr() {
      return read(err);
    }

    /** Polls until {@code condition} holds for stdout or stderr, failing after {@code seconds}. */
    void awaitOutput(String what, Predicate<CliRun> condition, int seconds) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (!condition.test(snapshot())) {
        if (!process.isAlive() && !condition.test(snapshot())) {
          throw new AssertionError("kiwi " + name + " exited before " + what + ": " + await(1));
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "timed out waiting for " + what + "; kiwi " + name + " " + snapshot());
        }
        Thread.sleep(50);
      }
    }

    /** The output so far, with the exit code -1 while the child runs. */
    CliRun snapshot() {
      return new CliRun(process.isAlive() ? -1 : process.exitValue(), stdout(), stderr());
    }

    /** Waits for the child to exit and returns its exit code and output. */
    CliRun await(int seconds) {
      try {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          throw new AssertionError(
              "kiwi " + name + " did not exit within " + seconds + " s: " + snapshot());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      return new CliRun(process.exitValue(), stdout(), stderr());
    }

    @Override
    public void close() {
      closeStdin();
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }

    private static String read(Path file) {
      try {
        // Lenient decoding: a running child may be in the middle of a multi-byte character.
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
