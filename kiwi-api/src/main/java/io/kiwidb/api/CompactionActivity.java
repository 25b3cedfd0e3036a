package io.kiwidb.api;

import java.util.List;

/**
 * What compaction is doing, from {@link StorageEngine#compactions()}: the compactions running now
 * and the most recent finished ones.
 *
 * @param running the compactions in progress, oldest first
 * @param recent the last finished compactions (at most {@link #RECENT_LIMIT}), newest first
 */
public record CompactionActivity(List<CompactionInfo> running, List<CompactionInfo> recent) {
  /** How many finished compactions {@link #recent} keeps. */
  public static final int RECENT_LIMIT = 32;

  /** Makes the lists read-only. */
  public CompactionActivity {
    running = List.copyOf(running);
    recent = List.copyOf(recent);
  }
}
