package io.kiwidb.server.internal;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query parameters of one request, read strictly: a parameter the route does not know, a
 * repeated one, or a malformed number or boolean is a 400 naming it (a typo such as {@code
 * ?prefx=a} must not silently scan everything).
 */
public final class Params {
  private final Map<String, List<String>> query;

  private Params(Map<String, List<String>> query) {
    this.query = query;
  }

  /**
   * Reads the query string of a request that accepts the given parameter names.
   *
   * @throws ProblemException 400 for an unknown or repeated parameter
   */
  public static Params of(Context ctx, String... allowed) {
    Map<String, List<String>> q = ctx.queryParamMap();
    Set<String> ok = Set.of(allowed);
    for (Map.Entry<String, List<String>> e : q.entrySet()) {
      if (!ok.contains(e.getKey())) {
        throw ProblemException.badRequest(
            e.getKey(),
            "unknown query parameter \""
                + Text.clip(e.getKey())
                + "\""
                + (ok.isEmpty() ? ": this route takes none" : "; this route takes " + sorted(ok)));
      }
      if (e.getValue().size() > 1) {
        throw ProblemException.badRequest(
            e.getKey(), "query parameter " + e.getKey() + " is given more than once");
      }
    }
    return new Params(q);
  }

  private static String sorted(Set<String> s) {
    return String.join(", ", new java.util.TreeSet<>(s));
  }

  /** The value, or {@code null} when absent. */
  public String string(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  public ByteEncoding encoding() {
    return ByteEncoding.parse("encoding", string("encoding"));
  }

  /**
   * An integer in {@code [min, max]}, or {@code def} when absent.
   *
   * @throws ProblemException 400 naming the parameter otherwise
   */
  public int integer(String name, int def, int min, int max) {
    String s = string(name);
    if (s == null) {
      return def;
    }
    long v;
    try {
      v = Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest(
          name, name + " must be an integer, got \"" + Text.clip(s) + "\"");
    }
    if (v < min || v > max) {
      throw ProblemException.badRequest(
          name, name + " must be between " + min + " and " + max + ", got " + v);
    }
    return (int) v;
  }

  /**
   * {@code true} or {@code false}, or {@code def} when absent.
   *
   * @throws ProblemException 400 naming the parameter otherwise
   */
  public boolean bool(String name, boolean def) {
    String s = string(name);
    if (s == null) {
      return def;
    }
    switch (s.strip()) {
      case "true":
      case "1":
        return true;
      case "false":
      case "0":
        return false;
      default:
        throw ProblemException.badRequest(
            name, name + " must be true or false, got \"" + Text.clip(s) + "\"");
    }
  }

  /** Bytes in the request's encoding, or {@code null} when absent. */
  public byte[] bytes(String name, ByteEncoding enc) {
    String s = string(name);
    return s == null ? null : enc.decode(name, s);
  }
}
