package io.kiwidb.wal;

import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.testkit.WalContract;
import java.util.ArrayList;
import java.util.List;

/** The segmented log passes the testkit's write-ahead log contract. */
class SegmentedLogContractTest extends WalContract<WriteAheadLog> {
  @Override
  protected WriteAheadLog open(FileSystem fs, List<Logged> replayed) {
    WalReplay.Result r =
        WalReplay.replay(
            fs, DIR, RecoveryMode.STRICT, (s, b) -> replayed.add(new Logged(s, b.operations())));
    return WriteAheadLog.open(fs, DIR, r, r.lastSequence());
  }

  @Override
  protected List<Logged> replay(FileSystem fs) {
    List<Logged> out = new ArrayList<>();
    WalReplay.replay(
        fs, DIR, RecoveryMode.STRICT, (s, b) -> out.add(new Logged(s, b.operations())));
    return out;
  }

  @Override
  protected void append(WriteAheadLog log, long firstSeq, List<List<WriteBatch.Operation>> group) {
    List<WalBatch> batches = new ArrayList<>();
    group.forEach(ops -> batches.add(WalBatch.of(ops, 0)));
    log.append(firstSeq, batches);
  }

  @Override
  protected void sync(WriteAheadLog log) {
    log.sync();
  }

  @Override
  protected void roll(WriteAheadLog log) {
    log.roll();
  }

  @Override
  protected int deleteThrough(WriteAheadLog log, long seq) {
    return log.deleteSegmentsThrough(seq);
  }

  @Override
  protected long lastSequence(WriteAheadLog log) {
    return log.lastSequence();
  }

  @Override
  protected void close(WriteAheadLog log) {
    log.close();
  }
}
