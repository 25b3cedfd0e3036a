package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting shell lines into words. */
class ShellWordsTest {
  @Test
  void splitsOnWhitespaceAndKeepsQuotedSpaces() {
    assertEquals(List.of("put", "k", "v"), ShellWords.split("  put\tk   v "));
    assertEquals(List.of("put", "k", "a b"), ShellWords.split("put k \"a b\""));
    assertEquals(List.of("put", "k", "a \"b\" \\c"), ShellWords.split("put k 'a \"b\" \\c'"));
    assertEquals(List.of("put", "k", "say \"hi\""), ShellWords.split("put k \"say \\\"hi\\\"\""));
    assertEquals(List.of("put", "k", ""), ShellWords.split("put k ''"));
    assertEquals(List.of("put", "a b", "x"), ShellWords.split("put a\\ b x"));
    assertEquals(List.of("ab c"), ShellWords.split("a'b c'"));
    assertEquals(List.of(), ShellWords.split("   "));
  }

  @Test
  void unterminatedQuotesAreErrors() {
    assertEquals(
        "unterminated \" quote in: put k \"v",
        assertThrows(IllegalArgumentException.class, () -> ShellWords.split("put k \"v"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> ShellWords.split("put k 'v"));
    assertThrows(IllegalArgumentException.class, () -> ShellWords.split("put k v\\"));
  }
}
