package io.kiwidb.sstable.manifest;

import io.kiwidb.api.Limits;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.TableMeta;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One change to the level structure: files added to and deleted from levels, and the counters that
 * must survive a restart (next file number, last sequence, WAL log number). A flush is an edit that
 * adds one L0 file and advances the log number; a compaction deletes its inputs and adds its
 * outputs; a trivial move deletes a file from one level and adds it ({@link TableMeta#atLevel}) to
 * the next. {@link VersionSet#logAndApply} makes an edit durable and installs it atomically.
 *
 * <p>Encoding ({@code docs/format/manifest.md}): a sequence of fields, each a varint tag followed
 * by its body; numbers are unsigned LEB128 varints, byte strings a varint length then the bytes.
 * Fields may come in any order; {@link #decode} rejects unknown tags, repeated singleton fields,
 * bad lengths and values that cannot be right (an inverted key range, a sequence above {@link
 * KeyOrder#MAX_SEQUENCE}), so a manifest written by a newer build fails loudly instead of being
 * misread.
 *
 * <p>Thread safety: none; build an edit on one thread, then hand it over. {@link VersionSet} copies
 * what it logs, so the caller keeps ownership.
 */
public final class VersionEdit {
  static final int TAG_KEY_ORDER = 1;
  static final int TAG_LOG_NUMBER = 2;
  static final int TAG_NEXT_FILE_NUMBER = 3;
  static final int TAG_LAST_SEQUENCE = 4;
  static final int TAG_DELETED_FILE = 5;
  static final int TAG_ADDED_FILE = 6;

  /** Longest key order name accepted, in bytes. */
  static final int MAX_NAME_BYTES = 255;

  /**
   * A file removed from a level.
   *
   * @param level the level it is removed from
   * @param fileNumber its number
   */
  public record DeletedFile(int level, long fileNumber) {
    /** Checks the level and number. */
    public DeletedFile {
      checkLevel(level);
      checkFileNumber(fileNumber);
    }

    @Override
    public String toString() {
      return "L" + level + ":" + fileNumber;
    }
  }

  private String keyOrderName;
  private long logNumber = -1;
  private long nextFileNumber = -1;
  private long lastSequence = -1;
  private final List<DeletedFile> deleted = new ArrayList<>();
  private final List<TableMeta> added = new ArrayList<>();

  /** Creates an empty edit. */
  public VersionEdit() {}

  /** A copy of {@code other}. */
  VersionEdit(VersionEdit other) {
    keyOrderName = other.keyOrderName;
    logNumber = other.logNumber;
    nextFileNumber = other.nextFileNumber;
    lastSequence = other.lastSequence;
    deleted.addAll(other.deleted);
    added.addAll(other.added);
  }

  /**
   * Adds a table at {@link TableMeta#level()}.
   *
   * @throws IllegalArgumentException naming the field, if the metadata cannot describe a real table
   *     (level out of range, empty or inverted key range, sequence range out of order)
   */
  public VersionEdit addFile(TableMeta table) {
    added.add(checkTable(table));
    return this;
  }

  /** Removes file {@code fileNumber} from {@code level}. */
  public VersionEdit deleteFile(int level, long fileNumber) {
    deleted.add(new DeletedFile(level, fileNumber));
    return this;
  }

  /** Removes {@code table} from its level. */
  public VersionEdit deleteFile(TableMeta table) {
    return deleteFile(table.level(), table.fileNumber());
  }

  /**
   * Records that WAL segments numbered below {@code logNumber} are no longer needed: their data is
   * in tables this edit (or an earlier one) added.
   */
  public VersionEdit setLogNumber(long logNumber) {
    this.logNumber = checkNonNegative("log number", logNumber);
    return this;
  }

  /**
   * Records the largest sequence number the tables hold (or the WAL before the log number held).
   */
  public VersionEdit setLastSequence(long lastSequence) {
    this.lastSequence = KeyOrder.checkSequence(lastSequence);
    return this;
  }

  /** Records the next unused file number. {@link VersionSet} sets it on every edit it logs. */
  public VersionEdit setNextFileNumber(long nextFileNumber) {
    this.nextFileNumber = checkNonNegative("next file number", nextFileNumber);
    return this;
  }

  /** Records the name of the key order the tables are sorted by. */
  VersionEdit setKeyOrderName(String name) {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    if (utf8.length == 0 || utf8.length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "key order name is " + utf8.length + " bytes: must be 1 to " + MAX_NAME_BYTES);
    }
    this.keyOrderName = name;
    return this;
  }

  /** The tables added, in the order they were added. */
  public List<TableMeta> addedFiles() {
    return Collections.unmodifiableList(added);
  }

  /** The files deleted, in the order they were deleted. */
  public List<DeletedFile> deletedFiles() {
    return Collections.unmodifiableList(deleted);
  }

  /** The WAL log number, if set. */
  public OptionalLong logNumber() {
    return logNumber < 0 ? OptionalLong.empty() : OptionalLong.of(logNumber);
  }

  /** The last sequence number, if set. */
  public OptionalLong lastSequence() {
    return lastSequence < 0 ? OptionalLong.empty() : OptionalLong.of(lastSequence);
  }

  /** The next file number, if set. */
  public OptionalLong nextFileNumber() {
    return nextFileNumber < 0 ? OptionalLong.empty() : OptionalLong.of(nextFileNumber);
  }

  /** The key order name, if set (snapshot edits always set it). */
  public Optional<String> keyOrderName() {
    return Optional.ofNullable(keyOrderName);
  }

  /** Whether the edit changes nothing. */
  public boolean isEmpty() {
    return keyOrderName == null
        && logNumber < 0
        && nextFileNumber < 0
        && lastSequence < 0
        && deleted.isEmpty()
        && added.isEmpty();
  }

  /** The encoded edit (the payload of one manifest record). */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 64 * added.size());
    byte[] scratch = new byte[10];
    if (keyOrderName != null) {
      putVar(out, scratch, TAG_KEY_ORDER);
      putBytes(out, scratch, keyOrderName.getBytes(StandardCharsets.UTF_8));
    }
    if (logNumber >= 0) {
      putVar(out, scratch, TAG_LOG_NUMBER);
      putVar(out, scratch, logNumber);
    }
    if (nextFileNumber >= 0) {
      putVar(out, scratch, TAG_NEXT_FILE_NUMBER);
      putVar(out, scratch, nextFileNumber);
    }
    if (lastSequence >= 0) {
      putVar(out, scratch, TAG_LAST_SEQUENCE);
      putVar(out, scratch, lastSequence);
    }
    for (DeletedFile d : deleted) {
      putVar(out, scratch, TAG_DELETED_FILE);
      putVar(out, scratch, d.level());
      putVar(out, scratch, d.fileNumber());
    }
    for (TableMeta t : added) {
      putVar(out, scratch, TAG_ADDED_FILE);
      putVar(out, scratch, t.level());
      putVar(out, scratch, t.fileNumber());
      putVar(out, scratch, t.sizeBytes());
      putBytes(out, scratch, t.smallestKey());
      putBytes(out, scratch, t.largestKey());
      putVar(out, scratch, t.entryCount());
      putVar(out, scratch, t.tombstoneCount());
      putVar(out, scratch, t.minSeq());
      putVar(out, scratch, t.maxSeq());
    }
    return out.toByteArray();
  }

  /**
   * Decodes an edit from {@code len} bytes of {@code b} at {@code off}.
   *
   * @throws IllegalArgumentException saying what is wrong and at which offset (relative to {@code
   *     off}); the manifest reader turns it into a {@code CorruptionException} naming the file
   */
  public static VersionEdit decode(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    VersionEdit e = new VersionEdit();
    int limit = off + len;
    int[] pos = {off};
    while (pos[0] < limit) {
      int fieldStart = pos[0] - off;
      long tag = Coding.getVarLong(b, pos, limit);
      try {
        switch ((int) Math.min(tag, Integer.MAX_VALUE)) {
          case TAG_KEY_ORDER -> {
            once(e.keyOrderName == null, "key order name");
            byte[] name = getBytes(b, pos, limit, MAX_NAME_BYTES);
            e.setKeyOrderName(new String(name, StandardCharsets.UTF_8));
          }
          case TAG_LOG_NUMBER -> {
            once(e.logNumber < 0, "log number");
            e.setLogNumber(Coding.getVarLong(b, pos, limit));
          }
          case TAG_NEXT_FILE_NUMBER -> {
            once(e.nextFileNumber < 0, "next file number");
            e.setNextFileNumber(Coding.getVarLong(b, pos, limit));
          }
          case TAG_LAST_SEQUENCE -> {
            once(e.lastSequence < 0, "last sequence");
            e.setLastSequence(Coding.getVarLong(b, pos, limit));
          }
          case TAG_DELETED_FILE -> {
            int level = Coding.getVarInt(b, pos, limit, Integer.MAX_VALUE);
            e.deleteFile(level, Coding.getVarLong(b, pos, limit));
          }
          case TAG_ADDED_FILE -> {
            int level = Coding.getVarInt(b, pos, limit, Integer.MAX_VALUE);
            long number = Coding.getVarLong(b, pos, limit);
            long size = Coding.getVarLong(b, pos, limit);
            byte[] smallest = getBytes(b, pos, limit, Limits.MAX_KEY_BYTES);
            byte[] largest = getBytes(b, pos, limit, Limits.MAX_KEY_BYTES);
            long entries = Coding.getVarLong(b, pos, limit);
            long tombstones = Coding.getVarLong(b, pos, limit);
            long minSeq = Coding.getVarLong(b, pos, limit);
            long maxSeq = Coding.getVarLong(b, pos, limit);
            e.addFile(
                new TableMeta(
                    number, level, smallest, largest, size, entries, tombstones, minSeq, maxSeq));
          }
          default ->
              throw new IllegalArgumentException("unknown tag " + Long.toUnsignedString(tag));
        }
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(
            "version edit field at offset " + fieldStart + ": " + ex.getMessage(), ex);
      }
    }
    return e;
  }

  private static void once(boolean first, String field) {
    if (!first) {
      throw new IllegalArgumentException(field + " appears twice");
    }
  }

  private static byte[] getBytes(byte[] b, int[] pos, int limit, int max) {
    int n = Coding.getVarInt(b, pos, limit, max);
    if (n > limit - pos[0]) {
      throw new IllegalArgumentException(
          "byte string of " + n + " bytes runs past the end (" + (limit - pos[0]) + " left)");
    }
    byte[] out = Arrays.copyOfRange(b, pos[0], pos[0] + n);
    pos[0] += n;
    return out;
  }

  private static void putVar(ByteArrayOutputStream out, byte[] scratch, long v) {
    int n = Coding.putVarLong(scratch, 0, v);
    out.write(scratch, 0, n);
  }

  private static void putBytes(ByteArrayOutputStream out, byte[] scratch, byte[] bytes) {
    putVar(out, scratch, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  static int checkLevel(int level) {
    if (level < 0 || level >= Version.MAX_LEVELS) {
      throw new IllegalArgumentException(
          "level " + level + " is outside [0, " + (Version.MAX_LEVELS - 1) + "]");
    }
    return level;
  }

  static long checkFileNumber(long fileNumber) {
    if (fileNumber < 1) {
      throw new IllegalArgumentException("file number " + fileNumber + " must be positive");
    }
    return fileNumber;
  }

  private static long checkNonNegative(String what, long v) {
    if (v < 0) {
      throw new IllegalArgumentException(what + " " + Long.toUnsignedString(v) + " is negative");
    }
    return v;
  }

  /** Checks that {@code t} can describe a real table. */
  static TableMeta checkTable(TableMeta t) {
    String file = "table " + t.fileNumber() + ": ";
    try {
      checkLevel(t.level());
      checkFileNumber(t.fileNumber());
      Limits.checkKey(t.smallestKey());
      Limits.checkKey(t.largestKey());
      KeyOrder.checkSequence(t.minSeq());
      KeyOrder.checkSequence(t.maxSeq());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(file + e.getMessage(), e);
    }
    if (KeyOrder.compareKeys(t.smallestKey(), t.largestKey()) > 0) {
      throw new IllegalArgumentException(
          file
              + "smallest key "
              + Bytes.toDisplay(t.smallestKey())
              + " sorts after largest key "
              + Bytes.toDisplay(t.largestKey()));
    }
    if (t.minSeq() > t.maxSeq()) {
      throw new IllegalArgumentException(
          file + "min sequence " + t.minSeq() + " > max sequence " + t.maxSeq());
    }
    if (t.sizeBytes() < 0 || t.entryCount() < 0 || t.tombstoneCount() < 0) {
      throw new IllegalArgumentException(
          file
              + "negative size or count (size "
              + t.sizeBytes()
              + ", entries "
              + t.entryCount()
              + ", tombstones "
              + t.tombstoneCount()
              + ")");
    }
    if (t.tombstoneCount() > t.entryCount()) {
      throw new IllegalArgumentException(
          file + t.tombstoneCount() + " tombstones > " + t.entryCount() + " entries");
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof VersionEdit e)) {
      return false;
    }
    // TableMeta is a record over arrays, so its equals compares key identity: compare encodings.
    return Arrays.equals(encode(), e.encode());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encode());
  }

  /** A one-line readable form, e.g. {@code {log=5 next=13 seq=200 -L0:7 +L1:12[a..f]}}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    if (keyOrderName != null) {
      s.append(" order=").append(keyOrderName);
    }
    if (logNumber >= 0) {
      s.append(" log=").append(logNumber);
    }
    if (nextFileNumber >= 0) {
      s.append(" next=").append(nextFileNumber);
    }
    if (lastSequence >= 0) {
      s.append(" seq=").append(lastSequence);
    }
    for (DeletedFile d : deleted) {
      s.append(" -").append(d);
    }
    for (TableMeta t : added) {
      s.append(" +L")
          .append(t.level())
          .append(':')
          .append(t.fileNumber())
          .append('[')
          .append(Bytes.toDisplay(t.smallestKey()))
          .append("..")
          .append(Bytes.toDisplay(t.largestKey()))
          .append(']');
    }
    return s.append(" }").toString();
  }
}
