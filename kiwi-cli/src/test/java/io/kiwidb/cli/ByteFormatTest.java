package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.charset.StandardCharsets;
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
}
