package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChildProtocolTest {

  @Test
  void resultsSamplesAndNotesRoundTripAndChatterIsIgnored() {
    Measurement m = ReportsTest.KIWI_FILLSEQ;
    List<String> lines =
        List.of(
            "  kiwi: warm-up (300 keys)",
            ChildProtocol.note("page cache NOT dropped:\nnot root"),
            ChildProtocol.result(m),
            ChildProtocol.sample("kiwi,10.0,5,0.5"),
            "SLF4J: something a library printed",
            ChildProtocol.result(m),
            ChildProtocol.done(3));
    ChildProtocol.Output out = ChildProtocol.parse(lines);
    assertEquals(List.of(m, m), out.measurements());
    assertEquals(List.of("kiwi,10.0,5,0.5"), out.samples());
    assertEquals(List.of("page cache NOT dropped: not root"), out.notes());
    ChildProtocol.Parser p = new ChildProtocol.Parser();
    assertFalse(p.accept("chatter"));
    assertTrue(p.accept(ChildProtocol.done(0)));
    assertEquals(0, p.finish().measurements().size());
  }

  @Test
  void aCutShortOrMalformedOutputFailsNamingTheProblem() {
    String result = ChildProtocol.result(ReportsTest.KIWI_FILLSEQ);
    assertFails("ended without 'dbbench-done' after 2 line(s)", List.of("x", result));
    assertFails(
        "announced 2 result/sample line(s) but printed 1", List.of(result, ChildProtocol.done(2)));
    assertFails("line 2: data after the closing line", List.of(ChildProtocol.done(0), result));
    assertFails(
        "line 2: a second closing line", List.of(ChildProtocol.done(0), ChildProtocol.done(0)));
    assertFails("line 1: no count in the closing line", List.of("dbbench-done many"));
    assertFails("line 1: not a run object", List.of("dbbench-result {\"type\":\"median\"}"));
    assertFails(
        "line 1: not a run object",
        List.of("dbbench-result {\"type\":\"run\",\"round\":0}", ChildProtocol.done(1)));
    assertThrows(IllegalArgumentException.class, () -> ChildProtocol.sample("a\nb"));
  }

  private static void assertFails(String expected, List<String> lines) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ChildProtocol.parse(lines));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
