package io.kiwidb.reliability.corruption;

import static io.kiwidb.reliability.corruption.StoreProbe.ROOT;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.reliability.corruption.StoreProbe.Outcome;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 item 4: every byte of every table, of the manifest and of CURRENT flipped, and each file
 * cut, in a small store opened through the whole engine. Allowed outcomes: open fails with a {@link
 * CorruptionException} naming the damaged file, or the store opens and each get and the full scan
 * either answers exactly as the model does or fails with a {@link CorruptionException} naming the
 * damaged file. A wrong value, a missing key or an error of another kind fails the test.
 *
 * <p>The default run flips every byte of the manifest and CURRENT and a random half of the bytes of
 * each table once (random mask, seeded), and cuts at every length of the manifest and CURRENT and
 * at a random eighth of the lengths of each table (a cut table always loses its footer, so its
 * lengths behave alike); the {@code soak} run does every cut and flips every byte of a bigger
 * store.
 */
@ExtendWith(SeededRandomExtension.class)
class TableManifestCurrentSweepTest {

  @Test
  void everyByteOfASmallStore(SeededRandom random) {
    ModelStore store = new ModelStore(random, 40, 120, 24);
    sweep(store, random, 1, 2, 8, allFiles(store)).assertClean();
  }

  /**
   * Everything flushed, so the WAL is empty and a manifest cut after its last flush edit can only
   * be caught by the table it no longer lists (regression: it opened empty and deleted the table).
   * Cuts only: flips of the manifest are caught by its checksums, which the test above covers.
   */
  @Test
  void manifestAndCurrentOfAStoreWithAnEmptyWal(SeededRandom random) {
    ModelStore store = new ModelStore(random, 40, 120, 24, true);
    sweep(store, random, 0, 1, 1, store.image.names("MANIFEST-")).assertClean();
  }

  /** A store of several tables: every cut and every byte flipped. Tens of thousands of opens. */
  @Test
  @Tag("soak")
  void everyByteOfABiggerStore(SeededRandom random) {
    ModelStore store = new ModelStore(random, 200, 600, 60);
    sweep(store, random, 1, 1, 1, allFiles(store)).assertClean();
  }

  static final class Tally {
    long cases;
    long openRefused;
    long readRefused;
    long clean;
    final List<String> violations = new ArrayList<>();
    final long started = System.nanoTime();

    void violation(String v) {
      if (violations.size() < 50) {
        violations.add(v.length() > 600 ? v.substring(0, 600) + "..." : v);
      }
    }

    void assertClean() {
      System.out.printf(
          "[table/manifest/CURRENT sweep] %d cases: %d refused at open, %d refused a read, %d all"
              + " answers right, %d violations, %.1f s%n",
          cases,
          openRefused,
          readRefused,
          clean,
          violations.size(),
          (System.nanoTime() - started) / 1e9);
      assertTrue(violations.isEmpty(), () -> String.join("\n", violations));
    }
  }

  static List<String> allFiles(ModelStore store) {
    List<String> targets = new ArrayList<>(store.image.names("sst/"));
    targets.addAll(store.image.names("MANIFEST-"));
    targets.add("CURRENT");
    return targets;
  }

  /**
   * Damages each target file at every position (or a seeded sample) and checks each outcome.
   *
   * @param flipsPerByte 0: none; 1: one random non-zero mask per byte; 8: each single-bit flip
   * @param tableFlipOneIn table bytes are flipped with probability 1/tableFlipOneIn (1: every
   *     byte); manifest and CURRENT bytes always
   * @param cutOneIn tables are cut at each length with probability 1/cutOneIn (1: every length)
   * @param targets the files to damage
   */
  static Tally sweep(
      ModelStore store,
      Random random,
      int flipsPerByte,
      int tableFlipOneIn,
      int cutOneIn,
      List<String> targets) {
    Tally t = new Tally();
    long bytes = 0;
    for (String name : targets) {
      bytes += store.image.bytes(name).length;
    }
    Outcome undamaged =
        StoreProbe.run(
            store.image.restore(
                ROOT, "config.json", b -> StoreProbe.configJson(ModelStore.SWEEP_CONFIG)),
            store.keys);
    if (undamaged.error() != null || !StoreProbe.wrongAnswers(undamaged, store.model).isEmpty()) {
      throw new AssertionError("the undamaged store reads wrong: " + undamaged, undamaged.error());
    }
    System.out.printf(
        "[table/manifest/CURRENT sweep] %d keys in the model; files %s, %d bytes%n",
        store.model.size(), targets, bytes);
    for (String name : targets) {
      byte[] original = store.image.bytes(name);
      boolean table = name.startsWith("sst/");
      for (int len = 0; len < original.length; len++) {
        if (table && cutOneIn > 1 && random.nextInt(cutOneIn) != 0) {
          continue;
        }
        int cut = len;
        check(store, t, name, "cut@" + cut, b -> Arrays.copyOf(b, cut));
      }
      for (int pos = 0; pos < original.length; pos++) {
        if (table && tableFlipOneIn > 1 && random.nextInt(tableFlipOneIn) != 0) {
          continue;
        }
        for (int f = 0; f < flipsPerByte; f++) {
          int p = pos;
          int mask = flipsPerByte == 8 ? 1 << f : 1 + random.nextInt(255);
          check(
              store,
              t,
              name,
              "flip@" + p + "^" + mask,
              b -> {
                b[p] ^= (byte) mask;
                return b;
              });
        }
      }
    }
    return t;
  }

  private static void check(
      ModelStore store, Tally t, String name, String what, UnaryOperator<byte[]> edit) {
    t.cases++;
    Outcome o =
        StoreProbe.run(
            store.image.restore(
                ROOT,
                Map.of(
                    name,
                    edit,
                    "config.json",
                    b -> StoreProbe.configJson(ModelStore.SWEEP_CONFIG))),
            store.keys);
    String where = name + " " + what + ": ";
    String fileName = name.substring(name.lastIndexOf('/') + 1);
    if (!o.opened()) {
      t.openRefused++;
      checkError(t, where, fileName, o.openError);
      return;
    }
    List<String> wrong = StoreProbe.wrongAnswers(o, store.model);
    if (!wrong.isEmpty()) {
      t.violation(where + "WRONG ANSWER " + wrong);
    }
    if (o.readError != null) {
      t.readRefused++;
      checkError(t, where, fileName, o.readError);
    } else if (wrong.isEmpty()) {
      t.clean++;
    }
  }

  private static void checkError(Tally t, String where, String fileName, Throwable error) {
    CorruptionException ce = StoreProbe.corruption(error);
    if (ce == null) {
      t.violation(where + "failed without a CorruptionException: " + error);
    } else if (!ce.file().endsWith(fileName) && !lostManifestEdit(fileName, ce)) {
      t.violation(where + "corruption names " + ce.file() + ", not " + fileName + ": " + error);
    }
  }

  /**
   * A manifest cut short loses edits; that shows up as a gap before the WAL (reported against the
   * manifest, rewritten under a new number by then) or as a table it lists that a later compaction
   * already deleted.
   */
  private static boolean lostManifestEdit(String damaged, CorruptionException ce) {
    return damaged.startsWith("MANIFEST-")
        && (ce.file().startsWith("MANIFEST-")
            || (ce.file().endsWith(".sst") && ce.getMessage().contains("file is missing")));
  }
}
