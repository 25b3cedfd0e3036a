package io.kiwidb.reliability.fuzz;

import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Byte-level helpers for the fuzz targets: file headers, and checksum repair. A fuzzer that must
 * guess a CRC32C never gets past it, so most targets recompute every checksum the structure lets
 * them find before decoding ("fix-up"), and leave it alone for one input bit in two so the checksum
 * paths stay covered too. Layouts: docs/format/*.md.
 */
final class FuzzFiles {
  static final Path ROOT = Path.of("/db");

  private FuzzFiles() {}

  /** A fresh in-memory file system holding {@code file} with {@code content}, all durable. */
  static InMemoryFileSystem fsWith(Path file, byte[] content) {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    write(fs, file, content);
    return fs;
  }

  static void write(InMemoryFileSystem fs, Path file, byte[] content) {
    try {
      fs.createDirectories(file.getParent());
      try (WritableFile f = fs.create(file)) {
        f.append(content);
        f.sync();
      }
      fs.syncDirectory(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first byte as option bits (0 for the empty input). */
  static int flags(byte[] data) {
    return data.length == 0 ? 0 : data[0] & 0xff;
  }

  /** Everything after the first byte. */
  static byte[] body(byte[] data) {
    return data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A 24-byte header: 8-byte magic, version u32 1, number u64, masked CRC32C of the 20 before. */
  static byte[] header(String magic, long number) {
    byte[] h = new byte[24];
    System.arraycopy(magic.getBytes(StandardCharsets.US_ASCII), 0, h, 0, 8);
    Coding.putInt(h, 8, 1);
    Coding.putLong(h, 12, number);
    Coding.putInt(h, 20, Checksums.maskedCrc32c(h, 0, 20));
    return h;
  }

  // ---------------------------------------------------------------- WAL (docs/format/wal.md)

  static final int WAL_BLOCK = 32 * 1024;

  /**
   * Recomputes each chunk checksum, walking the chunks as the reader does, until one cannot fit.
   */
  static void fixWalChunks(byte[] seg) {
    int p = 24;
    while (p + 7 <= seg.length) {
      int blockLeft = WAL_BLOCK - p % WAL_BLOCK;
      if (blockLeft <= 7) {
        p += blockLeft;
        continue;
      }
      int n = (seg[p + 4] & 0xff) | (seg[p + 5] & 0xff) << 8;
      if (n == 0 || 7 + n > blockLeft || p + 7 + n > seg.length) {
        return;
      }
      Coding.putInt(seg, p, Checksums.maskedCrc32c(seg, p + 4, 3 + n));
      p += 7 + n;
    }
  }

  // ---------------------------------------------------------------- manifest (manifest.md)

  /** Recomputes each record's payload and header checksums while the records fit the file. */
  static void fixManifestRecords(byte[] m) {
    int p = 24;
    while (p + 12 <= m.length) {
      int len = Coding.getInt(m, p);
      if (len < 0 || len > m.length - p - 12) {
        return;
      }
      Coding.putInt(m, p + 4, Checksums.maskedCrc32c(m, p + 12, len));
      Coding.putInt(m, p + 8, Checksums.maskedCrc32c(m, p, 8));
      p += 12 + len;
    }
  }

  // ---------------------------------------------------------------- tables (sstable.md)

  static final long TABLE_MAGIC = 0x7473732d6977696bL;
  static final int FOOTER = 52;

  /** Recomputes the footer checksum and the checksums of the blocks its handles point at. */
  static void fixTable(byte[] t) {
    if (t.length < FOOTER) {
      return;
    }
    int f = t.length - FOOTER;
    for (int at = 0; at < 36; at += 12) {
      long offset = Coding.getLong(t, f + at);
      long size = Coding.getInt(t, f + at + 8) & 0xffffffffL;
      if (offset >= 0 && size <= f - 5 && offset <= f - 5 - size) {
        fixBlock(t, (int) offset, (int) size);
      }
    }
    Coding.putInt(t, f + 40, Checksums.maskedCrc32c(t, f, 40));
  }

  /** The trailer checksum of the block at {@code offset} (contents plus compression id). */
  static void fixBlock(byte[] t, int offset, int size) {
    Coding.putInt(t, offset + size + 1, Checksums.maskedCrc32c(t, offset, size + 1));
  }

  /**
   * Entries in the data/index/properties block format with a restart at every entry: {@code
   * shared=0 | unshared | value length | key | seq_kind u64 | value}, then the restart array and
   * its count.
   */
  static byte[] entryBlock(byte[][] keys, long[] seqKinds, byte[][] values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] restarts = new int[keys.length];
    byte[] scratch = new byte[10];
    for (int i = 0; i < keys.length; i++) {
      restarts[i] = out.size();
      out.write(0);
      out.write(scratch, 0, Coding.putVarLong(scratch, 0, keys[i].length));
      out.write(scratch, 0, Coding.putVarLong(scratch, 0, values[i].length));
      out.write(keys[i], 0, keys[i].length);
      byte[] sk = new byte[8];
      Coding.putLong(sk, 0, seqKinds[i]);
      out.write(sk, 0, 8);
      out.write(values[i], 0, values[i].length);
    }
    byte[] tail = new byte[4 * Math.max(1, keys.length) + 4];
    for (int i = 0; i < keys.length; i++) {
      Coding.putInt(tail, 4 * i, restarts[i]);
    }
    Coding.putInt(tail, tail.length - 4, Math.max(1, keys.length));
    byte[] body = out.toByteArray();
    return concat(body, tail);
  }

  static byte[] varint(long v) {
    byte[] b = new byte[10];
    return Arrays.copyOf(b, Coding.putVarLong(b, 0, v));
  }

  /**
   * A structurally valid table around one data block's stored contents: that block (with a trailer
   * holding {@code compressionId} and a correct checksum), an index with one entry pointing at it
   * under {@code indexKey}, a properties block, and the footer. Only the data block comes from the
   * fuzzer, so every input reaches the block decoder.
   */
  static byte[] tableAround(byte[] dataBlock, int compressionId, byte[] indexKey) {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    int dataSize = dataBlock.length;
    appendBlock(file, dataBlock, compressionId);
    byte[] handle = concat(varint(0), varint(dataSize));
    byte[] index =
        entryBlock(
            new byte[][] {indexKey},
            new long[] {(0xffffffffffffffL << 8) | 1},
            new byte[][] {handle});
    int indexAt = file.size();
    appendBlock(file, index, 0);
    String[] names = {
      "kiwi.compressor",
      "kiwi.created.millis",
      "kiwi.data.blocks",
      "kiwi.entries",
      "kiwi.filter.policy",
      "kiwi.largest.key",
      "kiwi.raw.key.bytes",
      "kiwi.raw.value.bytes",
      "kiwi.seq.max",
      "kiwi.seq.min",
      "kiwi.smallest.key",
      "kiwi.tombstones"
    };
    byte[][] values = {
      "none".getBytes(StandardCharsets.US_ASCII),
      varint(1),
      varint(1),
      varint(1),
      new byte[0],
      indexKey,
      varint(1),
      varint(1),
      varint(0xffffffffffffffL),
      varint(0),
      new byte[] {0},
      varint(0)
    };
    byte[][] keys = new byte[names.length][];
    long[] seqKinds = new long[names.length];
    for (int i = 0; i < names.length; i++) {
      keys[i] = names[i].getBytes(StandardCharsets.US_ASCII);
      seqKinds[i] = 1;
    }
    byte[] props = entryBlock(keys, seqKinds, values);
    int propsAt = file.size();
    appendBlock(file, props, 0);
    byte[] footer = new byte[FOOTER];
    Coding.putLong(footer, 0, indexAt);
    Coding.putInt(footer, 8, index.length);
    Coding.putLong(footer, 24, propsAt);
    Coding.putInt(footer, 32, props.length);
    Coding.putInt(footer, 36, 1);
    Coding.putInt(footer, 40, Checksums.maskedCrc32c(footer, 0, 40));
    Coding.putLong(footer, 44, TABLE_MAGIC);
    file.write(footer, 0, FOOTER);
    return file.toByteArray();
  }

  private static void appendBlock(ByteArrayOutputStream file, byte[] contents, int id) {
    byte[] withTrailer = Arrays.copyOf(contents, contents.length + 5);
    withTrailer[contents.length] = (byte) id;
    Coding.putInt(
        withTrailer,
        contents.length + 1,
        Checksums.maskedCrc32c(withTrailer, 0, contents.length + 1));
    file.write(withTrailer, 0, withTrailer.length);
  }
}
