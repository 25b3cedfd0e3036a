package io.kiwidb.engine.internal;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.spi.Message;
import io.kiwidb.api.KiwiException;
import java.util.Collection;

/**
 * Builds an engine's injector and turns Guice's wrapped failures back into the kiwi-db exception
 * that caused them, so a caller of {@code KiwiDb.open} sees {@code InvalidConfigException: invalid
 * config memtable_impl="foo": unknown implementation; known: [redblack, skiplist]} rather than a
 * Guice error report.
 *
 * <p>{@link Stage#PRODUCTION} creates every singleton eagerly: a bad implementation name fails the
 * open, not the first write.
 */
public final class EngineInjector {
  private EngineInjector() {}

  /**
   * Creates the injector for one engine.
   *
   * @throws KiwiException the first kiwi-db exception a binding threw, if any
   * @throws CreationException for wiring mistakes (a programming error, not a user one)
   */
  public static Injector create(Module... modules) {
    try {
      return Guice.createInjector(Stage.PRODUCTION, modules);
    } catch (CreationException e) {
      throw unwrap(e.getErrorMessages(), e);
    } catch (ProvisionException e) {
      throw unwrap(e.getErrorMessages(), e);
    }
  }

  /**
   * Creates a child injector of {@code parent}, unwrapping failures as {@link #create} does.
   *
   * @throws KiwiException the first kiwi-db exception a binding threw, if any
   */
  public static Injector createChild(Injector parent, Module... modules) {
    try {
      return parent.createChildInjector(modules);
    } catch (CreationException e) {
      throw unwrap(e.getErrorMessages(), e);
    } catch (ProvisionException e) {
      throw unwrap(e.getErrorMessages(), e);
    }
  }

  private static RuntimeException unwrap(Collection<Message> messages, RuntimeException e) {
    for (Message m : messages) {
      for (Throwable t = m.getCause(); t != null; t = t.getCause()) {
        if (t instanceof KiwiException) {
          return (KiwiException) t;
        }
      }
    }
    return e;
  }
}
