package io.kiwidb.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives a program in a real terminal: a tmux session on a private server socket (so nothing
 * touches the user's tmux), keys typed with {@code send-keys}, the screen read with {@code
 * capture-pane}. Closing kills only that private server.
 */
final class Tmux implements AutoCloseable {
  private static final AtomicInteger SESSIONS = new AtomicInteger();

  private final String socket;
  private final String session = "kiwi";
  private Path socketFile;

  private Tmux(String socket) {
    this.socket = socket;
  }

  /** Whether a working tmux is on the PATH. */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Starts {@code command} in {@code dir} with the extra environment {@code env} ({@code
   * NAME=value} words), in a detached session of the given size.
   *
   * <p>The program runs under a bash that waits for it and then prints {@code [exit N]}: {@link
   * #awaitExit} reads the status off the screen. Asking tmux for the pane's exit status is not
   * reliable: tmux 3.3a often leaves an exited program a zombie for many seconds (seen with {@code
   * ps}: state Z, no open files) while it reports the pane dead with no status. bash reaps its
   * child at once, and on Ctrl-C it waits to see whether the program dies of it or handles it (as
   * the shell's JLine does), so it neither dies first nor hides the program's own handling.
   */
  static Tmux start(Path dir, List<String> env, List<String> command, int width, int height)
      throws Exception {
    StringBuilder run = new StringBuilder("cd ").append(quote(dir.toString())).append(" && env");
    for (String word : env) {
      run.append(' ').append(quote(word));
    }
    for (String word : command) {
      run.append(' ').append(quote(word));
    }
    run.append("; echo \"[exit $?]\"");
    return start("exec bash --norc --noprofile -c " + quote(run.toString()), width, height);
  }

  /** Starts {@code shellCommand} (run by sh) in a detached session of the given size. */
  static Tmux start(String shellCommand, int width, int height) throws Exception {
    Tmux t =
        new Tmux("kiwi-test-" + ProcessHandle.current().pid() + "-" + SESSIONS.incrementAndGet());
    t.tmux(
        "new-session",
        "-d",
        "-s",
        t.session,
        "-x",
        String.valueOf(width),
        "-y",
        String.valueOf(height),
        shellCommand);
    // Keep the pane after the program exits, so its last words and exit status can be read.
    t.tmux("set-option", "-t", t.session, "remain-on-exit", "on");
    t.socketFile = Path.of(t.tmux("display-message", "-p", "#{socket_path}").strip());
    return t;
  }

  /** {@code word} in single quotes for sh. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /**
   * Types keys: literal text, or tmux key names such as {@code Enter}, {@code Tab}, {@code C-d}.
   */
  void send(String... keys) throws Exception {
    List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
    args.addAll(List.of(keys));
    tmux(args.toArray(String[]::new));
  }

  /** The visible screen plus scrollback, trailing spaces removed. */
  String screen() throws Exception {
    return tmux("capture-pane", "-p", "-J", "-S", "-", "-t", session)
        .lines()
        .map(String::stripTrailing)
        .reduce("", (a, b) -> a + b + "\n")
        .stripTrailing();
  }

  /**
   * Waits until the screen satisfies {@code condition}, polling; fails with the screen's contents
   * after {@code seconds}.
   */
  String await(String what, Predicate<String> condition, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String screen = screen();
    while (!condition.test(screen)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; screen:\n" + screen);
      }
      Thread.sleep(50);
      screen = screen();
    }
    return screen;
  }

  /**
   * Waits until the program started by {@link #start(Path, List, List, int, int)} has exited and
   * returns its exit status, as its bash printed it.
   */
  int awaitExit(int seconds) throws Exception {
    Pattern exit = Pattern.compile("\\[exit (\\d+)]");
    Matcher m = exit.matcher(await("the program to exit", s -> exit.matcher(s).find(), seconds));
    if (!m.find()) {
      throw new AssertionError("no exit status on the screen");
    }
    return Integer.parseInt(m.group(1));
  }

  /** Waits until the screen contains {@code text}. */
  String awaitText(String text, int seconds) throws Exception {
    return await("'" + text + "'", s -> s.contains(text), seconds);
  }

  /** Waits until the line the cursor is on (the last non-blank one) reads {@code line}. */
  String awaitLastLine(String line, int seconds) throws Exception {
    return await("the last line to read '" + line + "'", s -> lastLine(s).equals(line), seconds);
  }

  /**
   * Types {@code keys} and waits until {@code expected} appears once more than before: output that
   * also appeared earlier in the session does not satisfy the wait.
   */
  String type(String expected, int seconds, String... keys) throws Exception {
    int before = count(screen(), expected);
    send(keys);
    return await(
        "'" + expected + "' once more (" + before + " before)",
        s -> count(s, expected) > before,
        seconds);
  }

  /** The screen for an assertion message, or why it cannot be read. */
  String screenOrError() {
    try {
      return screen();
    } catch (Exception e) {
      return "(screen unreadable: " + e + ")";
    }
  }

  static String lastLine(String screen) {
    return screen.substring(screen.lastIndexOf('\n') + 1);
  }

  static int count(String screen, String text) {
    int n = 0;
    for (int i = screen.indexOf(text); i >= 0; i = screen.indexOf(text, i + text.length())) {
      n++;
    }
    return n;
  }

  private String tmux(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("TERM", "xterm-256color");
    pb.environment().remove("TMUX");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean exited;
    try {
      exited = p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while running tmux");
    }
    if (!exited || p.exitValue() != 0) {
      throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    tmux("kill-server");
    // tmux 3.3a leaves the socket file of a killed server behind.
    if (socketFile != null) {
      java.nio.file.Files.deleteIfExists(socketFile);
    }
  }
}
