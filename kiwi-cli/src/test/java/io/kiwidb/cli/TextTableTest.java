package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Column alignment of the text tables. */
class TextTableTest {
  @Test
  void alignsTextLeftAndNumbersRight() {
    TextTable t = new TextTable("NAME", "COUNT", "NOTE");
    t.row("a", 5, "x");
    t.row("longer", 12345, null);
    StringWriter sw = new StringWriter();
    t.print(new PrintWriter(sw));
    assertEquals(
        String.join("\n", "NAME    COUNT  NOTE", "a           5  x", "longer  12345  -", ""),
        sw.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void aRowMustMatchTheColumns() {
    assertThrows(IllegalArgumentException.class, () -> new TextTable("A", "B").row("x"));
  }
}
