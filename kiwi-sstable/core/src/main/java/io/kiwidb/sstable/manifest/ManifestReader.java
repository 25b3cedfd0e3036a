package io.kiwidb.sstable.manifest;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole manifest into memory and splits it into records, checking the header and every
 * checksum.
 *
 * <p>What counts as damage, and what as a torn tail: a crash while an edit is being appended can
 * leave the last record cut short (its header or its payload runs past the end of the file) or the
 * file extended with zero bytes that never got their data. That record was never acknowledged (the
 * writer syncs before it acknowledges), so it is dropped and the edits before it stand. Anything
 * else (a bad magic, version or header checksum, a record checksum mismatch, a record header whose
 * own checksum fails, even in the last record) is corruption: the file held acknowledged data that
 * is now wrong, and opening would silently lose it.
 *
 * <p>Thread safety: stateless.
 */
final class ManifestReader {
  /**
   * The records of a manifest.
   *
   * @param records the complete, checksum-verified records in file order
   * @param tornTailOffset where the dropped torn tail begins, or -1 if the file ends cleanly
   */
  record Contents(List<EditRecord> records, long tornTailOffset) {}

  /** One record's payload and the offset of its header. */
  record EditRecord(long offset, byte[] payload) {}

  private ManifestReader() {}

  static Contents read(FileSystem fs, Path file, long expectedNumber) {
    String name = file.getFileName().toString();
    byte[] data;
    try (ReadableFile in = fs.openRead(file)) {
      long size = in.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new CorruptionException(
            name,
            CorruptionException.UNKNOWN_OFFSET,
            "manifest of " + size + " bytes is too large");
      }
      data = in.read(0, (int) size);
    } catch (IOException e) {
      throw new KiwiIOException("read " + file, e);
    }
    return parse(name, data, expectedNumber);
  }

  static Contents parse(String name, byte[] data, long expectedNumber) {
    if (data.length < ManifestFormat.HEADER_SIZE) {
      throw new CorruptionException(
          name,
          0,
          "file of "
              + data.length
              + " bytes is shorter than the "
              + ManifestFormat.HEADER_SIZE
              + "-byte manifest header");
    }
    ManifestFormat.Problem p = ManifestFormat.checkHeader(data, expectedNumber);
    if (p != null) {
      throw new CorruptionException(name, p.offset(), p.detail());
    }
    List<EditRecord> records = new ArrayList<>();
    int pos = ManifestFormat.HEADER_SIZE;
    while (pos < data.length) {
      int left = data.length - pos;
      if (left < ManifestFormat.RECORD_HEADER_SIZE) {
        return new Contents(records, pos); // header cut short
      }
      int len = Coding.getInt(data, pos);
      if (Coding.getInt(data, pos + 8) != Checksums.maskedCrc32c(data, pos, 8)) {
        if (allZero(data, pos)) {
          return new Contents(records, pos); // file extended, data never written
        }
        throw new CorruptionException(name, pos, "record header checksum mismatch");
      }
      if (len < 0 || len > ManifestFormat.MAX_RECORD_BYTES) {
        throw new CorruptionException(
            name, pos, "record length " + Integer.toUnsignedString(len) + " exceeds the limit");
      }
      int payloadAt = pos + ManifestFormat.RECORD_HEADER_SIZE;
      if (len > data.length - payloadAt) {
        return new Contents(records, pos); // payload cut short
      }
      if (Coding.getInt(data, pos + 4) != Checksums.maskedCrc32c(data, payloadAt, len)) {
        throw new CorruptionException(name, pos, "record checksum mismatch");
      }
      byte[] payload = new byte[len];
      System.arraycopy(data, payloadAt, payload, 0, len);
      records.add(new EditRecord(pos, payload));
      pos = payloadAt + len;
    }
    return new Contents(records, -1);
  }

  private static boolean allZero(byte[] data, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
