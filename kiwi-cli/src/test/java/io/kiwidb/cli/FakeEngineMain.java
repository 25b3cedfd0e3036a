package io.kiwidb.cli;

import java.nio.file.Path;

/**
 * The real {@code kiwi} program over the in-memory {@link FakeStorageEngine}, for driving the
 * interactive shell in a real terminal (tmux) before the engine module exists. Not a test itself.
 */
public final class FakeEngineMain {
  private FakeEngineMain() {}

  /** Runs {@code kiwi args...} with a fresh in-memory store. */
  public static void main(String[] args) {
    FakeStorageEngine engine = new FakeStorageEngine(Path.of("fake-data"));
    System.exit(
        Main.run(engine.opener(), System.in, System.out, System.err, Main.isTerminal(), args));
  }
}
