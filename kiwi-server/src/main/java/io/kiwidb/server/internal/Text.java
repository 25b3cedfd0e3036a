package io.kiwidb.server.internal;

import java.nio.charset.StandardCharsets;

/** Small text helpers for messages and pages. */
public final class Text {
  private Text() {}

  /** A value cut to 80 characters for an error message, so a huge input is not echoed back. */
  public static String clip(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** Bytes for display: the UTF-8 text when valid and printable, else {@code 0x} + hex. */
  public static String display(byte[] b) {
    if (b == null) {
      return "";
    }
    String s = ByteEncoding.utf8OrNull(b);
    if (s != null && s.codePoints().noneMatch(c -> Character.isISOControl(c))) {
      return s;
    }
    StringBuilder sb = new StringBuilder("0x");
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }

  /** UTF-8 bytes of a string. */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
