package io.kiwidb.bench.db;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a child process to its end with a time limit: its standard output is collected (and each
 * line handed to a consumer as it comes), its standard error is passed on line by line and its last
 * lines are kept, so that a child that fails or runs out of time fails the run with them in the
 * message.
 *
 * <p>Also builds the command of a child JVM that matches this one: the same {@code java} binary,
 * the same class path and module path, this JVM's {@code -Xms}, {@code -Xmx}, {@code -Xss} and
 * {@code -D} options, and extra flags.
 *
 * <p>Thread safety: stateless; each {@link #run} uses its own reader threads.
 */
public final class ChildProcess {
  /** Standard error lines kept for the failure message. */
  static final int TAIL_LINES = 40;

  private ChildProcess() {}

  /** A child that exited with an error, ran out of time or could not be started. */
  public static final class ChildFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ChildFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The command line of a child JVM running {@code mainClass} of this JVM's code with {@code args}:
   * on the module path (as {@code -m module/class}) when that class is in a named module, else on
   * the class path.
   *
   * @param extraFlags JVM flags after the inherited ones (so they win)
   */
  public static List<String> javaCommand(
      Class<?> mainClass, List<String> extraFlags, List<String> args) {
    Module m = mainClass.getModule();
    return command(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        System.getProperty("java.class.path"),
        System.getProperty("jdk.module.path"),
        m.isNamed() ? m.getName() : null,
        mainClass.getName(),
        extraFlags,
        args);
  }

  /**
   * The command line of a child JVM: {@code java}, the inherited flags, {@code extraFlags}, then
   * either {@code -p modulePath [-cp classPath] -m mainModule/mainClass} or {@code -cp
   * classPath:modulePath mainClass} (a class path run sees the module path's jars as plain jars),
   * then {@code args}.
   *
   * @param mainModule the main class's module, or null to run on the class path
   */
  static List<String> command(
      String java,
      List<String> inputArguments,
      String classPath,
      String modulePath,
      String mainModule,
      String mainClass,
      List<String> extraFlags,
      List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(inheritedFlags(inputArguments, mainModule != null));
    cmd.addAll(extraFlags);
    if (mainModule != null && modulePath != null && !modulePath.isEmpty()) {
      cmd.add("-p");
      cmd.add(modulePath);
      if (classPath != null && !classPath.isEmpty()) {
        cmd.add("-cp");
        cmd.add(classPath);
      }
      cmd.add("-m");
      cmd.add(mainModule + "/" + mainClass);
    } else {
      cmd.add("-cp");
      cmd.add(joinPaths(classPath, modulePath));
      cmd.add(mainClass);
    }
    cmd.addAll(args);
    return cmd;
  }

  /**
   * The options a child inherits from a JVM's input arguments: heap and stack sizes ({@code -Xms},
   * {@code -Xmx}, {@code -Xss}), system properties ({@code -D}), and on the module path the module
   * graph options ({@code --add-opens}, {@code --add-exports}, {@code --add-reads}, {@code
   * --add-modules}, {@code --enable-native-access}). Agents, debugger and profiler options and
   * {@code -XX} flags are not inherited: a child must not write the parent's recording or open its
   * debug port.
   */
  static List<String> inheritedFlags(List<String> inputArguments, boolean modulePath) {
    List<String> kept = new ArrayList<>();
    for (String a : inputArguments) {
      if (a.startsWith("-Xms")
          || a.startsWith("-Xmx")
          || a.startsWith("-Xss")
          || (a.startsWith("-D") && a.length() > 2)) {
        kept.add(a);
      } else if (modulePath
          && (a.startsWith("--add-opens=")
              || a.startsWith("--add-exports=")
              || a.startsWith("--add-reads=")
              || a.startsWith("--add-modules=")
              || a.startsWith("--enable-native-access="))) {
        kept.add(a);
      }
    }
    return kept;
  }

  /** Class path entries then module path entries, without repeats. */
  static String joinPaths(String classPath, String modulePath) {
    Set<String> entries = new LinkedHashSet<>();
    for (String v : new String[] {classPath, modulePath}) {
      if (v != null && !v.isEmpty()) {
        for (String e : v.split(File.pathSeparator)) {
          if (!e.isEmpty()) {
            entries.add(e);
          }
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /**
   * Runs {@code command} to its end.
   *
   * @param what names the child in messages, e.g. {@code "kiwi round 1 settled"}
   * @param timeout how long it may run; then it is killed and the run fails
   * @param stdoutLine gets each standard output line as it arrives
   * @param stderrLine gets each standard error line as it arrives
   * @return the child's standard output lines
   * @throws ChildFailedException when it cannot start, exits with a non-zero status or times out;
   *     the message has the last lines of its standard error
   */
  public static List<String> run(
      String what,
      List<String> command,
      Duration timeout,
      Consumer<String> stdoutLine,
      Consumer<String> stderrLine) {
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new ChildFailedException("cannot start " + what + ": " + e.getMessage(), e);
    }
    closeQuietly(p); // the child reads nothing from us
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    Deque<String> tail = new ArrayDeque<>();
    Thread outReader =
        reader(
            what + "-stdout",
            p.getInputStream(),
            line -> {
              out.add(line);
              stdoutLine.accept(line);
            });
    Thread errReader =
        reader(
            what + "-stderr",
            p.getErrorStream(),
            line -> {
              synchronized (tail) {
                tail.addLast(line);
                if (tail.size() > TAIL_LINES) {
                  tail.removeFirst();
                }
              }
              stderrLine.accept(line);
            });
    boolean finished;
    try {
      finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      outReader.join(TimeUnit.SECONDS.toMillis(30));
      errReader.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ChildFailedException(what + ": interrupted while waiting for it", e);
    }
    String tailText;
    synchronized (tail) {
      tailText = tail.isEmpty() ? "(nothing on stderr)" : String.join("\n", tail);
    }
    if (!finished) {
      throw new ChildFailedException(
          what
              + " did not finish within "
              + timeout.toSeconds()
              + " s and was killed; last stderr lines:\n"
              + tailText,
          null);
    }
    if (p.exitValue() != 0) {
      throw new ChildFailedException(
          what + " exited with status " + p.exitValue() + "; last stderr lines:\n" + tailText,
          null);
    }
    synchronized (out) {
      return List.copyOf(out);
    }
  }

  private static void closeQuietly(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // nothing to close
    }
  }

  private static Thread reader(String name, InputStream in, Consumer<String> sink) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  sink.accept(line);
                }
              } catch (IOException e) {
                // the stream closed under us: the child was killed
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
