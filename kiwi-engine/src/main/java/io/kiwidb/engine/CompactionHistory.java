package io.kiwidb.engine;

import io.kiwidb.api.CompactionActivity;
import io.kiwidb.api.CompactionInfo;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.TableMeta;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running and recently finished compactions, for {@link
 * io.kiwidb.api.StorageEngine#compactions()}. The scheduler reports each compaction's start and
 * end; readers get a copy.
 *
 * <p>Thread safety: safe from any thread (one monitor; every operation is a few list updates).
 */
final class CompactionHistory {
  private final Clock clock;
  private final Map<Long, Running> running = new LinkedHashMap<>();
  private final ArrayDeque<CompactionInfo> recent = new ArrayDeque<>();
  private long nextId = 1;

  private record Running(CompactionInfo info, long startNanos) {}

  @Inject
  CompactionHistory() {
    this(Clock.systemUTC());
  }

  CompactionHistory(Clock clock) {
    this.clock = clock;
  }

  /**
   * Records that a compaction of {@code plan} started.
   *
   * @return its id, to pass to {@link #finished} or {@link #failed}
   */
  synchronized long started(String strategy, CompactionPlan plan) {
    long id = nextId++;
    List<String> inputs = new ArrayList<>(plan.inputs().size());
    long inputBytes = 0;
    for (TableMeta t : plan.inputs()) {
      inputs.add("L" + t.level() + ":" + t.fileNumber());
      inputBytes += t.sizeBytes();
    }
    CompactionInfo info =
        new CompactionInfo(
            id,
            strategy,
            plan.reason(),
            plan.outputLevel(),
            inputs,
            inputBytes,
            List.of(),
            0,
            plan.isTrivialMove(),
            Instant.now(clock),
            null,
            null);
    running.put(id, new Running(info, System.nanoTime()));
    return id;
  }

  /** Records that compaction {@code id} installed {@code outputs}. */
  synchronized void finished(long id, List<TableMeta> outputs) {
    List<String> files = new ArrayList<>(outputs.size());
    long bytes = 0;
    for (TableMeta t : outputs) {
      files.add("L" + t.level() + ":" + t.fileNumber());
      bytes += t.sizeBytes();
    }
    end(id, files, bytes, null);
  }

  /** Records that compaction {@code id} failed. */
  synchronized void failed(long id, Throwable error) {
    end(id, List.of(), 0, String.valueOf(error));
  }

  private void end(long id, List<String> outputs, long outputBytes, String error) {
    Running r = running.remove(id);
    if (r == null) {
      return;
    }
    CompactionInfo i = r.info();
    recent.addFirst(
        new CompactionInfo(
            i.id(),
            i.strategy(),
            i.reason(),
            i.outputLevel(),
            i.inputFiles(),
            i.inputBytes(),
            outputs,
            i.trivialMove() ? 0 : outputBytes,
            i.trivialMove(),
            i.started(),
            Duration.ofNanos(System.nanoTime() - r.startNanos()),
            error));
    while (recent.size() > CompactionActivity.RECENT_LIMIT) {
      recent.removeLast();
    }
  }

  synchronized CompactionActivity snapshot() {
    List<CompactionInfo> now = new ArrayList<>(running.size());
    running.values().forEach(r -> now.add(r.info()));
    return new CompactionActivity(now, List.copyOf(recent));
  }
}
