package io.kiwidb.server.internal;

/**
 * A small HTML writer for the dashboard. {@link #text} escapes everything it is given, so user data
 * (keys, values, log lines, file names) cannot inject markup; {@link #raw} is only for the literal
 * markup written in this module.
 *
 * <p>Thread safety: one instance per response.
 */
public final class Html {
  private final StringBuilder sb = new StringBuilder(4096);

  /** Appends literal markup written by this module. */
  public Html raw(String markup) {
    sb.append(markup);
    return this;
  }

  /** Appends text, escaped for element content and quoted attribute values alike. */
  public Html text(Object value) {
    sb.append(escape(String.valueOf(value)));
    return this;
  }

  /** Escapes {@code & < > " '}. */
  public static String escape(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> null;
          };
      if (rep != null) {
        if (out == null) {
          out = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        out.append(rep);
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
