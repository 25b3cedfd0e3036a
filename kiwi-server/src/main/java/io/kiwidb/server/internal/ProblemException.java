package io.kiwidb.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server answers with an RFC 9457 problem document: {@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance}, plus {@code field} naming the request parameter
 * or body field that was wrong (when one was). Thrown by handlers and turned into the response by
 * {@link Errors}.
 */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The media type of problem documents. */
  public static final String MEDIA_TYPE = "application/problem+json";

  private final int status;
  private final String type;
  private final String title;
  private final String field;
  private final transient Integer retryAfterSeconds;

  /**
   * @param status the HTTP status
   * @param type a short slug, e.g. {@code "bad-key"}; the document's type is {@code
   *     urn:kiwidb:problem:<slug>}
   * @param title a short summary that does not change between occurrences
   * @param detail what exactly was wrong, naming the value
   * @param field the parameter or body field, or {@code null}
   */
  public ProblemException(int status, String type, String title, String detail, String field) {
    this(status, type, title, detail, field, null, null);
  }

  ProblemException(
      int status,
      String type,
      String title,
      String detail,
      String field,
      Integer retryAfterSeconds,
      Throwable cause) {
    super(detail, cause);
    this.status = status;
    this.type = type;
    this.title = title;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A 400 for a malformed or out-of-range parameter or field. */
  public static ProblemException badRequest(String field, String detail) {
    return new ProblemException(400, "invalid-request", "Invalid request", detail, field);
  }

  /** A 404 for something that does not exist. */
  public static ProblemException notFound(String type, String detail, String field) {
    return new ProblemException(404, type, "Not found", detail, field);
  }

  public int status() {
    return status;
  }

  public String type() {
    return "urn:kiwidb:problem:" + type;
  }

  public String title() {
    return title;
  }

  public String field() {
    return field;
  }

  /** Seconds for a {@code Retry-After} header, or {@code null}. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The problem document for a request path. */
  public ObjectNode toJson(String instance) {
    ObjectNode n = Json.object();
    n.put("type", type());
    n.put("title", title);
    n.put("status", status);
    n.put("detail", getMessage());
    n.put("instance", instance);
    if (field != null) {
      n.put("field", field);
    }
    return n;
  }
}
