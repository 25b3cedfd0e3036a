package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.EngineClosedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The L0 stall alone: an L0 count it is given, a mock of the background errors. */
class WriteStallTest {
  private final AtomicInteger l0 = new AtomicInteger();
  private final Counters counters = new Counters();
  private final BackgroundErrors errors = mock(BackgroundErrors.class);
  private final WriteStall stall = new WriteStall(l0::get, 4, 8, counters, errors);

  @Test
  void belowTheSlowdownThresholdAWriteDoesNotWait() {
    l0.set(3);
    stall.beforeWrite("put");
    assertEquals(0, counters.stallNanos.sum());
    verify(errors, never()).check("put");
  }

  @Test
  void betweenTheThresholdsAWriteWaitsAMillisecondAndItIsCounted() {
    l0.set(5);
    long start = System.nanoTime();
    stall.beforeWrite("put");
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1));
    assertTrue(counters.stallNanos.sum() >= TimeUnit.MILLISECONDS.toNanos(1));
  }

  @Test
  void atTheStopThresholdWritesWaitUntilACompactionBringsL0Down() throws Exception {
    l0.set(8);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> stall.beforeWrite("put"));
    assertThrows(TimeoutException.class, () -> writer.get(300, TimeUnit.MILLISECONDS));
    l0.set(7);
    stall.l0Changed();
    writer.get(10, TimeUnit.SECONDS);
    assertTrue(counters.stallNanos.sum() >= TimeUnit.MILLISECONDS.toNanos(300));
  }

  @Test
  void aBackgroundErrorEndsTheWait() throws Exception {
    l0.set(9);
    BackgroundErrorException failed = new BackgroundErrorException("put", new Exception("disk"));
    // The stopped writer polls check() while it waits, so the stub is set before it starts:
    // Mockito's stubbing is not safe against calls to the same mock from another thread.
    AtomicBoolean failing = new AtomicBoolean();
    doAnswer(
            call -> {
              if (failing.get()) {
                throw failed;
              }
              return null;
            })
        .when(errors)
        .check("put");
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> stall.beforeWrite("put"));
    assertThrows(TimeoutException.class, () -> writer.get(200, TimeUnit.MILLISECONDS));
    failing.set(true);
    stall.l0Changed();
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
    assertSame(failed, e.getCause());
  }

  @Test
  void closingEndsTheWaitWithAClosedError() throws Exception {
    l0.set(8);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> stall.beforeWrite("put"));
    assertThrows(TimeoutException.class, () -> writer.get(200, TimeUnit.MILLISECONDS));
    stall.close();
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof EngineClosedException, String.valueOf(e.getCause()));
  }

  @Test
  void raisingTheThresholdsReleasesStoppedWriters() throws Exception {
    l0.set(8);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> stall.beforeWrite("put"));
    assertThrows(TimeoutException.class, () -> writer.get(200, TimeUnit.MILLISECONDS));
    stall.setThresholds(20, 40);
    writer.get(10, TimeUnit.SECONDS);
    assertFalse(writer.isCompletedExceptionally());
  }
}
