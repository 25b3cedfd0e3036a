package io.kiwidb.reliability.crash;

import static io.kiwidb.reliability.crash.CrashTesting.b;

import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A small, seeded, single-threaded history of puts, deletes, batches and flushes over a few keys,
 * with the model state after each step, so a test can ask "is this state the state after some
 * prefix of the history?".
 *
 * <p>Thread safety: immutable after construction.
 */
final class Workload {
  /** One call: a batch of effects (key to value, null = delete), or a flush when empty. */
  record Step(Map<String, String> effects, boolean flush) {
    void apply(StorageEngine engine) {
      if (flush) {
        engine.flush();
      } else if (effects.size() == 1) {
        Map.Entry<String, String> e = effects.entrySet().iterator().next();
        if (e.getValue() == null) {
          engine.delete(b(e.getKey()));
        } else {
          engine.put(b(e.getKey()), b(e.getValue()));
        }
      } else {
        WriteBatch batch = new WriteBatch();
        effects.forEach(
            (k, v) -> {
              if (v == null) {
                batch.delete(b(k));
              } else {
                batch.put(b(k), b(v));
              }
            });
        engine.write(batch);
      }
    }
  }

  final List<Step> steps = new ArrayList<>();

  /** {@code states.get(j)}: the live keys after the first {@code j} steps. */
  final List<Map<String, String>> states = new ArrayList<>();

  final List<String> keys = new ArrayList<>();

  Workload(long seed, int length, int keyCount) {
    Random random = new Random(seed);
    for (int i = 0; i < keyCount; i++) {
      keys.add(String.format("key%03d", i));
    }
    TreeMap<String, String> state = new TreeMap<>();
    states.add(Map.copyOf(state));
    for (int i = 0; i < length; i++) {
      int dice = random.nextInt(100);
      Step step;
      if (dice < 6) {
        step = new Step(Map.of(), true);
      } else {
        int ops = dice < 20 ? 2 + random.nextInt(3) : 1;
        Map<String, String> effects = new LinkedHashMap<>();
        for (int j = 0; j < ops; j++) {
          String key = keys.get(random.nextInt(keyCount));
          effects.put(
              key,
              random.nextInt(100) < 20
                  ? null
                  : "s" + i + "." + j + "." + "x".repeat(random.nextInt(200)));
        }
        step = new Step(effects, false);
      }
      steps.add(step);
      step.effects.forEach(
          (k, v) -> {
            if (v == null) {
              state.remove(k);
            } else {
              state.put(k, v);
            }
          });
      states.add(Map.copyOf(state));
    }
  }

  /** Reads every key of the workload: key to value for the live ones. */
  Map<String, String> read(StorageEngine engine) {
    Map<String, String> out = new HashMap<>();
    for (String k : keys) {
      engine.get(b(k)).ifPresent(v -> out.put(k, CrashTesting.s(v)));
    }
    return out;
  }

  /** The lengths {@code j} in {@code [from, to]} whose state equals {@code observed}. */
  List<Integer> matchingPrefixes(Map<String, String> observed, int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int j = Math.max(0, from); j <= Math.min(to, steps.size()); j++) {
      if (states.get(j).equals(observed)) {
        out.add(j);
      }
    }
    return out;
  }
}
