package io.kiwidb.reliability.crash;

import static io.kiwidb.reliability.crash.CrashTesting.b;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.DiskListing;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 1: {@code kill -9} during load. A child JVM ({@link KillChild}) runs four writer
 * threads against a store with tiny memtables, so flushes and compactions run all the time; the
 * parent kills it ({@code destroyForcibly}, SIGKILL) at a random moment, reopens the store itself,
 * and checks every key: an acknowledged write must be there exactly, and a write in flight at the
 * kill may read old or new (a batch all old or all new). Then the next cycle starts a new child on
 * the same directory, so recovery of a recovered store is exercised too. Some kills land during the
 * child's open (recovery, flushes of replayed memtables).
 *
 * <p>Both WAL sync modes must lose nothing here: a process crash keeps what reached the kernel, and
 * in {@code none} mode an acknowledged write is in the kernel's page cache.
 *
 * <p>Default: 100 cycles per mode. {@code -Psoak}: 1000 per mode. {@code -Dkiwi.crash.killCycles=N}
 * overrides both (surefire hands Maven's {@code -D} properties to the test JVM).
 */
@ExtendWith(SeededRandomExtension.class)
class ProcessKillTest {
  private static final int THREADS = 4;
  private static final int KEYS_PER_THREAD = 100;

  static String key(int thread, int k) {
    return "t" + thread + ".k" + String.format("%03d", k);
  }

  /** Cycles per sync mode: 100, 1000 under {@code -Psoak}, or {@code -Dkiwi.crash.killCycles=N}. */
  private static int cycles() {
    return Integer.getInteger("kiwi.crash.killCycles", CrashTesting.soak() ? 1000 : 100);
  }

  @Test
  void killNineLosesNoAcknowledgedWriteWithSyncAlways(SeededRandom random, @TempDir Path dir)
      throws Exception {
    run("always", cycles(), random, dir);
  }

  @Test
  void killNineLosesNoAcknowledgedWriteWithSyncNone(SeededRandom random, @TempDir Path dir)
      throws Exception {
    run("none", cycles(), random, dir);
  }

  private void run(String syncMode, int cycles, SeededRandom random, Path dir) throws Exception {
    Path db = dir.resolve("db");
    CrashTesting.writeConfig(FileSystems.local(), db, CrashTesting.tinyConfig(syncMode));
    Path logback = dir.resolve("logback-child.xml");
    Files.writeString(
        logback,
        "<configuration><appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">"
            + "<target>System.err</target><encoder><pattern>%d %-5level [%thread] %logger{24}"
            + " - %msg %kvp%n</pattern></encoder></appender>"
            + "<root level=\"WARN\"><appender-ref ref=\"E\"/></root></configuration>");
    Path stderr = dir.resolve("child-stderr.log");
    Expectations model = new Expectations();
    long started = System.nanoTime();
    long acked = 0;
    long inFlight = 0;
    long checks = 0;
    int earlyKills = 0;
    for (int cycle = 1; cycle <= cycles; cycle++) {
      Child child = Child.start(db, cycle, random.nextLong(), logback, stderr);
      boolean early = random.nextInt(100) < 15;
      if (early) {
        earlyKills++;
        Thread.sleep(random.nextInt(1500));
      } else {
        if (!child.ready.await(60, TimeUnit.SECONDS)) {
          child.process.destroyForcibly();
          fail("cycle " + cycle + ": the child did not open the store; " + tail(stderr));
        }
        Thread.sleep(random.nextInt(400));
      }
      if (!child.process.isAlive()) {
        fail(
            "cycle "
                + cycle
                + ": the child died by itself (exit "
                + child.process.exitValue()
                + "); "
                + tail(stderr));
      }
      child.process.destroyForcibly();
      child.process.waitFor(30, TimeUnit.SECONDS);
      child.reader.join(30_000);

      List<String> lines = child.lines();
      Files.deleteIfExists(child.journal);
      for (String line : lines) {
        if (line.startsWith("#E ")) {
          fail("cycle " + cycle + " (" + syncMode + "): a write failed in the child: " + line);
        }
      }
      Outcome outcome = Outcome.parse(lines, model);
      acked += outcome.acked;
      inFlight += outcome.inFlight.size();
      try (StorageEngine engine = LsmEngine.open(db, null)) {
        Map<String, String> read = new HashMap<>();
        for (String k : model.keys()) {
          read.put(k, engine.get(b(k)).map(CrashTesting::s).orElse(null));
        }
        List<String> problems = outcome.checkAtomic(read);
        problems.addAll(model.checkAndSettle(read::get, CrashTesting.scan(engine)));
        checks += read.size();
        if (!problems.isEmpty()) {
          Path saved = Path.of("target", "kill-failure-" + syncMode + ".txt");
          Files.write(saved, lines);
          fail(
              "cycle "
                  + cycle
                  + " ("
                  + syncMode
                  + "): "
                  + problems.size()
                  + " wrong keys after kill -9, first: "
                  + problems.subList(0, Math.min(10, problems.size())));
        }
      }
    }
    DiskListing disk;
    try (StorageEngine engine = LsmEngine.open(db, null)) {
      disk = engine.showDisk();
      assertTrue(engine.stats().seq() > 0);
    }
    boolean deeper =
        disk.levels().entrySet().stream()
            .anyMatch(e -> !e.getKey().equals("L0") && !e.getValue().isEmpty());
    assertTrue(deeper, "compactions should have produced tables below L0: " + disk.levels());
    System.out.printf(
        "[figures] kill -9 (%s): %d cycles (%d during open), %d acknowledged writes, %d in flight,"
            + " %d key checks, %.1f s%n",
        syncMode, cycles, earlyKills, acked, inFlight, checks, (System.nanoTime() - started) / 1e9);
  }

  private static String tail(Path stderr) throws IOException {
    if (!Files.exists(stderr)) {
      return "no stderr";
    }
    String all = Files.readString(stderr);
    return "stderr tail: " + all.substring(Math.max(0, all.length() - 3000));
  }

  /** A running child, its journal, and a thread that waits for its "store open" byte. */
  private static final class Child {
    final Process process;
    final Thread reader;
    final CountDownLatch ready = new CountDownLatch(1);
    private final Path journal;

    private Child(Process process, Path journal) {
      this.process = process;
      this.journal = journal;
      this.reader = new Thread(this::read, "kill-child-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(Path db, int cycle, long seed, Path logback, Path stderr)
        throws IOException {
      Path journal = stderr.resolveSibling("journal-" + cycle + ".txt");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb =
          new ProcessBuilder(
              java,
              "-XX:TieredStopAtLevel=1",
              "-Xshare:auto",
              "-XX:+UseSerialGC",
              "-Xmx96m",
              "-Dguice_bytecode_gen_option=DISABLED",
              "-Dlogback.configurationFile=" + logback,
              "-cp",
              System.getProperty("java.class.path"),
              KillChild.class.getName(),
              db.toString(),
              Integer.toString(cycle),
              Long.toString(seed),
              Integer.toString(THREADS),
              Integer.toString(KEYS_PER_THREAD),
              journal.toString());
      pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
      return new Child(pb.start(), journal);
    }

    /** Waits for the one byte the child prints once the store is open. */
    private void read() {
      try (InputStream in = process.getInputStream()) {
        if (in.read() == 'R') {
          ready.countDown();
        }
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        // The pipe breaks when the child is killed.
      }
    }

    /** The journal's complete lines: the last one may be torn by the kill. */
    List<String> lines() throws IOException {
      if (!Files.exists(journal)) {
        return List.of();
      }
      String all = Files.readString(journal, StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>(List.of(all.split("\n", -1)));
      out.remove(out.size() - 1); // after the last newline: empty, or a torn line
      return out;
    }
  }

  /** What one child acknowledged, and what it had in flight when it died. */
  private static final class Outcome {
    long acked;

    /** Per in-flight call: key to the value it writes (null: delete), and each key's old value. */
    final List<Map<String, String>> inFlight = new ArrayList<>();

    final List<Map<String, String>> inFlightOld = new ArrayList<>();

    static Outcome parse(List<String> lines, Expectations model) {
      Outcome o = new Outcome();
      Map<Integer, String[]> pending = new HashMap<>();
      for (String line : lines) {
        if (line.startsWith("#I ")) {
          String[] t = line.split(" ");
          pending.put(Integer.parseInt(t[1]), t);
        } else if (line.startsWith("#A ")) {
          String[] call = pending.remove(Integer.parseInt(line.substring(3)));
          effects(call).forEach(model::acked);
          o.acked++;
        }
      }
      for (String[] call : pending.values()) {
        Map<String, String> effect = effects(call);
        Map<String, String> old = new HashMap<>();
        for (String k : effect.keySet()) {
          old.put(k, model.allowed(k).iterator().next());
        }
        o.inFlight.add(effect);
        o.inFlightOld.add(old);
        effect.forEach(model::maybe);
      }
      return o;
    }

    /** A call's final effect per key, in order (a batch may touch a key twice). */
    private static Map<String, String> effects(String[] t) {
      Map<String, String> effect = new LinkedHashMap<>();
      for (int i = 2; i < t.length; ) {
        if (t[i].equals("P")) {
          effect.put(t[i + 1], t[i + 2]);
          i += 3;
        } else {
          effect.put(t[i + 1], null);
          i += 2;
        }
      }
      return effect;
    }

    /** A batch in flight must be all old or all new. */
    List<String> checkAtomic(Map<String, String> read) {
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < inFlight.size(); i++) {
        Map<String, String> effect = inFlight.get(i);
        Map<String, String> old = inFlightOld.get(i);
        boolean allNew = true;
        boolean allOld = true;
        for (String k : effect.keySet()) {
          String got = read.get(k);
          allNew &= java.util.Objects.equals(got, effect.get(k));
          allOld &= java.util.Objects.equals(got, old.get(k));
        }
        if (!allNew && !allOld) {
          problems.add("batch in flight applied in part: " + effect.keySet());
        }
      }
      return problems;
    }
  }
}
