package io.kiwidb.cli;

import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.TableSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion for the shell: command names first; then, by command, {@code set} and the config
 * keys for {@code config}, live memtable ids for {@code mem}, table file ids for {@code disk}, and
 * each command's options after {@code --}. Ids and keys are read from the engine at each Tab, so
 * they follow flushes and compactions.
 */
final class ShellCompleter implements Completer {
  private final List<String> commandNames;
  private final Function<String, List<String>> optionsOf;
  private final StorageEngine engine;

  ShellCompleter(
      List<String> commandNames, Function<String, List<String>> optionsOf, StorageEngine engine) {
    this.commandNames = List.copyOf(commandNames);
    this.optionsOf = optionsOf;
    this.engine = engine;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    for (String s : candidates(line.words(), line.wordIndex())) {
      candidates.add(new Candidate(s));
    }
  }

  /**
   * The completions for the word at {@code index} of {@code words} (JLine filters them by the
   * prefix typed so far).
   */
  List<String> candidates(List<String> words, int index) {
    if (index == 0) {
      return commandNames;
    }
    String command = words.get(0);
    String current = index < words.size() ? words.get(index) : "";
    if (current.startsWith("-")) {
      return optionsOf.apply(command);
    }
    switch (command) {
      case "config":
        if (index == 1) {
          return List.of("set");
        }
        if (index == 2 && words.get(1).equals("set")) {
          return new ArrayList<>(engine.config().keySet());
        }
        return List.of();
      case "mem":
        return index == 1 ? memIds() : List.of();
      case "disk":
        return index == 1 ? fileIds() : List.of();
      case "help":
        return index == 1 ? commandNames : List.of();
      default:
        return List.of();
    }
  }

  private List<String> memIds() {
    MemListing m = engine.showMem();
    List<String> ids = new ArrayList<>();
    ids.add("active");
    ids.add(m.active().tableId());
    for (MemTableSummary s : m.immutable()) {
      ids.add(s.snapshotId() != null ? s.snapshotId() : s.tableId());
    }
    return ids;
  }

  private List<String> fileIds() {
    List<String> ids = new ArrayList<>();
    for (List<TableSummary> level : engine.showDisk().levels().values()) {
      level.forEach(t -> ids.add(t.fileId()));
    }
    return ids;
  }
}
