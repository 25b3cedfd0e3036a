package io.kiwidb.sstable.manifest;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.testkit.DataDriven;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Applying edits to versions, and the version queries, as readable golden files under {@code
 * src/test/resources/testdata/manifest/}. Commands:
 *
 * <pre>
 * reset [levels=N]          start from an empty version (default 4 levels)
 * apply                     apply the edit in the body; prints the version, or "error: ..."
 *   add L1 12 a..f [seq=1..9] [size=N] [entries=N] [del=N]
 *   delete L1 12
 * overlapping L1 b..d       file numbers of L1 intersecting [b, d] ("*" = unbounded)
 * lookup k                  the files a point lookup of k consults, in order
 * view                      l0Count and the bytes of each level
 * </pre>
 */
class VersionGoldenTest {
  private Version version = Version.empty(4);

  @Test
  void versionEdits() {
    DataDriven.check(DataDriven.file("manifest/version_edits.txt"), this::run);
  }

  @Test
  void versionQueries() {
    DataDriven.check(DataDriven.file("manifest/version_queries.txt"), this::run);
  }

  private String run(DataDriven.Case c) {
    String[] words = c.command().split("\\s+");
    switch (words[0]) {
      case "reset" -> {
        int levels =
            words.length > 1 ? Integer.parseInt(words[1].substring("levels=".length())) : 4;
        version = Version.empty(levels);
        return version.toString();
      }
      case "apply" -> {
        try {
          VersionEdit edit = parseEdit(c.input());
          version = new VersionBuilder(version).apply(edit).build();
          return version.toString();
        } catch (IllegalArgumentException e) {
          return "error: " + e.getMessage();
        }
      }
      case "overlapping" -> {
        int level = Integer.parseInt(words[1].substring(1));
        String[] range = words[2].split("\\.\\.", -1);
        return numbers(version.overlapping(level, bound(range[0]), bound(range[1])));
      }
      case "lookup" -> {
        return numbers(version.filesForKey(Bytes.utf8(words[1])));
      }
      case "view" -> {
        LevelView view = version.levelView(Set.of());
        StringBuilder s = new StringBuilder("l0Count=" + version.l0Count());
        for (int i = 0; i < view.levelCount(); i++) {
          s.append(" L").append(i).append('=').append(view.levelBytes(i)).append('B');
        }
        return s.toString();
      }
      default -> throw new IllegalArgumentException("line " + c.line() + ": unknown command");
    }
  }

  private static byte[] bound(String s) {
    return s.equals("*") ? null : Bytes.utf8(s);
  }

  private static String numbers(List<TableMeta> files) {
    return files.isEmpty()
        ? "(none)"
        : files.stream().map(t -> Long.toString(t.fileNumber())).collect(Collectors.joining(" "));
  }

  static VersionEdit parseEdit(List<String> lines) {
    VersionEdit e = new VersionEdit();
    for (String line : lines) {
      String[] w = line.trim().split("\\s+");
      int level = Integer.parseInt(w[1].substring(1));
      long number = Long.parseLong(w[2]);
      if (w[0].equals("delete")) {
        e.deleteFile(level, number);
        continue;
      }
      String[] range = w[3].split("\\.\\.");
      long minSeq = number * 10;
      long maxSeq = number * 10 + 9;
      long size = 100;
      long entries = -1;
      long del = 0;
      for (int i = 4; i < w.length; i++) {
        String[] kv = w[i].split("=");
        switch (kv[0]) {
          case "seq" -> {
            String[] s = kv[1].split("\\.\\.");
            minSeq = Long.parseLong(s[0]);
            maxSeq = Long.parseLong(s[1]);
          }
          case "size" -> size = Long.parseLong(kv[1]);
          case "entries" -> entries = Long.parseLong(kv[1]);
          case "del" -> del = Long.parseLong(kv[1]);
          default -> throw new IllegalArgumentException("unknown attribute " + kv[0]);
        }
      }
      e.addFile(
          new TableMeta(
              number,
              level,
              Bytes.utf8(range[0]),
              Bytes.utf8(range[1]),
              size,
              entries < 0 ? maxSeq - minSeq + 1 : entries,
              del,
              minSeq,
              maxSeq));
    }
    return e;
  }
}
