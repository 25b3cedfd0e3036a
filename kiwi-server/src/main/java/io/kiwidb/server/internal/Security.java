package io.kiwidb.server.internal;

import io.javalin.http.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Who may talk to the server, checked before every request is routed (pages, API, event stream,
 * assets alike):
 *
 * <ol>
 *   <li><b>Host</b>: on a loopback bind the {@code Host} header must name a loopback host ({@code
 *       127.0.0.1}, {@code localhost}, {@code [::1]}), so a web page cannot reach the server
 *       through DNS rebinding.
 *   <li><b>Origin</b>: a state-changing request (POST, PUT, PATCH, DELETE) that carries an {@code
 *       Origin} must come from this server's own origin; a page on another site cannot make the
 *       user's browser write to the store. The server sends no CORS headers at all.
 *   <li><b>Token</b>: when the server has one, every request must carry {@code Authorization:
 *       Bearer <token>}, or the session cookie that {@code POST /login} sets for a browser that
 *       gave the same token (an {@code EventSource} cannot send headers). The cookie is {@code
 *       HttpOnly} and {@code SameSite=Strict}. Only {@code /login} and the static assets under
 *       {@code /assets/} (library code and styles, no data) are open.
 * </ol>
 *
 * <p>Thread safety: sessions live in a synchronized map; everything else is immutable.
 */
public final class Security {
  /** The session cookie's name. */
  public static final String COOKIE = "kiwi_session";

  /** Sessions kept at once; the oldest is dropped beyond this. */
  static final int MAX_SESSIONS = 1024;

  /** How long a browser session lasts. */
  static final long SESSION_SECONDS = 24 * 3600;

  private final byte[] token;
  private final boolean loopback;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Long> sessions = new LinkedHashMap<>();

  /**
   * @param token the bearer token, or {@code null} for none
   * @param loopback whether the server is bound to a loopback address
   */
  public Security(String token, boolean loopback) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.loopback = loopback;
  }

  /** Whether requests need the token. */
  public boolean tokenRequired() {
    return token != null;
  }

  /**
   * Checks a request; throws the problem that refuses it, or redirects a page to the login form.
   */
  public void check(Context ctx) {
    if (loopback) {
      checkHost(ctx.header("Host"));
    }
    String m = ctx.method().name();
    boolean unsafe = !(m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS"));
    if (unsafe) {
      checkOrigin(ctx.header("Origin"), ctx.header("Host"));
    }
    if (token == null) {
      return;
    }
    String path = ctx.path();
    if (path.equals("/login") || path.startsWith("/assets/")) {
      return;
    }
    if (authorized(ctx.header("Authorization"), ctx.cookie(COOKIE))) {
      return;
    }
    boolean page =
        m.equals("GET")
            && !path.startsWith("/api/")
            && !path.startsWith("/ui/")
            && !path.equals("/openapi.json");
    if (page) {
      ctx.redirect(
          "/login?next=" + java.net.URLEncoder.encode(path, StandardCharsets.UTF_8),
          io.javalin.http.HttpStatus.SEE_OTHER);
      ctx.skipRemainingHandlers();
      return;
    }
    ctx.header("WWW-Authenticate", "Bearer realm=\"kiwi-db\"");
    throw new ProblemException(
        401,
        "unauthorized",
        "Authentication required",
        "this server requires its token: send Authorization: Bearer <token>"
            + " (browsers: sign in at /login)",
        "Authorization");
  }

  static void checkHost(String host) {
    if (host == null) {
      throw new ProblemException(
          400, "missing-host", "Missing Host header", "the request has no Host header", "Host");
    }
    String h = host.toLowerCase(Locale.ROOT);
    String name;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      name = end < 0 ? h : h.substring(0, end + 1);
    } else {
      int colon = h.indexOf(':');
      name = colon < 0 ? h : h.substring(0, colon);
    }
    if (!(name.equals("localhost") || name.equals("[::1]") || name.startsWith("127."))) {
      throw new ProblemException(
          403,
          "host-not-allowed",
          "Host not allowed",
          "this server listens on loopback and answers only to Host 127.0.0.1, localhost or"
              + " [::1], not \""
              + Text.clip(host)
              + "\" (bind another address with a token to serve other names)",
          "Host");
    }
  }

  static void checkOrigin(String origin, String host) {
    if (origin == null) {
      return; // not sent by a browser for same-origin GETs, and never by curl
    }
    String authority;
    try {
      URI u = new URI(origin);
      authority = u.getRawAuthority();
    } catch (java.net.URISyntaxException e) {
      authority = null;
    }
    if (authority == null || host == null || !authority.equalsIgnoreCase(host)) {
      throw new ProblemException(
          403,
          "cross-origin",
          "Cross-origin request refused",
          "a write from origin "
              + Text.clip(origin)
              + " is refused: this server allows no"
              + " cross-origin requests",
          "Origin");
    }
  }

  boolean authorized(String authorization, String cookie) {
    if (authorization != null) {
      String a = authorization.strip();
      if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
        byte[] given = a.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token);
      }
      return false;
    }
    return cookie != null && sessionValid(cookie);
  }

  /** Whether a token given at the login form is the server's. */
  public boolean tokenMatches(String given) {
    return token != null
        && given != null
        && MessageDigest.isEqual(given.strip().getBytes(StandardCharsets.UTF_8), token);
  }

  /** Creates a browser session and returns its cookie value. */
  public synchronized String newSession() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    sessions.put(id, System.currentTimeMillis() + SESSION_SECONDS * 1000);
    Iterator<String> it = sessions.keySet().iterator();
    while (sessions.size() > MAX_SESSIONS && it.hasNext()) {
      it.next();
      it.remove();
    }
    return id;
  }

  /** Ends a browser session. */
  public synchronized void endSession(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  private synchronized boolean sessionValid(String id) {
    Long until = sessions.get(id);
    if (until == null) {
      return false;
    }
    if (until < System.currentTimeMillis()) {
      sessions.remove(id);
      return false;
    }
    return true;
  }

  /** The {@code Set-Cookie} value for a new session. */
  public static String cookieHeader(String id) {
    return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + SESSION_SECONDS;
  }

  /** The {@code Set-Cookie} value that clears the session cookie. */
  public static String clearCookieHeader() {
    return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  }
}
