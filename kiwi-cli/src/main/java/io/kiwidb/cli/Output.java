package io.kiwidb.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Where one command writes, and how: text or JSON, and the key/value format. JSON documents are
 * written on one line so scripts can read them line by line.
 *
 * <p>Thread safety: one command at a time.
 */
final class Output {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  final PrintWriter out;
  final PrintWriter err;
  final boolean json;
  final ByteFormat format;

  Output(PrintWriter out, PrintWriter err, boolean json, ByteFormat format) {
    this.out = out;
    this.err = err;
    this.json = json;
    this.format = format;
  }

  /** Keys and values as the user writes them in this format. */
  byte[] parse(String what, String text) {
    return format.parse(what, text);
  }

  /** Bytes for a text line. */
  String text(byte[] bytes) {
    return bytes == null ? "-" : format.format(bytes);
  }

  /**
   * Bytes as a JSON string: in utf8 format the text itself when the bytes are valid UTF-8 (JSON
   * escapes control characters), else the escaped form; in hex or base64 the encoding.
   */
  JsonNode node(byte[] bytes) {
    if (bytes == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (format == ByteFormat.UTF8) {
      String s = ByteFormat.strictUtf8(bytes);
      return JsonNodeFactory.instance.textNode(s != null ? s : ByteFormat.safeText(bytes));
    }
    return JsonNodeFactory.instance.textNode(format.format(bytes));
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /** Converts a plain Java value (number, string, boolean, list, map) to JSON. */
  static JsonNode value(Object v) {
    return MAPPER.valueToTree(v);
  }

  void print(JsonNode node) {
    try {
      out.println(MAPPER.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }

  void println(String line) {
    out.println(line);
    out.flush();
  }

  /** A message for the user that is not the command's result (stderr in one-shot mode). */
  void note(String line) {
    err.println(line);
    err.flush();
  }
}
