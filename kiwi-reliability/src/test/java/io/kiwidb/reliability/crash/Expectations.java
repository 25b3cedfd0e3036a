package io.kiwidb.reliability.crash;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What each key may read as after a crash: exactly its last acknowledged value, or, while a write
 * to it is in flight or failed, either that or the unacknowledged value. {@code null} stands for
 * "absent" (never written, or deleted).
 *
 * <p>Thread safety: none; one test thread owns it.
 */
final class Expectations {
  private final Map<String, Set<String>> allowed = new TreeMap<>();

  /** A write to {@code key} was acknowledged: from now on only {@code value} is allowed. */
  void acked(String key, String value) {
    Set<String> one = new HashSet<>();
    one.add(value);
    allowed.put(key, one);
  }

  /** A write to {@code key} may or may not have happened: {@code value} is allowed too. */
  void maybe(String key, String value) {
    allowed.computeIfAbsent(key, k -> absentOnly()).add(value);
  }

  /** The values {@code key} may have (read-only). */
  Set<String> allowed(String key) {
    Set<String> a = allowed.get(key);
    return Collections.unmodifiableSet(a == null ? absentOnly() : a);
  }

  /** Every key ever written. */
  Set<String> keys() {
    return Collections.unmodifiableSet(allowed.keySet());
  }

  /**
   * Checks every key ever written against {@code reader} (key to value or null) and, when {@code
   * scanned} is not null, that a full scan shows exactly the keys and values the reads showed.
   * Afterwards each key's allowed set is narrowed to what was read, so later rounds build on it.
   *
   * @return one line per violation, empty if none
   */
  List<String> checkAndSettle(Function<String, String> reader, Map<String, String> scanned) {
    List<String> problems = new ArrayList<>();
    Map<String, String> read = new TreeMap<>();
    for (Map.Entry<String, Set<String>> e : allowed.entrySet()) {
      String key = e.getKey();
      String got = reader.apply(key);
      if (!e.getValue().contains(got)) {
        problems.add(key + ": read " + describe(got) + ", allowed " + describeAll(e.getValue()));
      }
      if (got != null) {
        read.put(key, got);
      }
    }
    if (scanned != null && !scanned.equals(read)) {
      for (String k : scanned.keySet()) {
        if (!read.containsKey(k)) {
          problems.add(k + ": the scan shows " + describe(scanned.get(k)) + ", get shows absent");
        }
      }
      for (Map.Entry<String, String> e : read.entrySet()) {
        String sv = scanned.get(e.getKey());
        if (!e.getValue().equals(sv)) {
          problems.add(
              e.getKey() + ": get shows " + describe(e.getValue()) + ", the scan " + describe(sv));
        }
      }
    }
    for (String key : new ArrayList<>(allowed.keySet())) {
      acked(key, read.get(key));
    }
    return problems;
  }

  private static Set<String> absentOnly() {
    Set<String> s = new HashSet<>();
    s.add(null);
    return s;
  }

  private static String describe(String v) {
    if (v == null) {
      return "<absent>";
    }
    return v.length() > 40 ? "'" + v.substring(0, 40) + "...'" : "'" + v + "'";
  }

  private static String describeAll(Set<String> values) {
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add(describe(v)));
    return out.toString();
  }
}
