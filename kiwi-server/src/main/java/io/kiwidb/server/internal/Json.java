package io.kiwidb.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * JSON in and out. Responses are built as trees, never by reflection on our classes, so field names
 * are spelled once (snake_case) and no package is opened to Jackson.
 *
 * <p>Thread safety: the mapper is thread-safe once built; trees are per request.
 */
public final class Json {
  /** The shared mapper. Duplicate keys in a request body are an error, not "last one wins". */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /** Writes a tree as a compact string. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Parses a request body that must be a JSON object.
   *
   * @throws ProblemException 400 naming the position when it is not
   */
  public static ObjectNode parseObject(byte[] body) {
    if (body.length == 0) {
      throw ProblemException.badRequest("body", "the request body is empty: send a JSON object");
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage();
      int cut = msg.indexOf("\n at [Source");
      throw ProblemException.badRequest(
          "body", "the request body is not valid JSON: " + (cut > 0 ? msg.substring(0, cut) : msg));
    }
    if (n == null || !n.isObject()) {
      throw ProblemException.badRequest(
          "body", "the request body must be a JSON object, got " + kind(n));
    }
    return (ObjectNode) n;
  }

  /** The JSON type of a node, for messages. */
  public static String kind(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** A config value (number, string, boolean, null) as a JSON node. */
  public static JsonNode value(Object v) {
    return MAPPER.valueToTree(v);
  }

  /** A map of config values as an object, in the map's order. */
  public static ObjectNode map(Map<String, Object> m) {
    ObjectNode n = object();
    m.forEach((k, v) -> n.set(k, value(v)));
    return n;
  }
}
