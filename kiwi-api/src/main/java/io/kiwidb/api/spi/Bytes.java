package io.kiwidb.api.spi;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Small helpers for showing and converting byte arrays. Stateless and thread-safe. */
public final class Bytes {
  private static final HexFormat HEX = HexFormat.of();

  private Bytes() {}

  /** The UTF-8 bytes of a string. */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Lower-case hex of the bytes. */
  public static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

  /**
   * Bytes for a hex string.
   *
   * @throws IllegalArgumentException if it is not an even number of hex digits
   */
  public static byte[] fromHex(String hex) {
    return HEX.parseHex(hex);
  }

  /**
   * A readable form for logs and error messages: the text itself when every byte is printable
   * ASCII, otherwise {@code 0x} and hex. Long arrays are cut at 64 bytes.
   */
  public static String toDisplay(byte[] b) {
    if (b == null) {
      return "null";
    }
    int shown = Math.min(b.length, 64);
    boolean printable = true;
    for (int i = 0; i < shown && printable; i++) {
      printable = b[i] >= 0x20 && b[i] < 0x7f;
    }
    String body =
        printable
            ? new String(b, 0, shown, StandardCharsets.US_ASCII)
            : "0x" + HEX.formatHex(b, 0, shown);
    return b.length > shown ? body + "...(" + b.length + " bytes)" : body;
  }

  /**
   * A size for humans, as plan reasons and golden files print it: whole GB, MB or KB when exact,
   * otherwise MB with one decimal from 1MB up, and bytes below. Independent of the default locale.
   */
  public static String formatSize(long bytes) {
    if (bytes != 0 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + "GB";
    }
    if (bytes != 0 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "MB";
    }
    if (bytes != 0 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "KB";
    }
    if (bytes >= 1L << 20) {
      return String.format(java.util.Locale.ROOT, "%.1fMB", bytes / (double) (1L << 20));
    }
    return bytes + "B";
  }
}
