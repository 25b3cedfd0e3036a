package io.kiwidb.server.internal;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the dashboard's static files under {@code /assets/<library>/<file>}: our own scripts and
 * styles ({@code kiwi}, from this module's {@code static} resources) and three webjars (htmx,
 * uPlot, Swagger UI) read from their jars on the module path. Only the libraries in {@link
 * #LIBRARIES} are reachable, paths with {@code ..} are refused, and a webjar's version is read from
 * its own {@code pom.properties} rather than written here, so upgrading a webjar is a POM change
 * only.
 *
 * <p>Thread safety: the cache is a concurrent map of immutable byte arrays.
 */
public final class Assets {
  /** Library name in the URL to (groupId, artifactId, directory inside the version folder). */
  static final Map<String, String[]> LIBRARIES =
      Map.of(
          "htmx", new String[] {"org.webjars.npm", "htmx.org", "dist/"},
          "uplot", new String[] {"org.webjars.npm", "uplot", "dist/"},
          "swagger-ui", new String[] {"org.webjars", "swagger-ui", ""});

  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
  private final Map<String, String> roots = new ConcurrentHashMap<>();

  /** The resource directory of a webjar, e.g. {@code META-INF/resources/webjars/uplot/1.6.30/}. */
  String root(String library) {
    return roots.computeIfAbsent(
        library,
        lib -> {
          String[] g = LIBRARIES.get(lib);
          String props = "META-INF/maven/" + g[0] + "/" + g[1] + "/pom.properties";
          try (InputStream in = loader().getResourceAsStream(props)) {
            if (in == null) {
              throw new IllegalStateException(
                  "webjar " + g[0] + ":" + g[1] + " is not on the module path (" + props + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return "META-INF/resources/webjars/"
                + g[1]
                + "/"
                + p.getProperty("version")
                + "/"
                + g[2];
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static ClassLoader loader() {
    return Assets.class.getClassLoader();
  }

  /** Handles {@code GET /assets/<library>/<path>}. */
  public void serve(Context ctx) {
    String library = ctx.pathParam("library");
    String path = ctx.pathParam("path");
    if (path.contains("..") || path.startsWith("/") || path.contains("\\")) {
      throw ProblemException.notFound("no-asset", "no such asset", "path");
    }
    String cacheKey = library + "/" + path;
    byte[] body = cache.get(cacheKey);
    if (body == null) {
      body = load(library, path);
      if (body != null) {
        cache.put(cacheKey, body); // only files that exist: bounded by the jars' contents
      }
    }
    if (body == null) {
      throw ProblemException.notFound(
          "no-asset", "no asset " + Text.clip(library + "/" + path), "path");
    }
    ctx.contentType(contentType(path));
    ctx.header("Cache-Control", "max-age=3600");
    ctx.result(body);
  }

  private byte[] load(String library, String path) {
    InputStream in;
    if (library.equals("kiwi")) {
      in = Assets.class.getResourceAsStream("/io/kiwidb/server/static/" + path);
    } else if (LIBRARIES.containsKey(library)) {
      in = loader().getResourceAsStream(root(library) + path);
    } else {
      in = null;
    }
    if (in == null) {
      return null;
    }
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String contentType(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (p.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (p.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (p.endsWith(".png")) {
      return "image/png";
    }
    if (p.endsWith(".svg")) {
      return "image/svg+xml";
    }
    if (p.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (p.endsWith(".map") || p.endsWith(".json")) {
      return "application/json";
    }
    return "application/octet-stream";
  }
}
