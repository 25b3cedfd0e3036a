package io.kiwidb.reliability.corruption;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.engine.LsmEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Opens a (possibly damaged) store through the whole engine and reads everything back: a {@code
 * get} of every key the workload ever wrote, then a full forward scan. It records what the engine
 * answered and what it refused, so a sweep can check the one rule that matters: every answer it
 * gave is right. Refusals must be {@link CorruptionException}s; anything else is recorded as
 * unexpected.
 */
final class StoreProbe {
  static final Path ROOT = Path.of("/db");

  /** What one open-and-read of a store gave. */
  static final class Outcome {
    /** Set if open failed. */
    Throwable openError;

    /** Set if a get or the scan failed after a successful open. */
    Throwable readError;

    /** Each key's get answer; a key whose get threw is absent. Empty optional: "no such key". */
    final Map<String, Optional<String>> gets = new LinkedHashMap<>();

    /** The scan's entries in order, up to its end or its failure. */
    final List<Map.Entry<String, String>> scan = new ArrayList<>();

    boolean scanComplete;

    boolean opened() {
      return openError == null;
    }

    /** The first failure, open or read, or null. */
    Throwable error() {
      return openError != null ? openError : readError;
    }

    @Override
    public String toString() {
      return opened()
          ? "opened, gets=" + gets + ", scan=" + scan + (readError == null ? "" : ", " + readError)
          : "open failed: " + openError;
    }
  }

  private StoreProbe() {}

  static Outcome run(FileSystem fs, Collection<String> keys) {
    Outcome o = new Outcome();
    LsmEngine engine;
    try {
      engine = LsmEngine.open(fs, ROOT, null);
    } catch (RuntimeException e) {
      o.openError = e;
      return o;
    }
    try {
      for (String k : keys) {
        try {
          o.gets.put(k, engine.get(utf8(k)).map(StoreProbe::string));
        } catch (RuntimeException e) {
          if (o.readError == null) {
            o.readError = e;
          }
        }
      }
      try (KiwiIterator it = engine.iterator(ScanOptions.all())) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          o.scan.add(Map.entry(string(it.key()), string(it.value())));
        }
        o.scanComplete = true;
      } catch (RuntimeException e) {
        if (o.readError == null) {
          o.readError = e;
        }
      }
    } finally {
      try {
        engine.close();
      } catch (RuntimeException ignored) {
        // A store that failed to read may also fail to close; what it answered is what counts.
      }
    }
    return o;
  }

  /**
   * The wrong answers {@code o} gave against {@code model}: a get whose answer differs, a scan
   * entry that differs, a key the scan skipped, or a complete scan with extra or missing keys.
   * Empty if every answer was right.
   */
  static List<String> wrongAnswers(Outcome o, SortedMap<String, String> model) {
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Optional<String>> g : o.gets.entrySet()) {
      Optional<String> expected = Optional.ofNullable(model.get(g.getKey()));
      if (!expected.equals(g.getValue())) {
        wrong.add("get " + g.getKey() + " = " + g.getValue() + ", expected " + expected);
      }
    }
    List<Map.Entry<String, String>> expected = new ArrayList<>(model.entrySet());
    for (int i = 0; i < o.scan.size(); i++) {
      if (i >= expected.size() || !expected.get(i).equals(o.scan.get(i))) {
        wrong.add(
            "scan entry "
                + i
                + " = "
                + o.scan.get(i)
                + ", expected "
                + (i < expected.size() ? expected.get(i) : "the end"));
        break;
      }
    }
    if (o.scanComplete && o.scan.size() < expected.size() && wrong.isEmpty()) {
      wrong.add("scan ended after " + o.scan.size() + " of " + expected.size() + " entries");
    }
    return wrong;
  }

  /** The corruption error in {@code t}'s cause chain, or null. */
  static CorruptionException corruption(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CorruptionException ce) {
        return ce;
      }
    }
    return null;
  }

  /**
   * Writes {@code <root>/config.json} with the broadcast server off (sweeps open thousands of
   * engines) and the given extra keys.
   */
  static void writeConfig(FileSystem fs, Map<String, Object> keys) {
    try {
      fs.createDirectories(ROOT);
      try (WritableFile f = fs.create(ROOT.resolve("config.json"))) {
        f.append(configJson(keys));
        f.sync();
      }
      fs.syncDirectory(ROOT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] configJson(Map<String, Object> keys) {
    Map<String, Object> all = new TreeMap<>(keys);
    all.put("log_broadcast_enabled", false);
    StringBuilder s = new StringBuilder("{");
    for (Map.Entry<String, Object> e : all.entrySet()) {
      if (s.length() > 1) {
        s.append(",\n ");
      }
      s.append('"').append(e.getKey()).append("\": ");
      Object v = e.getValue();
      s.append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v));
    }
    return s.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
