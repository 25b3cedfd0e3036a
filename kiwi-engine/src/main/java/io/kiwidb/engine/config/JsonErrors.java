package io.kiwidb.engine.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the exceptions Jackson throws on a malformed {@code config.json} into plain words for an
 * operator: where in the file (line and column, or byte offset for an encoding problem) and what is
 * wrong, without the parser's internals (option names such as {@code
 * JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS}, class names, token type names, "(code 125)").
 *
 * <p>How: Jackson's messages have a stable shape per problem; each known shape has a plain
 * rewording below. A message of a shape not listed here still goes through {@link #plain}, which
 * strips every internal part, so nothing of the parser's vocabulary reaches the user whatever
 * Jackson says. Some failures carry no location (limit violations, numbers the JDK cannot
 * represent); the file is then scanned token by token to find where it fails.
 *
 * <p>Thread safety: stateless.
 */
final class JsonErrors {
  /** Where a problem is and what it is. {@code where} is empty when no position is known. */
  record Problem(String where, String what) {}

  private static final String A_VALUE =
      "a value (a string in double quotes, a number, true, false, null, an object or an array)";

  private static final String CHAR =
      "\\((?:'.*?' \\(code (\\d+)(?: / 0x\\p{XDigit}+)?\\)|\\(CTRL-CHAR, code (\\d+)\\))\\)";

  /** "Object starting at [Source: ...; line: 1, column: 1]": groups kind, line, column. */
  private static final String STARTED_AT =
      "(Object|Array) starting at \\[.*?line: (\\d+), column: (\\d+)\\]";

  private record Rule(Pattern pattern, Function<Matcher, String> plain) {
    Rule(String regex, Function<Matcher, String> plain) {
      this(Pattern.compile(regex, Pattern.DOTALL), plain);
    }
  }

  private static final List<Rule> RULES =
      List.of(
          new Rule(
              "^Non-standard token '([^']*)'",
              m ->
                  quote(m.group(1))
                      + " is not a JSON number: JSON has no NaN or Infinity; write a number"),
          new Rule(
              "does not allow numbers to have plus signs",
              m -> "a number starts with '+': JSON numbers take no plus sign (write 5, not +5)"),
          new Rule(
              "Leading zeroes not allowed",
              m -> "a number starts with 0: JSON numbers have no leading zeros (write 8, not 08)"),
          new Rule(
              "Decimal point not followed by a digit",
              m -> "a decimal point is not followed by a digit (write 1.0 or 1, not 1.)"),
          new Rule(
              "Exponent indicator not followed by a digit",
              m -> "the exponent of a number has no digits (write 1e3, not 1e)"),
          new Rule("to follow minus sign", m -> "a minus sign is not followed by a digit"),
          new Rule(
              "maybe a \\(non-standard\\) comment",
              m -> "a comment ('/'): JSON allows no comments; remove it"),
          new Rule(
              "^Unexpected character " + CHAR + ": was expecting double-quote to start field name",
              m -> {
                int c = code(m);
                if (c == '}') {
                  return "a comma before '}' is followed by no key: JSON allows no comma after the"
                      + " last entry";
                }
                if (c == '\'') {
                  return "a key is in single quotes: JSON keys take double quotes (\"key\")";
                }
                return "expected a key in double quotes, found " + describe(c);
              }),
          new Rule(
              "^Unexpected character " + CHAR + ": was expecting a colon",
              m -> "a key is not followed by ':' (found " + describe(code(m)) + ")"),
          new Rule(
              "^Unexpected character " + CHAR + ": was expecting comma to separate (Object|Array)",
              m ->
                  "a comma is missing between two entries of "
                      + article(m.group(3))
                      + " (found "
                      + describe(code(m))
                      + ")"),
          new Rule(
              "^Unexpected character " + CHAR + ": expected (?:a valid value|a value)",
              m -> {
                int c = code(m);
                if (c == '\'') {
                  return "a string is in single quotes: JSON strings take double quotes";
                }
                if (c == '#') {
                  return "a comment ('#'): JSON allows no comments; remove it";
                }
                if (c == ']' || c == '}') {
                  return "a value is missing before "
                      + describe(c)
                      + " (a comma after the last entry, or a key without a value?)";
                }
                return "expected " + A_VALUE + ", found " + describe(c);
              }),
          new Rule(
              "^Unexpected character " + CHAR + ": expected a hex-digit",
              m -> "a \\u escape needs four hex digits (0-9, a-f), found " + describe(code(m))),
          new Rule(
              "^Unrecognized token '([^']*)'",
              m -> {
                String word = m.group(1);
                String lower = word.toLowerCase(Locale.ROOT);
                if (!word.equals(lower) && List.of("true", "false", "null").contains(lower)) {
                  return quote(word) + " is not a JSON value: write " + lower + " in lower case";
                }
                return quote(word) + " is not a JSON value: expected " + A_VALUE;
              }),
          new Rule(
              "^Trailing token",
              m -> "more text follows the config object: the file must hold one JSON object"),
          new Rule(
              "^Unexpected close marker '(.)': no open",
              m -> quote(m.group(1)) + " closes nothing: it is one too many"),
          new Rule(
              "^Unexpected close marker '(.)': expected '(.)' \\(for " + STARTED_AT,
              m ->
                  quote(m.group(1))
                      + " cannot close "
                      + started(m, 3)
                      + ": that needs "
                      + quote(m.group(2))),
          new Rule(
              "^Unexpected close marker '(.)': expected '(.)'",
              m -> quote(m.group(1)) + " is in the wrong place: expected " + quote(m.group(2))),
          new Rule(
              "^Unexpected end-of-input in VALUE_STRING",
              m -> "the file ends inside a string: its closing '\"' is missing"),
          new Rule(
              "^Unexpected end-of-input in field name",
              m -> "the file ends inside a key: its closing '\"' is missing"),
          new Rule(
              "^Unexpected end-of-input: expected close marker for (?:Object|Array) \\(start marker"
                  + " at \\[.*?line: (\\d+), column: (\\d+)\\]",
              m ->
                  "the file ends before the "
                      + (m.group(0).contains("for Object") ? "object" : "array")
                      + " that starts at line "
                      + m.group(1)
                      + ", column "
                      + m.group(2)
                      + " is closed"),
          new Rule(
              "^Unexpected end-of-input within/between (Object|Array) entries",
              m ->
                  "the file ends inside "
                      + article(m.group(1))
                      + ": a closing "
                      + (m.group(1).equals("Object") ? "'}'" : "']'")
                      + " is missing"),
          new Rule(
              "^Unexpected end-of-input in (?:a )?(Number|String|comment|character escape)",
              m ->
                  "the file ends inside "
                      + switch (m.group(1)) {
                        case "Number" -> "a number";
                        case "String" -> "a string: its closing '\"' is missing";
                        case "comment" -> "a comment (JSON allows no comments)";
                        default -> "an escape sequence in a string";
                      }),
          new Rule("^Unexpected end-of-input", m -> "the file ends too early"),
          new Rule(
              "^Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*to be included in"
                  + " (string value|name)",
              m ->
                  (m.group(2).equals("name") ? "a key" : "a string")
                      + " holds the control character "
                      + describe(Integer.parseInt(m.group(1)))
                      + ": write it as an escape ("
                      + escapeFor(Integer.parseInt(m.group(1)))
                      + ")"),
          new Rule(
              "^Illegal character \\(\\(CTRL-CHAR, code (\\d+)\\)\\): only regular white space",
              m ->
                  "the control character "
                      + describe(Integer.parseInt(m.group(1)))
                      + " is outside any string: only spaces, tabs and line breaks may separate"
                      + " values"),
          new Rule(
              "^Unrecognized character escape .*?\\((?:CTRL-CHAR, )?code (\\d+)\\)",
              m ->
                  "unknown escape '\\"
                      + printable(Integer.parseInt(m.group(1)))
                      + "' in a string: JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX"),
          new Rule(
              "^Duplicate field '(.*)'",
              m -> "Duplicate field " + quote(m.group(1)) + ": a key may appear only once"),
          new Rule(
              "^Invalid UTF-8 (?:start|middle) byte (0x[0-9a-fA-F]+)",
              m -> "byte " + m.group(1) + " is not valid UTF-8: the file must be UTF-8 text"),
          new Rule(
              "^Invalid UTF-8",
              m -> "the file is not valid UTF-8 text (a broken multi-byte sequence)"),
          new Rule(
              "^Broken surrogate pair|^Unexpected low surrogate",
              m -> "a \\u escape in a key is half of a surrogate pair; the other half is missing"),
          new Rule(
              "^Unexpected byte (0x[0-9a-fA-F]+)",
              m -> "unexpected byte " + m.group(1) + " (the file must be UTF-8 text)"),
          new Rule(
              "^Unexpected character " + CHAR, m -> "unexpected character " + describe(code(m))),
          new Rule(
              "^Number value length \\((\\d+)\\) exceeds the maximum allowed \\((\\d+)",
              m ->
                  "a number of "
                      + m.group(1)
                      + " characters is longer than the "
                      + m.group(2)
                      + " allowed"),
          new Rule(
              "nesting depth \\((\\d+)\\) exceeds the maximum allowed \\((\\d+)",
              m -> "objects and arrays are nested more than " + m.group(2) + " deep"),
          new Rule(
              "^String value length \\((\\d+)\\) exceeds the maximum allowed \\((\\d+)",
              m ->
                  "a string of "
                      + m.group(1)
                      + " characters is longer than the "
                      + m.group(2)
                      + " allowed"),
          new Rule(
              "^Name length \\((\\d+)\\) exceeds the maximum allowed \\((\\d+)",
              m ->
                  "a key of "
                      + m.group(1)
                      + " characters is longer than the "
                      + m.group(2)
                      + " allowed"),
          new Rule(
              "^([A-Z][a-z]+(?: [a-z]+)*) \\(([^)]*)\\) exceeds the maximum allowed \\((\\d+)",
              m ->
                  m.group(1).toLowerCase(Locale.ROOT)
                      + " ("
                      + m.group(2)
                      + ") is more than the "
                      + m.group(3)
                      + " allowed"));

  private JsonErrors() {}

  /**
   * The plain problem for a failure of {@code json.readTree(bytes)}.
   *
   * @param failure a {@link JsonProcessingException}, a {@link NumberFormatException} (a number
   *     Jackson cannot represent) or another {@link IOException} (text that does not decode)
   */
  static Problem describe(JsonMapper json, byte[] bytes, Exception failure) {
    if (failure instanceof JsonProcessingException jpe) {
      JsonLocation at = jpe.getLocation();
      String what = reword(jpe.getOriginalMessage());
      if (at == null || at.getLineNr() < 1 || failure instanceof StreamConstraintsException) {
        at = scan(json, bytes).location;
      }
      return new Problem(where(at), what);
    }
    if (failure instanceof NumberFormatException) {
      Scanned s = scan(json, bytes);
      String number = s.text == null ? "a number" : "the number " + shorten(s.text);
      return new Problem(
          where(s.location), number + " cannot be represented (its exponent is out of range)");
    }
    if (failure instanceof CharConversionException) {
      // Jackson guesses UTF-16 or UTF-32 from zero bytes at the start, then finds bytes that are
      // no character in that encoding: "Invalid UTF-32 character 0x7ffeffff (...) at char #1,
      // byte #7)".
      Matcher m = Pattern.compile("byte #(\\d+)").matcher(String.valueOf(failure.getMessage()));
      String where = m.find() ? " at byte " + m.group(1) : "";
      return new Problem(
          where,
          "the file is not UTF-8 text (it starts with zero bytes, as UTF-16 or UTF-32 text does,"
              + " and does not decode as either)");
    }
    return new Problem("", plain(String.valueOf(failure.getMessage())));
  }

  /** Jackson's message in plain words. Package-private for tests. */
  static String reword(String message) {
    String m = message == null ? "" : message;
    for (Rule r : RULES) {
      Matcher matcher = r.pattern.matcher(m);
      if (matcher.find()) {
        return r.plain.apply(matcher);
      }
    }
    return plain(m);
  }

  /**
   * Strips a Jackson message of everything that names the parser's internals: the source
   * description, option and class names in backquotes, "(code N)", token type names.
   * Package-private for tests.
   */
  static String plain(String message) {
    String m = message;
    int at = m.indexOf("\n at [Source");
    if (at >= 0) {
      m = m.substring(0, at);
    }
    m = m.replaceAll("\\s*\\((?:for|start marker at)[^()]*\\[Source:[^\\]]*\\]\\)", "");
    m = m.replaceAll("\\s*\\[Source:[^\\]]*\\]", "");
    m = m.replaceAll(":?\\s*enable `[^`]*` to allow", "");
    m = m.replaceAll("\\s*\\(not recognized as one since Feature[^)]*\\)", "");
    m = m.replaceAll("\\s*\\([^()]*`[^()]*\\)", "");
    m = m.replaceAll(":?\\s*not allowed as per `[^`]*`", "");
    m = m.replaceAll("`[^`]*`", "");
    m = m.replace("`", "");
    m = m.replaceAll("\\(\\('(.)' \\(code [^)]*\\)\\)\\)", "'$1'");
    m = m.replaceAll("\\('(.)' \\(code [^)]*\\)\\)", "'$1'");
    m = m.replaceAll("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)", "(control character $1)");
    m = m.replaceAll("\\(CTRL-CHAR, code (\\d+)\\)", "(control character $1)");
    m = m.replaceAll("\\s*\\(code [^)]*\\)", "");
    m = m.replaceAll("\\b(?:VALUE|START|END|FIELD)_[A-Z_]+\\b", "token");
    m = m.replaceAll("\\bFeature\\b", "option");
    m = m.replace("field name", "key");
    m = m.replaceAll("(?:com\\.fasterxml|java)\\.[\\w.$]+", "");
    m = m.strip();
    return m.isEmpty() ? "malformed JSON" : m;
  }

  private static String where(JsonLocation at) {
    if (at == null || at.getLineNr() < 1) {
      return "";
    }
    return " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  private record Scanned(JsonLocation location, String text) {}

  /**
   * Reads the file token by token, touching every number as the tree reader does, and returns where
   * that first fails (and the text of the token there).
   */
  private static Scanned scan(JsonMapper json, byte[] bytes) {
    JsonParser p = null;
    boolean reading = true; // in nextToken (else reading the current token's value)
    try {
      p = json.createParser(bytes);
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        reading = false;
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
          p.getDecimalValue();
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
          p.getNumberValue();
        }
        reading = true;
      }
      return new Scanned(null, null);
    } catch (IOException | RuntimeException e) {
      if (p == null) {
        return new Scanned(null, null);
      }
      if (reading) {
        // The tokenizer stopped inside the next token: where it stopped is the place.
        return new Scanned(p.currentLocation(), null);
      }
      String text = null;
      try {
        text = p.getText();
      } catch (IOException | RuntimeException ignored) {
        // No token text to show; the position alone is still useful.
      }
      return new Scanned(p.currentTokenLocation(), text);
    } finally {
      if (p != null) {
        try {
          p.close();
        } catch (IOException ignored) {
          // Parsing bytes in memory: closing releases buffers only.
        }
      }
    }
  }

  private static int code(Matcher m) {
    String g = m.group(1) != null ? m.group(1) : m.group(2);
    return Integer.parseInt(g);
  }

  /** A character for a message: {@code '}'}, or {@code U+000A (a line break)}. */
  static String describe(int c) {
    if (c >= 0x20 && c != 0x7f && !Character.isISOControl(c)) {
      return quote(new String(Character.toChars(c)));
    }
    String name =
        switch (c) {
          case '\n' -> " (a line break)";
          case '\r' -> " (a carriage return)";
          case '\t' -> " (a tab)";
          case 0 -> " (a NUL byte)";
          default -> "";
        };
    return String.format(Locale.ROOT, "U+%04X", c) + name;
  }

  private static String printable(int c) {
    return c >= 0x20 && c != 0x7f && !Character.isISOControl(c)
        ? new String(Character.toChars(c))
        : String.format(Locale.ROOT, "u%04x", c);
  }

  private static String escapeFor(int c) {
    String u = String.format(Locale.ROOT, "\\u%04x", c);
    return switch (c) {
      case '\n' -> "\\n or " + u;
      case '\r' -> "\\r or " + u;
      case '\t' -> "\\t or " + u;
      default -> u;
    };
  }

  private static String quote(String s) {
    return "'" + shorten(s) + "'";
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static String article(String jacksonKind) {
    return jacksonKind.equals("Object") ? "an object" : "an array";
  }

  /** "the object that starts at line 1, column 1", from {@link #STARTED_AT}'s groups. */
  private static String started(Matcher m, int group) {
    return "the "
        + (m.group(group).equals("Object") ? "object" : "array")
        + " that starts at line "
        + m.group(group + 1)
        + ", column "
        + m.group(group + 2);
  }
}
