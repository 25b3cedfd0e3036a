package io.kiwidb.kafka.streams;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A program the integration tests start: its standard output is collected line by line, its
 * standard error goes to {@code target/it-logs/<name>.log}, and it is always ended (SIGKILL at the
 * latest) when closed.
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Writer stdin;
  private final List<String> lines = new ArrayList<>();
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  static ChildProcess start(String name, List<String> command) {
    try {
      Path logs = Path.of(System.getProperty("basedir", ".")).resolve("target/it-logs");
      Files.createDirectories(logs);
      Path log = logs.resolve(name + ".log");
      Process p =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
              .start();
      return new ChildProcess(name, p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  /** The java launcher of this JVM, so children run on the same JDK as the tests. */
  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Waits for the first output line (from the start) that matches, or fails after the timeout. */
  String await(Predicate<String> match, Duration timeout) throws InterruptedException {
    return awaitFrom(0, match, timeout);
  }

  /** Waits for a matching line at or after index {@code from} of the output. */
  String awaitFrom(int from, Predicate<String> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      int i = from;
      while (true) {
        for (; i < lines.size(); i++) {
          String line = lines.get(i);
          if (line.startsWith("FAILED") || line.equals("ERROR")) {
            throw new AssertionError(name + " failed: " + line + "; see " + log);
          }
          if (match.test(line)) {
            return line;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && i >= lines.size())) {
          throw new AssertionError(
              name
                  + (process.isAlive() ? " timed out" : " exited")
                  + " waiting for a line; output "
                  + lines
                  + "; see "
                  + log);
        }
        lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
      }
    }
  }

  int outputSize() {
    synchronized (lines) {
      return lines.size();
    }
  }

  /** Sends a command and waits for the first following line that starts with {@code reply}. */
  String ask(String command, String reply, Duration timeout) throws InterruptedException {
    int from = outputSize();
    send(command);
    return awaitFrom(from, l -> l.startsWith(reply), timeout);
  }

  void send(String command) {
    try {
      stdin.write(command + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + name, e);
    }
  }

  /** SIGKILL: the process gets no chance to close anything. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  boolean waitForExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  int exitValue() {
    return process.exitValue();
  }

  /** Closes its standard input, waits up to 10 s for it to exit, then kills it. */
  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
