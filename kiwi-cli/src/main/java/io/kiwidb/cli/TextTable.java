package io.kiwidb.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns, for the shell's listings and traces. Numeric-looking
 * columns are right-aligned so digits line up; everything else is left-aligned.
 *
 * <p>Thread safety: none; build and print from one thread.
 */
final class TextTable {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... headers) {
    this.headers = List.of(headers);
  }

  /** Adds a row; {@code null} cells print as "-". */
  TextTable row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, the table has " + headers.size() + " columns");
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object c : cells) {
      row.add(c == null ? "-" : String.valueOf(c));
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    print(out, true);
  }

  /** Prints the rows, with the header line first when {@code header} is set. */
  void print(PrintWriter out, boolean header) {
    int n = headers.size();
    int[] width = new int[n];
    boolean[] numeric = new boolean[n];
    for (int c = 0; c < n; c++) {
      width[c] = headers.get(c).length();
      numeric[c] = !rows.isEmpty();
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).codePointCount(0, row.get(c).length()));
        numeric[c] &= row.get(c).matches("-?[0-9][0-9,.]*|-");
      }
    }
    if (header) {
      line(out, headers, width, numeric);
    }
    for (List<String> row : rows) {
      line(out, row, width, numeric);
    }
    out.flush();
  }

  private static void line(PrintWriter out, List<String> cells, int[] width, boolean[] numeric) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      int pad = width[c] - cell.codePointCount(0, cell.length());
      boolean last = c == cells.size() - 1;
      if (c > 0) {
        sb.append("  ");
      }
      if (numeric[c]) {
        sb.append(" ".repeat(pad)).append(cell);
      } else {
        sb.append(cell);
        if (!last) {
          sb.append(" ".repeat(pad));
        }
      }
    }
    out.println(sb);
  }
}
