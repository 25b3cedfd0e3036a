package io.kiwidb.kafka.streams;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.query.Position;

/**
 * The stored form of a {@link Position} (the input offsets a store has seen), kept under {@link
 * KeyCodec#POSITION_KEY} and written in the same batch as the committed changelog offsets.
 *
 * <p>Layout, big-endian: {@code int version (1)}, {@code int topicCount}, then per topic {@code
 * short nameLength, UTF-8 name, int partitionCount}, then per partition {@code int partition, long
 * offset}. Topics and partitions are sorted, so equal positions encode to equal bytes.
 */
final class PositionCodec {
  private static final int VERSION = 1;

  private PositionCodec() {}

  static byte[] encode(Position position) {
    Map<String, Map<Integer, Long>> sorted = new TreeMap<>();
    int size = 8;
    for (String topic : position.getTopics()) {
      Map<Integer, Long> partitions = new TreeMap<>(position.getPartitionPositions(topic));
      sorted.put(topic, partitions);
      size += 2 + topic.getBytes(StandardCharsets.UTF_8).length + 4 + partitions.size() * 12;
    }
    ByteBuffer out = ByteBuffer.allocate(size).putInt(VERSION).putInt(sorted.size());
    sorted.forEach(
        (topic, partitions) -> {
          byte[] name = topic.getBytes(StandardCharsets.UTF_8);
          out.putShort((short) name.length).put(name).putInt(partitions.size());
          partitions.forEach((p, o) -> out.putInt(p).putLong(o));
        });
    return out.array();
  }

  /**
   * Decodes a stored position.
   *
   * @throws IllegalStateException if the bytes are not a position of a known version
   */
  static Position decode(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      int version = in.getInt();
      if (version != VERSION) {
        throw new IllegalStateException(
            "stored position has version " + version + ", this store reads version " + VERSION);
      }
      Position position = Position.emptyPosition();
      int topics = in.getInt();
      for (int t = 0; t < topics; t++) {
        byte[] name = new byte[in.getShort() & 0xFFFF];
        in.get(name);
        String topic = new String(name, StandardCharsets.UTF_8);
        int partitions = in.getInt();
        for (int p = 0; p < partitions; p++) {
          position.withComponent(topic, in.getInt(), in.getLong());
        }
      }
      if (in.hasRemaining()) {
        throw new IllegalStateException("stored position has " + in.remaining() + " extra bytes");
      }
      return position;
    } catch (BufferUnderflowException e) {
      throw new IllegalStateException(
          "stored position is truncated (" + bytes.length + " bytes)", e);
    }
  }
}
