package io.kiwidb.cli;

import picocli.CommandLine;

/** The entry point of the {@code kiwi} command. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests). */
  public static int run(String... args) {
    return new CommandLine(new KiwiCommand()).execute(args);
  }
}
