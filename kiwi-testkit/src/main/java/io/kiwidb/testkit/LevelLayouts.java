package io.kiwidb.testkit;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text form of level layouts and plans used by the golden files.
 *
 * <pre>
 * L0: 12[a-f] 11[c-k]:4MB      file number, [smallest-largest] user keys, optional size (1MB)
 * L1: 5[a-c] 6[d-h] size=3MB   size= sets the default size for the line
 * busy: 6 11                   files held by running compactions
 * cursor: L1=c                 compaction cursors
 * </pre>
 *
 * <p>An L0 file's sequence numbers are its file number, so a higher number is newer. Keys are ASCII
 * and contain no {@code -}, {@code ]} or spaces.
 */
public final class LevelLayouts {
  private static final Pattern FILE =
      Pattern.compile("(\\d+)\\[([^\\-\\]\\s]*)-([^\\]\\s]*)\\](?::(\\d+(?:B|KB|MB|GB)))?");

  private LevelLayouts() {}

  /** Parses the input lines of a case into a view. */
  public static LevelView view(List<String> lines) {
    List<List<TableMeta>> levels = new ArrayList<>();
    Set<Long> busy = new HashSet<>();
    Map<Integer, byte[]> cursors = new HashMap<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("expected 'L<n>:', 'busy:' or 'cursor:' in: " + raw);
      }
      String head = line.substring(0, colon);
      String[] words = line.substring(colon + 1).trim().split("\\s+");
      if (head.equals("busy")) {
        for (String w : words) {
          busy.add(Long.parseLong(w));
        }
      } else if (head.equals("cursor")) {
        for (String w : words) {
          String[] kv = w.split("=", 2);
          cursors.put(Integer.parseInt(kv[0].substring(1)), utf8(kv[1]));
        }
      } else if (head.matches("L\\d+")) {
        int level = Integer.parseInt(head.substring(1));
        while (levels.size() <= level) {
          levels.add(new ArrayList<>());
        }
        levels.get(level).addAll(files(level, words, raw));
      } else {
        throw new IllegalArgumentException("unknown line: " + raw);
      }
    }
    if (levels.isEmpty()) {
      levels.add(new ArrayList<>());
    }
    // L0 newest first, deeper levels by key, as a version would present them.
    levels.get(0).sort(TableMeta.OLDEST_FIRST.reversed());
    for (int i = 1; i < levels.size(); i++) {
      levels.get(i).sort(TableMeta.BY_SMALLEST_KEY);
    }
    return new LevelView(levels, busy, cursors);
  }

  private static List<TableMeta> files(int level, String[] words, String raw) {
    long defaultSize = 1L << 20;
    for (String w : words) {
      if (w.startsWith("size=")) {
        defaultSize = parseSize(w.substring(5));
      }
    }
    List<TableMeta> out = new ArrayList<>();
    for (String w : words) {
      if (w.isEmpty() || w.startsWith("size=")) {
        continue;
      }
      Matcher m = FILE.matcher(w);
      if (!m.matches()) {
        throw new IllegalArgumentException("bad file '" + w + "' in: " + raw);
      }
      long number = Long.parseLong(m.group(1));
      long size = m.group(4) == null ? defaultSize : parseSize(m.group(4));
      out.add(
          new TableMeta(
              number, level, utf8(m.group(2)), utf8(m.group(3)), size, 0, 0, number, number));
    }
    return out;
  }

  /** Parses {@code 4MB}, {@code 512KB}, {@code 3GB} or {@code 100B}. */
  public static long parseSize(String s) {
    Matcher m = Pattern.compile("(\\d+)(B|KB|MB|GB)").matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("bad size '" + s + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "KB" -> n << 10;
      case "MB" -> n << 20;
      case "GB" -> n << 30;
      default -> n;
    };
  }

  /** Options from a command's arguments, with the defaults used throughout the golden files. */
  public static CompactionOptions options(DataDriven.Case c) {
    return new CompactionOptions(
        Integer.parseInt(c.arg("l0_compaction_threshold", "4")),
        Integer.parseInt(c.arg("max_levels", "3")),
        parseSize(c.arg("base_level_bytes", "10MB")),
        Double.parseDouble(c.arg("level_size_multiplier", "10")),
        parseSize(c.arg("target_file_bytes", "2MB")),
        Boolean.parseBoolean(c.arg("dynamic_level_bytes", "true")));
  }

  /** A plan as golden text: a header line, then the inputs of each level. */
  public static String render(CompactionPlan plan) {
    StringBuilder sb = new StringBuilder();
    sb.append(plan.isTrivialMove() ? "move " : "compact ")
        .append('L')
        .append(plan.startLevel())
        .append(" -> L")
        .append(plan.outputLevel())
        .append(": ")
        .append(plan.reason());
    int deepest = 0;
    for (TableMeta t : plan.inputs()) {
      deepest = Math.max(deepest, t.level());
    }
    for (int level = plan.startLevel(); level <= deepest; level++) {
      List<TableMeta> in = plan.inputsAt(level);
      if (in.isEmpty()) {
        continue;
      }
      sb.append("\n  L").append(level).append(':');
      for (TableMeta t : in) {
        sb.append(' ').append(file(t));
      }
    }
    return sb.toString();
  }

  public static String file(TableMeta t) {
    return t.fileNumber()
        + "["
        + Bytes.toDisplay(t.smallestKey())
        + "-"
        + Bytes.toDisplay(t.largestKey())
        + "]:"
        + Bytes.formatSize(t.sizeBytes());
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
