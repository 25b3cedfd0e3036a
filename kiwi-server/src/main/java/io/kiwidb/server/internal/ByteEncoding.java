package io.kiwidb.server.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * How keys and values travel as text: UTF-8 strings, or base64 for any bytes. Every request says
 * which (the {@code encoding} parameter or field, {@code utf8} when absent), and responses use the
 * same. Decoding is strict both ways: text that is not valid UTF-8 (or a string with an unpaired
 * surrogate) is an error naming the field, never silently replaced with {@code U+FFFD}.
 *
 * <p>Base64 input may use the standard or the URL-safe alphabet, padded or not; output is standard,
 * padded base64 (URL-safe in {@link #encodeForPath}).
 */
public enum ByteEncoding {
  UTF8("utf8"),
  BASE64("base64");

  private final String wireName;

  ByteEncoding(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in requests and responses. */
  public String wireName() {
    return wireName;
  }

  /**
   * The encoding a request named.
   *
   * @param field the parameter or field name, for the error
   * @param value its value, or {@code null} for the default (utf8)
   * @throws ProblemException 400 for any other name
   */
  public static ByteEncoding parse(String field, String value) {
    if (value == null) {
      return UTF8;
    }
    switch (value.toLowerCase(Locale.ROOT)) {
      case "utf8":
      case "utf-8":
        return UTF8;
      case "base64":
        return BASE64;
      default:
        throw ProblemException.badRequest(
            field, field + " must be utf8 or base64, got \"" + Text.clip(value) + "\"");
    }
  }

  /**
   * Turns request text into bytes.
   *
   * @throws ProblemException 400 naming {@code field} when the text is not valid in this encoding
   */
  public byte[] decode(String field, String text) {
    if (this == UTF8) {
      CharsetEncoder enc =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      try {
        ByteBuffer b = enc.encode(CharBuffer.wrap(text));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
      } catch (CharacterCodingException e) {
        throw ProblemException.badRequest(
            field, field + " holds an unpaired surrogate, which has no UTF-8 form: use base64");
      }
    }
    try {
      String t = text.strip();
      boolean urlSafe = t.indexOf('-') >= 0 || t.indexOf('_') >= 0;
      return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(t);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(
          field, field + " is not valid base64 (" + e.getMessage() + ")");
    }
  }

  /**
   * Turns stored bytes into response text.
   *
   * @param what names the bytes for the error, e.g. {@code "the value of key user:1"}
   * @throws ProblemException 422 when the bytes are not valid UTF-8 under {@link #UTF8}
   */
  public String encode(String what, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (this == BASE64) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    String s = utf8OrNull(bytes);
    if (s == null) {
      throw new ProblemException(
          422,
          "not-utf8",
          "Stored bytes are not UTF-8",
          what + " is not valid UTF-8: repeat the request with encoding=base64",
          "encoding");
    }
    return s;
  }

  /** The bytes as a string if they are valid UTF-8, else {@code null}. */
  public static String utf8OrNull(byte[] bytes) {
    CharsetDecoder dec =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return dec.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** URL-safe unpadded base64, for a key placed in a URL path. */
  public static String encodeForPath(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
