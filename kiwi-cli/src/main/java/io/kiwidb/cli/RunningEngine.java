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
 * means a live engine. Where its log broadcast listens is what it announced in its own log file:
 * every engine writes {@code Startup complete ... log_port="N" log_socket="S"} to {@code
 * <data>/logs/kiwidb.log} when it opens (the port it really bound, which differs from the
 * configured one when that was taken; the socket when {@code log_broadcast} is {@code unix}). We
 * read the last announcement from the end of the file. Without one (the file has rolled since, or
 * file logging is off), the socket {@code <data>/logs/kiwidb.sock} is followed if it exists, and
 * otherwise the user is told to pass {@code --port}.
 */
final class RunningEngine {
  /** How much of the end of the log file is searched for the announcement. */
  private static final int TAIL_BYTES = 1 << 20;

  private static final Pattern ANNOUNCEMENT =
      Pattern.compile("Startup complete [^\\n]*?log_port=\"(\\d{1,5})\"([^\\n]*)");

  /** The socket in the rest of an announcement line; "null" when there is none. */
  private static final Pattern SOCKET = Pattern.compile("log_socket=\"([^\"\\n]*)\"");

  private RunningEngine() {}

  /**
   * Where the engine another process has open on {@code data} broadcasts its log.
   *
   * @throws ExitCodes.DataDirectoryException if the directory does not exist, no process has it
   *     open, or that engine's broadcast cannot be found or is off; the message says what to do
   */
  static LogTarget logTarget(FileSystem fs, Path data) throws IOException {
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
    LogTarget target = lastAnnounced(fs, log);
    if (target == null) {
      Path socket = dir.resolve("logs").resolve("kiwidb.sock");
      if (fs.exists(socket)) {
        return LogTarget.unix(socket);
      }
      throw new ExitCodes.DataDirectoryException(
          "the engine that has "
              + data
              + " open announced no log port in "
              + log
              + "; give its port with --port",
          null);
    }
    if (target.isNone()) {
      throw new ExitCodes.DataDirectoryException(
          "the engine that has "
              + data
              + " open runs no log broadcast server (log port 0; see log_broadcast in config.json)",
          null);
    }
    return target;
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
    LogTarget t = lastAnnounced(fs, log);
    return t == null ? -1 : t.port();
  }

  /**
   * The broadcast announced by the last {@code Startup complete} line of {@code log}, or {@code
   * null} if there is none.
   */
  static LogTarget lastAnnounced(FileSystem fs, Path log) throws IOException {
    if (!fs.exists(log)) {
      return null;
    }
    String tail;
    try (ReadableFile f = fs.openRead(log)) {
      long size = f.size();
      int n = (int) Math.min(size, TAIL_BYTES);
      tail = new String(f.read(size - n, n), StandardCharsets.UTF_8);
    }
    Matcher m = ANNOUNCEMENT.matcher(tail);
    LogTarget found = null;
    while (m.find()) {
      Matcher socket = SOCKET.matcher(m.group(2));
      found =
          socket.find() && !socket.group(1).equals("null") && !socket.group(1).isEmpty()
              ? LogTarget.unix(Path.of(socket.group(1)))
              : LogTarget.tcp(Integer.parseInt(m.group(1)));
    }
    return found;
  }
}
