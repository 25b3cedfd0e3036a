package io.kiwidb.engine;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.kiwidb.compaction.Compactor;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.wal.WriteAheadLog;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The running engine's bindings, in a child injector of {@link EnvironmentModule}'s once the
 * storage is open: the recovered components, and every collaborator of the engine as a singleton
 * built through its {@code @Inject} constructor. The engine's own narrow interfaces are bound to
 * the collaborators that implement them, so a collaborator names what it needs ({@link
 * FlushTrigger}, {@link CompactionTrigger}), not who provides it.
 *
 * <p>Construction does no I/O and starts no thread; {@link EngineLifecycle#start} does.
 */
final class StorageModule extends AbstractModule {
  private final Storage storage;

  StorageModule(Storage storage) {
    this.storage = Objects.requireNonNull(storage, "storage");
  }

  @Override
  protected void configure() {
    bind(Storage.class).toInstance(storage);
    bind(MemTableSet.class).toInstance(storage.memTables());
    bind(TableStore.class).toInstance(storage.tables());
    bind(WriteAheadLog.class).toInstance(storage.wal());

    bind(Counters.class).in(Singleton.class);
    bind(SnapshotList.class).in(Singleton.class);
    bind(CompactionHistory.class).in(Singleton.class);
    bind(BackgroundErrors.class).in(Singleton.class);
    bind(WalSyncPolicy.class).in(Singleton.class);
    bind(WriteStall.class).in(Singleton.class);
    bind(CommitPipeline.class).in(Singleton.class);
    bind(ReadPath.class).in(Singleton.class);
    bind(Inspector.class).in(Singleton.class);
    bind(FlushPipeline.class).in(Singleton.class);
    bind(CompactionScheduler.class).in(Singleton.class);
    bind(LiveConfig.class).in(Singleton.class);
    bind(EngineLifecycle.class).in(Singleton.class);
    bind(EngineCore.class).in(Singleton.class);
    bind(Checkpointer.class).in(Singleton.class);

    bind(FlushTrigger.class).to(FlushPipeline.class);
    bind(CompactionTrigger.class).to(CompactionScheduler.class);
  }

  @Provides
  @Singleton
  Sequencer sequencer() {
    return new Sequencer(storage.lastSequence());
  }

  @Provides
  @Singleton
  Compactor compactor(StorageFactories factories) {
    return factories.compactor(storage.tables());
  }

  /** The threads behind {@link io.kiwidb.api.StorageEngine#async()}; shut down at close. */
  @Provides
  @Singleton
  ExecutorService asyncExecutor(EngineLogging logging) {
    return Executors.newFixedThreadPool(
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        EngineLifecycle.daemon(logging, "async"));
  }
}
