package io.kiwidb.reliability.crash;

import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.engine.LsmEngine;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The process {@link ProcessKillTest} kills: opens the store at {@code args[0]}, then runs writer
 * threads that put, delete and write small batches, each in its own key range, until the parent
 * kills it with SIGKILL.
 *
 * <p>Protocol: lines appended to a journal file, one per event, each with a single {@code write}
 * call on a file opened for append, so lines from different threads never interleave, the kernel
 * keeps every line written before the kill, and a kill leaves at most a torn last line (the parent
 * ignores it). Stdout carries a single byte, {@code R}, once the store is open. The journal:
 *
 * <ul>
 *   <li>{@code #R} once the store is open;
 *   <li>{@code #I <thread> <ops>} before a call, where ops are {@code P <key> <value>} and {@code D
 *       <key>} tokens (several for a batch);
 *   <li>{@code #A <thread>} after that call returned, i.e. once the write was acknowledged;
 *   <li>{@code #E <thread> <error>} if the call threw (the thread then stops): on a healthy disk
 *       that is a bug, and the parent fails the test.
 * </ul>
 *
 * <p>Arguments: data root, cycle number (makes values unique across cycles), seed, threads, keys
 * per thread, journal file, and optionally a lifetime in milliseconds (default two minutes).
 *
 * <p>Why not stdout: lines written to the pipe just before the kill were sometimes missing on the
 * parent's side. When a child dies, the JDK drains what is left in its pipe on the process reaper
 * thread, and a read already in progress on the old stream then fails, so those lines were lost.
 * That made writes look unissued while the store held them. A file has no such window.
 */
public final class KillChild {
  private static final FileOutputStream READY = new FileOutputStream(FileDescriptor.out);
  private static FileOutputStream out;

  private KillChild() {}

  /** Runs until killed (or for at most two minutes, should the parent vanish). */
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int cycle = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    int threads = Integer.parseInt(args[3]);
    int keysPerThread = Integer.parseInt(args[4]);
    out = new FileOutputStream(args[5], true);
    StorageEngine engine = LsmEngine.open(root, null);
    emit("#R");
    READY.write('R');
    READY.flush();
    for (int t = 0; t < threads; t++) {
      int id = t;
      SplittableRandom random = new SplittableRandom(seed * 31 + t);
      Thread w = new Thread(() -> write(engine, id, cycle, keysPerThread, random), "writer-" + t);
      w.setDaemon(true);
      w.start();
    }
    // The parent's kill normally ends this process; the lifetime bounds it should the parent
    // vanish.
    Thread.sleep(args.length > 6 ? Long.parseLong(args[6]) : 120_000);
    System.exit(0);
  }

  private static void write(
      StorageEngine engine, int thread, int cycle, int keysPerThread, SplittableRandom random) {
    for (long n = 0; ; n++) {
      int kind = random.nextInt(100);
      int ops = kind < 85 ? 1 : 2 + random.nextInt(3);
      StringBuilder line = new StringBuilder("#I ").append(thread);
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < ops; i++) {
        String key = ProcessKillTest.key(thread, random.nextInt(keysPerThread));
        if (random.nextInt(100) < 25) {
          line.append(" D ").append(key);
          batch.delete(CrashTesting.b(key));
        } else {
          String value =
              "c"
                  + cycle
                  + ".t"
                  + thread
                  + ".n"
                  + n
                  + "."
                  + i
                  + "."
                  + "v".repeat(random.nextInt(120));
          line.append(" P ").append(key).append(' ').append(value);
          batch.put(CrashTesting.b(key), CrashTesting.b(value));
        }
      }
      emit(line.toString());
      try {
        if (ops > 1) {
          engine.write(batch);
        } else {
          WriteBatch.Operation op = batch.operations().get(0);
          if (op.isDelete()) {
            engine.delete(op.key());
          } else {
            engine.put(op.key(), op.value());
          }
        }
      } catch (RuntimeException e) {
        // On a healthy disk no call may fail: report it, so the parent fails the test.
        emit("#E " + thread + " " + e.toString().replace('\n', ' '));
        return;
      }
      emit("#A " + thread);
    }
  }

  private static void emit(String line) {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (KillChild.class) {
      try {
        out.write(bytes);
      } catch (IOException e) {
        System.exit(4);
      }
    }
  }
}
