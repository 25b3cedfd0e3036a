package io.kiwidb.kafka.streams;

import io.kiwidb.api.Limits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;

/**
 * How a store lays its keys out in one kiwi-db keyspace.
 *
 * <p>Every user key is stored behind one tag byte, {@code 0x01}; the store's own metadata (format,
 * committed offsets, position, state) lives under tag {@code 0x00}, so it sorts before every user
 * key and can never collide with one. The tag also lets the store keep Kafka's empty keys, which
 * kiwi-db itself refuses. A constant prefix keeps the unsigned lexicographic order of the user
 * keys, so ranges and prefix scans map to one kiwi scan. The price is one byte per key, and a user
 * key may be at most {@link #MAX_USER_KEY_BYTES}.
 */
final class KeyCodec {
  static final byte META = 0x00;
  static final byte DATA = 0x01;

  /** The longest user key: kiwi-db's limit less the tag byte. */
  static final int MAX_USER_KEY_BYTES = Limits.MAX_KEY_BYTES - 1;

  /** Lower bound (inclusive) of all data keys. */
  static final byte[] DATA_START = {DATA};

  /** Upper bound (exclusive) of all data keys. */
  static final byte[] DATA_END = {DATA + 1};

  static final byte[] FORMAT_KEY = {META, 'f'};
  static final byte[] STATE_KEY = {META, 's'};
  static final byte[] POSITION_KEY = {META, 'p'};
  static final byte[] OFFSET_PREFIX = {META, 'o'};

  private KeyCodec() {}

  /** The stored form of a user key. */
  static byte[] dataKey(String store, byte[] userKey) {
    if (userKey.length > MAX_USER_KEY_BYTES) {
      throw new IllegalArgumentException(
          "kiwi store '"
              + store
              + "': key is "
              + userKey.length
              + " bytes, the limit is "
              + MAX_USER_KEY_BYTES
              + " bytes");
    }
    byte[] stored = new byte[userKey.length + 1];
    stored[0] = DATA;
    System.arraycopy(userKey, 0, stored, 1, userKey.length);
    return stored;
  }

  /** The user key of a stored data key. */
  static Bytes userKey(byte[] stored) {
    return Bytes.wrap(Arrays.copyOfRange(stored, 1, stored.length));
  }

  /**
   * Inclusive lower bound of the stored keys whose user key is {@code >= from}; all data keys when
   * {@code from} is null. A bound longer than any key can be maps to the first key after every key
   * it is a prefix of.
   */
  static byte[] lowerBound(Bytes from) {
    if (from == null) {
      return DATA_START;
    }
    byte[] key = from.get();
    return key.length <= MAX_USER_KEY_BYTES ? tagged(key, 0) : successorOfTruncated(key);
  }

  /**
   * Exclusive upper bound of the stored keys whose user key is {@code <= to}: {@code to} followed
   * by a zero byte is the smallest key greater than {@code to}. All data keys when {@code to} is
   * null.
   */
  static byte[] upperBoundInclusive(Bytes to) {
    if (to == null) {
      return DATA_END;
    }
    byte[] key = to.get();
    return key.length < MAX_USER_KEY_BYTES ? tagged(key, 1) : successorOfTruncated(key);
  }

  /**
   * For a key of at least the maximum length: the smallest stored key greater than every key that
   * is at most as long as the limit and not greater than it. No stored key lies between the
   * truncated key and this successor, because such a key would be longer than the limit.
   */
  private static byte[] successorOfTruncated(byte[] key) {
    int n = MAX_USER_KEY_BYTES;
    while (n > 0 && key[n - 1] == (byte) 0xFF) {
      n--;
    }
    if (n == 0) {
      return DATA_END;
    }
    byte[] stored = new byte[n + 1];
    stored[0] = DATA;
    System.arraycopy(key, 0, stored, 1, n);
    stored[n]++;
    return stored;
  }

  private static byte[] tagged(byte[] key, int zeroPadding) {
    byte[] stored = new byte[key.length + 1 + zeroPadding];
    stored[0] = DATA;
    System.arraycopy(key, 0, stored, 1, key.length);
    return stored;
  }

  /** The metadata key holding the committed offset of one changelog partition. */
  static byte[] offsetKey(TopicPartition tp) {
    // Topic names are [a-zA-Z0-9._-]+, so a zero byte cannot occur inside one.
    byte[] topic = tp.topic().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(OFFSET_PREFIX.length + topic.length + 1 + Integer.BYTES)
        .put(OFFSET_PREFIX)
        .put(topic)
        .put((byte) 0)
        .putInt(tp.partition())
        .array();
  }

  /** The partition named by an offset key. */
  static TopicPartition offsetPartition(byte[] key) {
    int end = key.length - Integer.BYTES - 1;
    String topic =
        new String(key, OFFSET_PREFIX.length, end - OFFSET_PREFIX.length, StandardCharsets.UTF_8);
    int partition = ByteBuffer.wrap(key, end + 1, Integer.BYTES).getInt();
    return new TopicPartition(topic, partition);
  }

  static byte[] encodeLong(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  static long decodeLong(byte[] value) {
    if (value.length != Long.BYTES) {
      throw new IllegalStateException("offset value is " + value.length + " bytes, expected 8");
    }
    return ByteBuffer.wrap(value).getLong();
  }
}
