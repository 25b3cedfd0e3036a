package io.kiwidb.cli;

import io.kiwidb.api.spi.FileLock;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the engine another process runs on a data directory, so the one-shot {@code kiwi tail-log
 * --data d} follows the shell (or application) that has {@code d} open instead of opening a second,
 * idle engine of its own (which the held {@code LOCK} forbids anyway).
 *
 * <p>How: an engine holds {@code <data>/LOCK} for as long as it is open, so a lock we cannot take
 * means a live engine. Its log broadcast port is the one it announced in its own log file: every
 * engine writes {@code Startup complete ... log_port="N"} to {@code <data>/logs/kiwidb.log} when it
 * opens (the port it really bound, which differs from the configured one when that was taken). We
 * read the last announcement from the end of the file. If the file has rolled since, the port is
 * not found and the user is told to pass {@code --port}.
 */
final class RunningEngine {
  /** How much of the end of the log file is searched for the announcement. */
  private static final int TAIL_BYTES = 1 << 20;

  private static final Pattern ANNOUNCEMENT =
      Pattern.compile("Startup complete [^\\n]*?log_port=\"(\\d{1,5})\"");

  private RunningEngine() {}

  /**
   * The log broadcast port of the engine another process has open on {@code data}.
   *
   * @throws ExitCodes.DataDirectoryException if the directory does not exist, no process has it
   *     open, or that engine's port cannot be found or is 0 (server disabled); the message says
   *     what to do
   */
  static int logPort(FileSystem fs, Path data) throws IOException {
    Path dir = data.toAbsolutePath().normalize();
    if (!fs.exists(dir)) {
      throw new ExitCodes.DataDirectoryException(
          "data directory " + data + " does not exist (check --data)", null);
    }
    if (!isLockedByAnotherProcess(fs, dir.resolve("LOCK"))) {
      throw new ExitCodes.DataDirectoryException(
          "no kiwi process has "
              + data
              + " open, so there is no log to follow: start 'kiwi shell --data "
              + data
              + "' in another terminal, or give --port",
          null);
    }
    Path log = dir.resolve("logs").resolve("kiwidb.log");
    int port = lastAnnouncedPort(fs, log);
    if (port < 0) {
      throw new ExitCodes.DataDirectoryException(
          "the engine that has "
              + data
              + " open announced no log port in "
              + log
              + "; give its port with --port",
          null);
    }
    if (port == 0) {
      throw new ExitCodes.DataDirectoryException(
          "the engine that has " + data + " open runs no log broadcast server (log port 0)", null);
    }
    return port;
  }

  private static boolean isLockedByAnotherProcess(FileSystem fs, Path lockFile) {
    if (!fs.exists(lockFile)) {
      return false; // never opened by an engine
    }
    FileLock lock;
    try {
      lock = fs.lock(lockFile);
    } catch (IOException heldElsewhere) {
      return true;
    }
    try {
      lock.close(); // we could take it, so nobody holds it: give it back at once
    } catch (IOException e) {
      // Releasing a lock we hold only fails if the channel is gone, which releases it too.
    }
    return false;
  }

  /** The port of the last {@code Startup complete} line of {@code log}, or -1 if there is none. */
  static int lastAnnouncedPort(FileSystem fs, Path log) throws IOException {
    if (!fs.exists(log)) {
      return -1;
    }
    String tail;
    try (ReadableFile f = fs.openRead(log)) {
      long size = f.size();
      int n = (int) Math.min(size, TAIL_BYTES);
      tail = new String(f.read(size - n, n), StandardCharsets.UTF_8);
    }
    Matcher m = ANNOUNCEMENT.matcher(tail);
    int port = -1;
    while (m.find()) {
      port = Integer.parseInt(m.group(1));
    }
    return port;
  }
}
