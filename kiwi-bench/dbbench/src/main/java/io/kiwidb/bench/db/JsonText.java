package io.kiwidb.bench.db;

import java.util.Locale;

/** The little JSON the reports and kiwi's config file need, written by hand. */
final class JsonText {
  private JsonText() {}

  /** A JSON string literal. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** {@code true}, {@code false} and numbers as JSON literals, anything else as a string. */
  static String literalOrString(String value) {
    if (value.equals("true") || value.equals("false")) {
      return value;
    }
    try {
      Double.parseDouble(value);
      if (value.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
        return value;
      }
    } catch (NumberFormatException e) {
      // not a number: a string
    }
    return quote(value);
  }

  /** A number for JSON: finite values as they are, NaN and infinities as {@code null}. */
  static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "null";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+(e|$)", "$1");
  }
}
