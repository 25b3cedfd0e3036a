package io.kiwidb.bench.db;

import java.util.ArrayList;
import java.util.List;

/**
 * What a child JVM ({@code DbBench ... --child-round R}) tells its parent on standard output, one
 * line each: {@code dbbench-result <json>} per measurement (the {@code "type":"run"} object of
 * {@code dbbench.jsonl}), {@code dbbench-sample <csv>} per endurance sample ({@link
 * Endurance#CSV_HEADER}'s columns), {@code dbbench-note <text>} for facts the report must state
 * (for example that the page cache could not be dropped), and a last {@code dbbench-done <count>}
 * with the number of result and sample lines. Any other line is the child's chatter and ignored. A
 * child's output without the closing line, or with another count, is a failed run: it was cut
 * short.
 *
 * <p>Thread safety: stateless; {@link Parser} is confined to one thread.
 */
final class ChildProtocol {
  static final String RESULT = "dbbench-result ";
  static final String SAMPLE = "dbbench-sample ";
  static final String NOTE = "dbbench-note ";
  static final String DONE = "dbbench-done ";

  private ChildProtocol() {}

  /** The line for one measurement. */
  static String result(Measurement m) {
    return RESULT + Reports.runLine(m);
  }

  /** The line for one endurance sample (a CSV row without its line end). */
  static String sample(String csvRow) {
    if (csvRow.indexOf('\n') >= 0 || csvRow.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a sample is one line: " + abbreviate(csvRow));
    }
    return SAMPLE + csvRow;
  }

  /** The line for a note (kept to one line). */
  static String note(String text) {
    return NOTE + text.replace('\r', ' ').replace('\n', ' ');
  }

  /** The closing line. */
  static String done(int lines) {
    return DONE + lines;
  }

  /**
   * A child's output, parsed.
   *
   * @param measurements the measurements in the order they were printed
   * @param samples the endurance samples (CSV rows), in order
   * @param notes the notes, in order
   */
  record Output(List<Measurement> measurements, List<String> samples, List<String> notes) {}

  /** Parses a complete output; lines that are not protocol lines are ignored. */
  static Output parse(List<String> lines) {
    Parser p = new Parser();
    for (String line : lines) {
      p.accept(line);
    }
    return p.finish();
  }

  /** Reads a child's output line by line. */
  static final class Parser {
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<String> samples = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int lineNo;
    private int doneCount = -1;

    /**
     * Takes one line; returns whether it was a protocol line (others are the child's chatter).
     *
     * @throws IllegalArgumentException naming the line when a protocol line is malformed
     */
    boolean accept(String line) {
      lineNo++;
      if (line.startsWith(RESULT)) {
        afterDone(line);
        List<Measurement> one;
        try {
          one = Reports.parseRuns(line.substring(RESULT.length()));
        } catch (IllegalArgumentException e) {
          throw bad("not a run object (" + e.getMessage() + ")", line);
        }
        if (one.size() != 1) {
          throw bad("not a run object", line);
        }
        measurements.add(one.get(0));
        return true;
      }
      if (line.startsWith(SAMPLE)) {
        afterDone(line);
        samples.add(line.substring(SAMPLE.length()));
        return true;
      }
      if (line.startsWith(NOTE)) {
        notes.add(line.substring(NOTE.length()).trim());
        return true;
      }
      if (line.startsWith(DONE)) {
        if (doneCount >= 0) {
          throw bad("a second closing line", line);
        }
        try {
          doneCount = Integer.parseInt(line.substring(DONE.length()).trim());
        } catch (NumberFormatException e) {
          throw bad("no count in the closing line", line);
        }
        return true;
      }
      return false;
    }

    private void afterDone(String line) {
      if (doneCount >= 0) {
        throw bad("data after the closing line", line);
      }
    }

    /**
     * The output so far, which must be complete.
     *
     * @throws IllegalArgumentException when the closing line is missing or its count differs
     */
    Output finish() {
      if (doneCount < 0) {
        throw new IllegalArgumentException(
            "child output ended without '" + DONE.trim() + "' after " + lineNo + " line(s)");
      }
      int data = measurements.size() + samples.size();
      if (doneCount != data) {
        throw new IllegalArgumentException(
            "child announced " + doneCount + " result/sample line(s) but printed " + data);
      }
      return new Output(List.copyOf(measurements), List.copyOf(samples), List.copyOf(notes));
    }

    private IllegalArgumentException bad(String what, String line) {
      return new IllegalArgumentException(
          "child output line " + lineNo + ": " + what + ": " + abbreviate(line));
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
