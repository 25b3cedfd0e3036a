package io.kiwidb.sstable.table;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.sstable.TableCodecs;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A real codec for the table core's own tests (the JDK's deflate), so compressed blocks are covered
 * without depending on a codec module. Not registered with ServiceLoader: tests pass it in through
 * {@link #CODECS}.
 */
public final class DeflateCompressor implements Compressor {
  static final int ID = 200;

  /** The installed codecs plus this one, and the exact filter that the tests use. */
  public static final TableCodecs CODECS =
      TableCodecs.of(List.of(new ExactFilterPolicy()), List.of(new DeflateCompressor()));

  @Override
  public String name() {
    return "deflate";
  }

  @Override
  public int id() {
    return ID;
  }

  @Override
  public byte[] compress(byte[] src, int off, int len) {
    Deflater d = new Deflater(Deflater.BEST_SPEED, true);
    try {
      d.setInput(src, off, len);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(len / 2 + 16);
      byte[] buf = new byte[4096];
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  @Override
  public byte[] decompress(byte[] src, int off, int len, int originalLength) {
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(src, off, len);
      byte[] out = new byte[originalLength];
      int n = 0;
      while (n < originalLength && !inf.finished()) {
        int got = inf.inflate(out, n, originalLength - n);
        if (got == 0 && (inf.needsInput() || inf.needsDictionary())) {
          break;
        }
        n += got;
      }
      if (n != originalLength || !inf.finished()) {
        throw new IllegalArgumentException(
            "deflate block expanded to " + n + " bytes, expected " + originalLength);
      }
      return out;
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("malformed deflate block: " + e.getMessage(), e);
    } finally {
      inf.end();
    }
  }
}
