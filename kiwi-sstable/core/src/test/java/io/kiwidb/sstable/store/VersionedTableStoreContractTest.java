package io.kiwidb.sstable.store;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.sstable.TableEdit;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableStoreOptions;
import io.kiwidb.sstable.TableVersion;
import io.kiwidb.sstable.TableWriter;
import io.kiwidb.testkit.TableContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The manifest-backed table store passes the testkit's table contract. */
class VersionedTableStoreContractTest extends TableContract<TableStore> {
  @Override
  protected TableStore open(FileSystem fs) {
    try {
      fs.createDirectories(ROOT.resolve("sst"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return TableStore.open(fs, ROOT, TableStoreOptions.defaults(4));
  }

  @Override
  protected TableMeta install(
      TableStore store, int level, List<InternalEntry> entries, long lastSequence) {
    TableMeta t = writeOnly(store, level, entries);
    store.install(new TableEdit(List.of(t), List.of(), lastSequence));
    return t;
  }

  @Override
  protected TableMeta writeOnly(TableStore store, int level, List<InternalEntry> entries) {
    try (TableWriter w = store.newTable(level)) {
      for (InternalEntry e : entries) {
        w.add(e);
      }
      return w.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void replace(TableStore store, List<TableMeta> removed, List<TableMeta> added) {
    store.install(TableEdit.compaction(removed, added));
  }

  @Override
  protected InternalEntry get(TableStore store, byte[] key, long readSeq) {
    return store.get(key, readSeq, null);
  }

  @Override
  protected List<List<TableMeta>> levels(TableStore store) {
    List<List<TableMeta>> out = new ArrayList<>();
    try (TableVersion v = store.acquire()) {
      for (int level = 0; level < v.levelCount(); level++) {
        out.add(v.level(level));
      }
    }
    return out;
  }

  @Override
  protected List<InternalEntry> entries(TableStore store, TableMeta table) {
    List<InternalEntry> out = new ArrayList<>();
    try (TableVersion v = store.acquire();
        InternalIterator it = v.iterator(table)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(it.entry());
      }
    }
    return out;
  }

  @Override
  protected long lastSequence(TableStore store) {
    return store.lastSequence();
  }

  @Override
  protected Path file(TableStore store, TableMeta table) {
    return store.tablePath(table.fileNumber());
  }

  @Override
  protected void close(TableStore store) {
    store.close();
  }
}
