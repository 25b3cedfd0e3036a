package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Parsing and showing keys and values in the three formats. */
@ExtendWith(SeededRandomExtension.class)
class ByteFormatTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void printableUtf8IsShownAsIs() {
    assertEquals("héllo wörld ✓ 日本", ByteFormat.safeText(utf8("héllo wörld ✓ 日本")));
    assertEquals("a\\b", ByteFormat.safeText(utf8("a\\b")), "nothing escaped: backslash as is");
    assertEquals("", ByteFormat.safeText(new byte[0]));
  }

  @Test
  void controlCharactersAndInvalidBytesAreEscaped() {
    assertEquals("a\\nb\\tc\\r", ByteFormat.safeText(utf8("a\nb\tc\r")));
    assertEquals("\\x00\\x1b[2J", ByteFormat.safeText(utf8("\u0000\u001b[2J")));
    assertEquals("\\xff\\xfe", ByteFormat.safeText(new byte[] {(byte) 0xff, (byte) 0xfe}));
    // Once anything is escaped, a literal backslash is escaped too, so the form is unambiguous.
    assertEquals("\\\\\\x00", ByteFormat.safeText(new byte[] {'\\', 0}));
    // Valid multi-byte characters survive next to invalid bytes; a truncated one does not.
    assertEquals("é\\xff", ByteFormat.safeText(new byte[] {(byte) 0xc3, (byte) 0xa9, (byte) 0xff}));
    assertEquals("\\xe2\\x9c", ByteFormat.safeText(new byte[] {(byte) 0xe2, (byte) 0x9c}));
    // C1 controls and bidi overrides are not shown raw either.
    assertEquals("\\xc2\\x85", ByteFormat.safeText(utf8("\u0085")));
    assertEquals("\\xe2\\x80\\xae\\n", ByteFormat.safeText(utf8("\u202e\n")));
  }

  @Test
  void hexAndBase64RoundTripRandomBytes(SeededRandom random) {
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[random.nextInt(40)];
      random.nextBytes(b);
      for (ByteFormat f : new ByteFormat[] {ByteFormat.HEX, ByteFormat.BASE64}) {
        assertArrayEquals(b, f.parse("key", f.format(b)), f + " round trip");
      }
    }
  }

  @Test
  void badInputNamesTheArgumentAndTheProblem() {
    assertEquals(
        "value 'zz' is not hex: only 0-9 and a-f are allowed",
        assertThrows(IllegalArgumentException.class, () -> ByteFormat.HEX.parse("value", "zz"))
            .getMessage());
    assertEquals(
        "key 'abc' is not hex: it has an odd number of digits",
        assertThrows(IllegalArgumentException.class, () -> ByteFormat.HEX.parse("key", "abc"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> ByteFormat.BASE64.parse("key", "a$b"));
    assertArrayEquals(new byte[] {0x0a}, ByteFormat.HEX.parse("key", "0x0A"));
    assertEquals(ByteFormat.UTF8, ByteFormat.named("UTF-8"));
    assertEquals(ByteFormat.BASE64, ByteFormat.named("base64"));
    assertThrows(IllegalArgumentException.class, () -> ByteFormat.named("ascii"));
  }

  private static String base64Error(String text) {
    return assertThrows(IllegalArgumentException.class, () -> ByteFormat.BASE64.parse("key", text))
        .getMessage();
  }

  /** The issue: "key 'ab-c' is not base64: Illegal base64 character 2d", the JDK's words. */
  @Test
  void base64ErrorsNameTheArgumentThePositionAndTheProblemNotTheJdksMessage() {
    assertEquals(
        "key 'ab-c' is not base64: character 3 is '-', which is not in the base64 alphabet (A-Z,"
            + " a-z, 0-9, + and /, padded with =) ('-' and '_' are URL-safe base64: write '+' for"
            + " '-' and '/' for '_')",
        base64Error("ab-c"));
    assertEquals(
        "key 'AP 8=' is not base64: character 3 is a space, which is not in the base64 alphabet"
            + " (A-Z, a-z, 0-9, + and /, padded with =)",
        base64Error("AP 8="));
    assertEquals(
        "key 'Q' is not base64: it ends with a single character (character 1) after its last"
            + " complete 4-character group; a group needs at least 2",
        base64Error("Q"));
    assertEquals(
        "key 'QUJDR' is not base64: it ends with a single character (character 5) after its last"
            + " complete 4-character group; a group needs at least 2",
        base64Error("QUJDR"));
    assertEquals(
        "key 'QQ=' is not base64: the group ending at character 3 has 2 characters and one '=';"
            + " it needs two ('==')",
        base64Error("QQ="));
    assertEquals(
        "key 'Q===' is not base64: the padding '=' at character 2 follows a single character of a"
            + " group; '=' may only end a 4-character group, after 2 or 3 characters",
        base64Error("Q==="));
    assertEquals(
        "key '=' is not base64: the padding '=' at character 1 starts a group; '=' may only end a"
            + " 4-character group, after 2 or 3 characters",
        base64Error("="));
    assertEquals(
        "key 'QQ==QQ==' is not base64: character 5 ('Q') follows the padding '=' that ends the"
            + " data",
        base64Error("QQ==QQ=="));
    assertEquals(
        "key '\\xffQQ' is not base64: character 1 is the byte 0xff, which is not in the base64"
            + " alphabet (A-Z, a-z, 0-9, + and /, padded with =)",
        base64Error("\udcffQQ"));
    for (String good : new String[] {"", "QQ", "QQ==", "QUI", "QUI=", "QUJD", "AP8=", "+/+/"}) {
      assertArrayEquals(Base64.getDecoder().decode(good), ByteFormat.BASE64.parse("key", good));
    }
  }

  /**
   * The checker and the JDK decoder agree on every string over a small alphabet: what the checker
   * accepts decodes, and what it refuses the JDK refuses too, so no JDK message is ever needed.
   */
  @Test
  void theBase64CheckAcceptsExactlyWhatTheJdkDecodes(SeededRandom random) {
    char[] alphabet = {'A', 'Q', 'z', '0', '+', '/', '=', '=', '-', ' ', '\u00e9', '\n'};
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) {
      char[] chars = new char[random.nextInt(10)];
      for (int j = 0; j < chars.length; j++) {
        chars[j] = alphabet[random.nextInt(alphabet.length)];
      }
      String text = new String(chars);
      byte[] jdk;
      try {
        jdk = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        jdk = null;
      }
      String problem = ByteFormat.base64Problem(text);
      if (jdk == null) {
        assertTrue(problem != null, () -> "the JDK refuses '" + text + "' but the check passes");
      } else {
        accepted++;
        assertNull(problem, () -> "the JDK decodes '" + text + "' but the check says " + problem);
        assertArrayEquals(jdk, ByteFormat.BASE64.parse("key", text));
      }
    }
    assertTrue(accepted > 100, "enough valid inputs were drawn: " + accepted);
  }

  @Test
  void utf8ArgumentsKeepBytesThatAreNotUtf8() {
    // ArgumentBytes writes an undecodable byte 0xNN as U+DCNN; parsing gives the byte back.
    assertArrayEquals(
        new byte[] {'k', (byte) 0xff, (byte) 0xc3, (byte) 0xa9},
        ByteFormat.UTF8.parse("key", "k\udcff\u00e9"));
    assertArrayEquals(utf8("\ud83d\ude00"), ByteFormat.UTF8.parse("key", "\ud83d\ude00"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ByteFormat.UTF8.parse("key", "a\ud800"))
            .getMessage()
            .startsWith("key 'a\ud800' holds an unpaired UTF-16 surrogate U+D800 at character 2"));
  }
}
