package io.kiwidb.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How far a long task has come.
 *
 * @param task what runs, e.g. {@code "recovery"}
 * @param done units done so far
 * @param total units in all, or -1 when unknown (a load from a pipe)
 * @param unit what {@code done} and {@code total} count, e.g. {@code "bytes"}
 * @param items items handled so far (WAL records replayed, records loaded)
 * @param elapsed time since the task started
 * @param finished whether this is the task's last report
 */
public record Progress(
    String task,
    long done,
    long total,
    String unit,
    long items,
    Duration elapsed,
    boolean finished) {

  /** Checks the values. */
  public Progress {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(elapsed, "elapsed");
    if (done < 0 || total < -1 || items < 0) {
      throw new IllegalArgumentException(
          "progress counts must not be negative: done="
              + done
              + " total="
              + total
              + " items="
              + items);
    }
  }

  /** The share done, from 0 to 1, or empty when the total is unknown. */
  public Optional<Double> fraction() {
    if (total < 0) {
      return Optional.empty();
    }
    if (total == 0 || finished) {
      return Optional.of(1.0);
    }
    return Optional.of(Math.min(1.0, (double) done / total));
  }

  /**
   * The estimated time left, from the rate so far, or empty when the total is unknown or nothing is
   * done yet.
   */
  public Optional<Duration> eta() {
    if (finished) {
      return Optional.of(Duration.ZERO);
    }
    if (total < 0 || done <= 0 || elapsed.isZero()) {
      return Optional.empty();
    }
    long left = Math.max(0, total - done);
    double nanosPerUnit = (double) elapsed.toNanos() / done;
    return Optional.of(Duration.ofNanos((long) Math.min(Long.MAX_VALUE, left * nanosPerUnit)));
  }
}
