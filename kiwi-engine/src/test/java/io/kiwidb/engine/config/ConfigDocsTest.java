package io.kiwidb.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/config.md} holds the key table generated from {@link ConfigKeys}, between two marker
 * lines. This test fails when they drift; {@code -Dkiwi.docs.rewrite=true} rewrites the table.
 */
class ConfigDocsTest {
  private static final Path DOC = Path.of("..", "docs", "config.md");
  private static final String BEGIN = "<!-- BEGIN GENERATED KEY TABLE (ConfigDocsTest) -->\n";
  private static final String END = "<!-- END GENERATED KEY TABLE -->\n";

  static String table() {
    StringBuilder b = new StringBuilder();
    b.append("| key | type | default | reference default | allowed | applies | meaning |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    for (ConfigKey k : ConfigKeys.all()) {
      String unit = k.unit().isEmpty() ? "" : " " + k.unit();
      b.append("| `")
          .append(k.name())
          .append("` | ")
          .append(k.type().name().toLowerCase(java.util.Locale.ROOT))
          .append(" | `")
          .append(json(k.defaultValue()))
          .append("`")
          .append(unit)
          .append(" | ")
          .append(k.referenceDefault() == null ? "—" : "`" + json(k.referenceDefault()) + "`")
          .append(differs(k) ? " **(differs)**" : "")
          .append(" | ")
          .append(k.rangeText())
          .append(" | ")
          .append(k.isLive() ? "live" : "reopen")
          .append(" | ")
          .append(k.doc().replace("|", "\\|"))
          .append(" |\n");
    }
    return b.toString();
  }

  private static boolean differs(ConfigKey k) {
    Object ref = k.referenceDefault();
    return ref != null && !k.defaultValue().equals(k.fromFile(ref));
  }

  private static String json(Object v) {
    return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
  }

  @Test
  void docsListEveryKeyAsTheRegistryDefinesIt() throws IOException {
    String doc = Files.readString(DOC);
    int from = doc.indexOf(BEGIN);
    int to = doc.indexOf(END);
    assertTrue(from >= 0 && to > from, "markers missing in " + DOC);
    String current = doc.substring(from + BEGIN.length(), to);
    String expected = table();
    if (Boolean.getBoolean("kiwi.docs.rewrite") && !current.equals(expected)) {
      Files.writeString(
          DOC, doc.substring(0, from + BEGIN.length()) + expected + doc.substring(to));
      return;
    }
    assertEquals(expected, current, DOC + " is stale: rerun with -Dkiwi.docs.rewrite=true");
  }
}
