package io.kiwidb.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A malformed {@code config.json} is reported in plain words: the file, the line and column, and
 * the problem, never Jackson's option names ({@code JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS}),
 * class names, token type names or character codes.
 */
@ExtendWith(SeededRandomExtension.class)
class JsonErrorsTest {
  private static final Path FILE = Path.of("/db/config.json");

  /** What no message may contain: the vocabulary of Jackson's internals. */
  static final List<String> JACKSON_WORDS =
      List.of(
          "`",
          "Feature",
          "ALLOW_",
          "REDACTED",
          "Source:",
          "com.fasterxml",
          "java.",
          "JsonNode",
          "BigDecimal",
          "StreamReadConstraints",
          "(code ",
          "CTRL-CHAR",
          "VALUE_",
          "START_",
          "END_",
          "field name");

  private static String messageFor(byte[] bytes) {
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigStore.parse(FILE, bytes));
    return e.getMessage();
  }

  private static String messageFor(String text) {
    return messageFor(text.getBytes(StandardCharsets.UTF_8));
  }

  static void assertPlain(String message, String input) {
    for (String word : JACKSON_WORDS) {
      if (input.contains(word)) {
        continue; // the file's own text, quoted back (a '`' found where a value belongs, say)
      }
      assertFalse(
          message.contains(word),
          () -> "'" + word + "' leaks from Jackson for input " + input + ": " + message);
    }
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(
            "{\"bloom_fpr_dev\": NaN}",
            "at line 1, column 22: 'NaN' is not a JSON number: JSON has no NaN or Infinity"),
        Arguments.of("{\"a\": -Infinity}", "'-Infinity' is not a JSON number"),
        Arguments.of("{\"a\": +1}", "at line 1, column 8: a number starts with '+'"),
        Arguments.of("{\"a\": 08}", "a number starts with 0: JSON numbers have no leading zeros"),
        Arguments.of("{\"a\": 1.}", "a decimal point is not followed by a digit"),
        Arguments.of("{\"a\": 1e}", "the exponent of a number has no digits"),
        Arguments.of("{\"a\": -}", "a minus sign is not followed by a digit"),
        Arguments.of("{\"a\": 1, // note\n}", "a comment ('/'): JSON allows no comments"),
        Arguments.of("# note\n{}", "at line 1, column 1: a comment ('#')"),
        Arguments.of(
            "{\"a\": 1,}",
            "at line 1, column 9: a comma before '}' is followed by no key: JSON allows no comma"),
        Arguments.of("{'a': 1}", "a key is in single quotes: JSON keys take double quotes"),
        Arguments.of("{a: 1}", "expected a key in double quotes, found 'a'"),
        Arguments.of("{\"a\": 'x'}", "a string is in single quotes"),
        Arguments.of("{\"a\" 1}", "at line 1, column 6: a key is not followed by ':' (found '1')"),
        Arguments.of(
            "{\"a\": 1 \"b\": 2}",
            "a comma is missing between two entries of an object (found '\"')"),
        Arguments.of("{\"a\":}", "a value is missing before '}'"),
        Arguments.of("{\"a\": [1,]}", "a value is missing before ']'"),
        Arguments.of("{\"a\": True}", "'True' is not a JSON value: write true in lower case"),
        Arguments.of("{\"a\": prod}", "'prod' is not a JSON value: expected a value (a string in"),
        Arguments.of(
            "{\"a\": 1} {}",
            "at line 1, column 10: more text follows the config object: the file must hold one"),
        Arguments.of("{\"a\": 1}}", "'}' closes nothing: it is one too many"),
        Arguments.of(
            "{\n  \"a\": [1, 2}",
            "at line 2, column 13: '}' cannot close the array that starts at line 2, column 8:"
                + " that needs ']'"),
        Arguments.of(
            "{\n \"a\": 1",
            "the file ends before the object that starts at line 1, column 1 is closed"),
        Arguments.of(
            "{\"env\": \"dev\",\n",
            "at line 2, column 1: the file ends inside an object: a closing '}' is missing"),
        Arguments.of(
            "{\"env\": \"de", "the file ends inside a string: its closing '\"' is missing"),
        Arguments.of(
            "{\"env\": \"a\nb\"}",
            "a string holds the control character U+000A (a line break): write it as an escape"
                + " (\\n or \\u000a)"),
        Arguments.of("{\"\u0001\": 1}", "a key holds the control character U+0001"),
        Arguments.of("{\"a\"\u0000: 1}", "the control character U+0000 (a NUL byte) is outside"),
        Arguments.of("{\"a\": \"\\q\"}", "unknown escape '\\q' in a string"),
        Arguments.of("{\"a\": \"\\u12\"}", "a \\u escape needs four hex digits"),
        Arguments.of(
            "{\"env\": 1, \"env\": 2}", "Duplicate field 'env': a key may appear only once"),
        Arguments.of(
            "{\"a\": 1" + "0".repeat(1200) + "}",
            "a number of 1201 characters is longer than the 1000 allowed"),
        Arguments.of(
            "{\"a\": " + "[".repeat(1200),
            "at line 1, column 1007: objects and arrays are nested more than 1000 deep"),
        Arguments.of(
            "{\"a\": 1e99999999999}",
            "at line 1, column 7: the number 1e99999999999 cannot be represented"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void eachKindOfMalformedFileIsReportedInPlainWords(String json, String expected) {
    String message = messageFor(json);
    assertTrue(message.startsWith("config file " + FILE + " is not valid JSON"), message);
    assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
    assertTrue(message.endsWith("(the file was left unchanged; fix or delete it)"), message);
    assertPlain(message, json);
  }

  /**
   * The message the issue quoted: NaN named Jackson's JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.
   */
  @Test
  void nanInConfigNoLongerLeaksJacksonOptionNames() {
    String message = messageFor("{\n  \"bloom_fpr_dev\": NaN\n}\n");
    assertEquals(
        "config file "
            + FILE
            + " is not valid JSON at line 2, column 23: 'NaN' is not a JSON number: JSON has no"
            + " NaN or Infinity; write a number (the file was left unchanged; fix or delete it)",
        message);
  }

  @Test
  void bytesThatAreNotUtf8AreNamedByValueAndPosition() {
    String message = messageFor(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'});
    assertTrue(message.contains("byte 0xff is not valid UTF-8"), message);
    assertTrue(message.contains(" at line 1, column "), message);
    String utf32 = messageFor(new byte[] {0, 0, 0, '{', 0x7f, (byte) 0xff, (byte) 0xff, 0});
    assertTrue(utf32.contains("at byte 7: the file is not UTF-8 text"), utf32);
    assertPlain(utf32, "UTF-32 bytes");
  }

  @Test
  void anUnknownJacksonMessageIsStrippedOfItsInternals() {
    assertEquals(
        "Something new ' ' at [line 1]: not allowed",
        JsonErrors.plain(
            "Something new ((' ' (code 32))) at [line 1]: not allowed (bound as"
                + " `com.fasterxml.jackson.databind.JsonNode`): enable"
                + " `JsonReadFeature.ALLOW_X` to allow"));
    String stripped =
        JsonErrors.plain(
            "Odd VALUE_STRING (for Object starting at [Source: REDACTED"
                + " (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column:"
                + " 1]) (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for"
                + " parser)\n at [Source: REDACTED; line: 1, column: 2]");
    assertEquals("Odd token", stripped);
    assertEquals("malformed JSON", JsonErrors.plain("`JsonNode`"));
  }

  /**
   * Random damage to a real config file: whatever Jackson says about it, the message names the file
   * and a position and holds none of Jackson's vocabulary.
   */
  @Test
  void randomlyDamagedFilesGetPlainMessagesWithAPosition(SeededRandom random) {
    byte[] good = ConfigStore.render(EngineConfig.defaults());
    byte[] alphabet =
        "{}[]\"':,.-+0123456789eE \n\t\\/#truefalsnNI\u0000\u0001"
            .getBytes(StandardCharsets.ISO_8859_1);
    int rejected = 0;
    for (int round = 0; round < 3000; round++) {
      byte[] bytes = good.clone();
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(bytes.length);
        int kind = random.nextInt(4);
        if (kind == 0) {
          bytes[at] = alphabet[random.nextInt(alphabet.length)];
        } else if (kind == 1) {
          bytes[at] = (byte) random.nextInt(256);
        } else if (kind == 2) {
          bytes = java.util.Arrays.copyOf(bytes, at); // truncate
          if (bytes.length == 0) {
            bytes = new byte[] {'{'};
          }
        } else {
          byte[] longer = new byte[bytes.length + 1];
          System.arraycopy(bytes, 0, longer, 0, at);
          longer[at] = alphabet[random.nextInt(alphabet.length)];
          System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
          bytes = longer;
        }
      }
      byte[] input = bytes;
      String message;
      try {
        ConfigStore.parse(FILE, input);
        continue; // the damage happened to keep the file valid
      } catch (InvalidConfigException e) {
        message = e.getMessage();
      }
      String shown = new String(input, StandardCharsets.ISO_8859_1);
      // Messages about a bad value quote the key or value from the file, which the damage may
      // have filled with anything; those come from the config keys, not from Jackson.
      if (message.startsWith("config file " + FILE + " is not valid JSON")) {
        rejected++;
        assertPlain(message, shown);
        assertFalse(message.contains("\n"), () -> "one line: " + message);
        assertTrue(
            message.contains(" is not valid JSON at line ")
                || message.contains(" is not valid JSON at byte "),
            () -> "no position for input " + shown + ": " + message);
      }
    }
    assertTrue(rejected > 500, "most damage makes the JSON malformed: " + rejected);
  }
}
