package io.kiwidb.sstable.table;

import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.FilterPolicy;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * A test-only "filter" that stores every key: no false positives, so tests can assert exactly when
 * the filter says NO. Encoding: varint count, then (varint length, bytes) per key.
 */
public final class ExactFilterPolicy implements FilterPolicy {
  public static final String NAME = "test-exact";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Builder builder(double falsePositiveRate) {
    return new Builder() {
      private final Set<ByteBuffer> keys = new HashSet<>();
      private int count;

      @Override
      public void add(byte[] key) {
        keys.add(ByteBuffer.wrap(key.clone()));
        count++;
      }

      @Override
      public int count() {
        return count;
      }

      @Override
      public byte[] finish() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] v = new byte[10];
        out.write(v, 0, Coding.putVarLong(v, 0, keys.size()));
        for (ByteBuffer k : keys) {
          out.write(v, 0, Coding.putVarLong(v, 0, k.remaining()));
          out.write(k.array(), k.arrayOffset() + k.position(), k.remaining());
        }
        return out.toByteArray();
      }
    };
  }

  @Override
  public Reader reader(byte[] filter) {
    int[] pos = {0};
    int n = Coding.getVarInt(filter, pos, filter.length, filter.length);
    Set<ByteBuffer> keys = new HashSet<>();
    for (int i = 0; i < n; i++) {
      int len = Coding.getVarInt(filter, pos, filter.length, filter.length - pos[0]);
      byte[] k = new byte[len];
      System.arraycopy(filter, pos[0], k, 0, len);
      pos[0] += len;
      keys.add(ByteBuffer.wrap(k));
    }
    if (pos[0] != filter.length) {
      throw new IllegalArgumentException("trailing bytes in exact filter");
    }
    return key -> keys.contains(ByteBuffer.wrap(key));
  }
}
