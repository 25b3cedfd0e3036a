package io.kiwidb.reliability.corruption;

import java.util.ArrayList;
import java.util.List;

/**
 * The records of one WAL segment, found by walking its chunk framing (docs/format/wal.md) the way
 * the reader does, so a sweep knows for each damaged offset which records lie wholly before it.
 * Works on undamaged segments only.
 */
final class WalLayout {
  static final int BLOCK = 32 * 1024;
  static final int HEADER = 24;
  static final int CHUNK_HEADER = 7;

  /** One record: where its first chunk starts, where its last chunk ends, its first sequence. */
  record Rec(long start, long end, long firstSeq) {}

  /** One chunk: its offset and payload length. */
  record Chunk(long start, int length) {}

  final List<Rec> records = new ArrayList<>();
  final List<Chunk> chunks = new ArrayList<>();
  final long size;

  WalLayout(byte[] seg) {
    size = seg.length;
    int p = HEADER;
    long recordStart = -1;
    byte[] first = null;
    while (p < seg.length) {
      int blockLeft = BLOCK - p % BLOCK;
      if (blockLeft <= CHUNK_HEADER) {
        p += blockLeft;
        continue;
      }
      int n = (seg[p + 4] & 0xff) | (seg[p + 5] & 0xff) << 8;
      int type = seg[p + 6];
      chunks.add(new Chunk(p, n));
      if (type == 1 || type == 2) {
        recordStart = p;
        first = java.util.Arrays.copyOfRange(seg, p + CHUNK_HEADER, p + CHUNK_HEADER + 8);
      }
      p += CHUNK_HEADER + n;
      if (type == 1 || type == 4) {
        long seq = 0;
        for (int i = 7; i >= 0; i--) {
          seq = seq << 8 | (first[i] & 0xff);
        }
        records.add(new Rec(recordStart, p, seq));
      }
    }
  }

  /** Records that end at or before {@code offset}: what survives damage at that offset. */
  List<Rec> before(long offset) {
    return records.stream().filter(r -> r.end() <= offset).toList();
  }

  /** Whether {@code offset} is in the length field of a chunk in the file's last, partial block. */
  boolean inLengthFieldOfLastBlock(long offset) {
    long lastBlock = (size - 1) / BLOCK;
    for (Chunk c : chunks) {
      if (c.start() / BLOCK == lastBlock && offset >= c.start() + 4 && offset < c.start() + 6) {
        return true;
      }
    }
    return false;
  }
}
