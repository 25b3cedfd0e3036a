package io.kiwidb.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON value against an OpenAPI 3.0 schema: the subset {@code /openapi.json} uses ($ref,
 * type, nullable, enum, properties, required, additionalProperties, items, oneOf, minimum,
 * maximum). A schema keyword it does not know fails the check, so the document cannot quietly use
 * something this checker ignores.
 */
final class SchemaCheck {
  private static final List<String> KNOWN =
      List.of(
          "$ref",
          "type",
          "nullable",
          "enum",
          "properties",
          "required",
          "additionalProperties",
          "items",
          "oneOf",
          "minimum",
          "maximum",
          "description",
          "default",
          "format",
          "maxItems",
          "maxLength");

  private final JsonNode root;

  SchemaCheck(JsonNode root) {
    this.root = root;
  }

  /** The problems found, empty when the value conforms. */
  List<String> check(JsonNode schema, JsonNode value) {
    List<String> errors = new ArrayList<>();
    check(schema, value, "$", errors);
    return errors;
  }

  private JsonNode resolve(JsonNode schema) {
    while (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      if (!ref.startsWith("#/")) {
        throw new AssertionError("external $ref " + ref);
      }
      JsonNode n = root;
      for (String part : ref.substring(2).split("/")) {
        n = n.get(part);
        if (n == null) {
          throw new AssertionError("dangling $ref " + ref);
        }
      }
      schema = n;
    }
    return schema;
  }

  private void check(JsonNode schema, JsonNode v, String at, List<String> errors) {
    schema = resolve(schema);
    for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KNOWN.contains(k)) {
        errors.add(at + ": schema keyword " + k + " is not checked by SchemaCheck");
      }
    }
    if (v.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        errors.add(at + ": null where the schema does not allow it");
      }
      return;
    }
    if (schema.has("oneOf")) {
      int matches = 0;
      for (JsonNode alt : schema.get("oneOf")) {
        if (check(alt, v).isEmpty()) {
          matches++;
        }
      }
      if (matches != 1) {
        errors.add(at + ": matches " + matches + " of the oneOf alternatives: " + v);
      }
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!v.isObject()) {
          errors.add(at + ": expected an object, got " + v.getNodeType());
          return;
        }
        JsonNode props = schema.path("properties");
        for (JsonNode r : schema.path("required")) {
          if (!v.has(r.asText())) {
            errors.add(at + ": missing required " + r.asText());
          }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (props.has(e.getKey())) {
            check(props.get(e.getKey()), e.getValue(), at + "." + e.getKey(), errors);
          } else {
            JsonNode extra = schema.get("additionalProperties");
            if (extra == null || (extra.isBoolean() && !extra.asBoolean())) {
              errors.add(at + ": undocumented property " + e.getKey());
            } else if (extra.isObject()) {
              check(extra, e.getValue(), at + "." + e.getKey(), errors);
            }
          }
        }
      }
      case "array" -> {
        if (!v.isArray()) {
          errors.add(at + ": expected an array, got " + v.getNodeType());
          return;
        }
        int i = 0;
        for (JsonNode item : v) {
          check(schema.get("items"), item, at + "[" + i++ + "]", errors);
        }
      }
      case "string" -> {
        if (!v.isTextual()) {
          errors.add(at + ": expected a string, got " + v.getNodeType());
        }
      }
      case "integer" -> {
        if (!v.isIntegralNumber()) {
          errors.add(at + ": expected an integer, got " + v);
        }
      }
      case "number" -> {
        if (!v.isNumber()) {
          errors.add(at + ": expected a number, got " + v);
        }
      }
      case "boolean" -> {
        if (!v.isBoolean()) {
          errors.add(at + ": expected a boolean, got " + v);
        }
      }
      default -> errors.add(at + ": schema without a known type: " + schema);
    }
    if (schema.has("enum")) {
      boolean ok = false;
      for (JsonNode e : schema.get("enum")) {
        ok |= e.equals(v);
      }
      if (!ok) {
        errors.add(at + ": " + v + " is not one of " + schema.get("enum"));
      }
    }
    if (schema.has("minimum") && v.isNumber() && v.asDouble() < schema.get("minimum").asDouble()) {
      errors.add(at + ": " + v + " is below the minimum");
    }
    if (schema.has("maximum") && v.isNumber() && v.asDouble() > schema.get("maximum").asDouble()) {
      errors.add(at + ": " + v + " is above the maximum");
    }
  }
}
