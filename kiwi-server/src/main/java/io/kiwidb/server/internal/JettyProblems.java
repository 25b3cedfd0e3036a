package io.kiwidb.server.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses (a request line or headers too long, a malformed request), which
 * happen before Javalin sees the request, as RFC 9457 problem documents instead of Jetty's HTML
 * page, so a client gets the same kind of answer for every bad request.
 *
 * <p>Thread safety: stateless.
 */
public final class JettyProblems extends ErrorHandler {
  /**
   * The request line and headers may take this many bytes: enough for the longest key {@link
   * io.kiwidb.api.Limits} allows, percent-encoded UTF-8 (3 bytes a byte) or base64, in a URL.
   */
  public static final int REQUEST_HEADER_BYTES = 256 * 1024;

  static ProblemException problem(int code, String message) {
    return switch (code) {
      case 414 ->
          new ProblemException(
              414,
              "uri-too-long",
              "URI too long",
              "the request line is longer than " + REQUEST_HEADER_BYTES + " bytes",
              "path");
      case 431 ->
          new ProblemException(
              431,
              "headers-too-large",
              "Request headers too large",
              "the request headers are larger than " + REQUEST_HEADER_BYTES + " bytes",
              null);
      default ->
          new ProblemException(
              code,
              "bad-http",
              "Malformed HTTP request",
              "the HTTP request is malformed" + (message == null ? "" : ": " + message),
              null);
    };
  }

  private static byte[] body(int code, String message, String path) {
    return Json.write(problem(code, message).toJson(path)).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, ProblemException.MEDIA_TYPE);
    response.write(
        true, ByteBuffer.wrap(body(code, message, Request.getPathInContext(request))), callback);
  }
}
