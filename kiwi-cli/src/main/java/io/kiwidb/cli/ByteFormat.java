package io.kiwidb.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How keys and values are written on the command line and shown in output: UTF-8 text (the
 * default), hex, or base64. The same format applies to input and output, so what a command prints
 * can be pasted back into another.
 *
 * <p>UTF-8 output is made safe for a terminal: bytes that are not valid UTF-8 and control
 * characters are shown as escapes ({@code \x00}, {@code \n}, ...), and a backslash as {@code \\}
 * whenever anything was escaped. Scripts that need exact bytes use hex or base64.
 */
enum ByteFormat {
  /** UTF-8 text; non-printable bytes are escaped on output. */
  UTF8,
  /** Lower-case hex, two digits a byte. */
  HEX,
  /** Standard base64 with padding. */
  BASE64;

  /**
   * Decodes a command-line argument to bytes.
   *
   * @throws IllegalArgumentException naming the argument and what is wrong with it
   */
  byte[] parse(String what, String text) {
    switch (this) {
      case HEX:
        String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        if (hex.length() % 2 != 0) {
          throw new IllegalArgumentException(
              what
                  + " '"
                  + ArgumentBytes.show(text)
                  + "' is not hex: it has an odd number of digits");
        }
        try {
          return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              what + " '" + ArgumentBytes.show(text) + "' is not hex: only 0-9 and a-f are allowed",
              e);
        }
      case BASE64:
        String problem = base64Problem(text);
        if (problem != null) {
          throw new IllegalArgumentException(
              what + " '" + ArgumentBytes.show(text) + "' is not base64: " + problem);
        }
        return Base64.getDecoder().decode(text);
      default:
        // The exact bytes of the argument, also where they are not UTF-8 (see ArgumentBytes).
        return ArgumentBytes.encode(what, text);
    }
  }

  /**
   * What is wrong with {@code text} as standard base64 (RFC 4648 section 4, the alphabet {@code A-Z
   * a-z 0-9 + /}), or {@code null} if it decodes. Accepts exactly what {@link Base64#getDecoder()}
   * accepts (padding optional, as there), so the JDK's own wording ("Illegal base64 character 2d")
   * never reaches the user. Package-private for tests.
   */
  static String base64Problem(String text) {
    int inGroup = 0; // characters of the current 4-character group seen so far
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int position = i + 1;
      if (c == '=') {
        if (inGroup < 2) {
          return "the padding '=' at character "
              + position
              + (inGroup == 0 ? " starts a group" : " follows a single character of a group")
              + "; '=' may only end a 4-character group, after 2 or 3 characters";
        }
        if (inGroup == 2) {
          if (i + 1 >= text.length() || text.charAt(i + 1) != '=') {
            return "the group ending at character "
                + position
                + " has 2 characters and one '='; it needs two ('==')";
          }
          i++;
        }
        if (i + 1 < text.length()) {
          return "character "
              + (i + 2)
              + " ("
              + describe(text.charAt(i + 1))
              + ") follows the padding '=' that ends the data";
        }
        return null;
      }
      if (!isBase64Digit(c)) {
        String hint =
            c == '-' || c == '_'
                ? " ('-' and '_' are URL-safe base64: write '+' for '-' and '/' for '_')"
                : "";
        return "character "
            + position
            + " is "
            + describe(c)
            + ", which is not in the base64 alphabet (A-Z, a-z, 0-9, + and /, padded with =)"
            + hint;
      }
      inGroup = (inGroup + 1) % 4;
    }
    if (inGroup == 1) {
      return "it ends with a single character (character "
          + text.length()
          + ") after its last complete 4-character group; a group needs at least 2";
    }
    return null;
  }

  private static boolean isBase64Digit(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/';
  }

  /** A character for a message: {@code '-'}, {@code a space}, {@code byte 0xff}, {@code U+0009}. */
  private static String describe(char c) {
    if (c == ' ') {
      return "a space";
    }
    if (c >= 0xDC80 && c <= 0xDCFF) {
      return String.format(Locale.ROOT, "the byte 0x%02x", c & 0xff);
    }
    if (Character.isISOControl(c) || Character.isSurrogate(c) || Character.isWhitespace(c)) {
      return String.format(Locale.ROOT, "U+%04X", (int) c);
    }
    return "'" + c + "'";
  }

  /** Renders bytes for output in this format (never null; an empty array renders as ""). */
  String format(byte[] bytes) {
    switch (this) {
      case HEX:
        return HexFormat.of().formatHex(bytes);
      case BASE64:
        return Base64.getEncoder().encodeToString(bytes);
      default:
        return safeText(bytes);
    }
  }

  /** Parses a format name as given to {@code --format}, case-insensitively. */
  static ByteFormat named(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "utf8":
      case "utf-8":
      case "text":
        return UTF8;
      case "hex":
        return HEX;
      case "base64":
        return BASE64;
      default:
        throw new IllegalArgumentException(
            "unknown format '" + name + "': expected utf8, hex or base64");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The bytes as text when they are valid UTF-8 without control characters; otherwise an escaped
   * form in which every byte or character that could upset a terminal is written as an escape.
   */
  static String safeText(byte[] bytes) {
    String decoded = strictUtf8(bytes);
    if (decoded != null && isPrintable(decoded)) {
      return decoded;
    }
    StringBuilder sb = new StringBuilder(bytes.length + 8);
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xff;
      int len = sequenceLength(bytes, i);
      if (len > 1) {
        String ch = new String(bytes, i, len, StandardCharsets.UTF_8);
        if (isPrintable(ch)) {
          sb.append(ch);
        } else {
          for (int j = 0; j < len; j++) {
            hexEscape(sb, bytes[i + j] & 0xff);
          }
        }
        i += len;
        continue;
      }
      switch (b) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (b >= 0x20 && b < 0x7f) {
            sb.append((char) b);
          } else {
            hexEscape(sb, b);
          }
        }
      }
      i++;
    }
    return sb.toString();
  }

  private static void hexEscape(StringBuilder sb, int b) {
    sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
  }

  /** The length of a valid multi-byte UTF-8 sequence starting at {@code i}, else 1. */
  private static int sequenceLength(byte[] bytes, int i) {
    int b = bytes[i] & 0xff;
    int len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? (b <= 0xef ? 3 : 1) : b >= 0xc2 ? 2 : 1;
    if (len == 1 || i + len > bytes.length) {
      return 1;
    }
    return strictUtf8(Arrays.copyOfRange(bytes, i, i + len)) == null ? 1 : len;
  }

  /** Decodes strictly, or returns null if the bytes are not valid UTF-8. */
  static String strictUtf8(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean isPrintable(String s) {
    return s.codePoints()
        .noneMatch(
            cp ->
                Character.isISOControl(cp)
                    || Character.getType(cp) == Character.FORMAT
                    || Character.getType(cp) == Character.UNASSIGNED
                    || Character.getType(cp) == Character.LINE_SEPARATOR
                    || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR);
  }
}
