package io.kiwidb.bench.db;

import java.util.List;
import java.util.Locale;

/**
 * Small-multiple line charts as hand-written SVG (no chart library): a grid of panels, each with
 * its own y axis from 0 to a rounded maximum, one line with point markers per series, a shared
 * legend. Used for the scaling chart (ops/s against keys, log x axis) and the endurance chart
 * (samples against elapsed time).
 *
 * <p>Thread safety: stateless.
 */
final class Charts {
  private static final int COLUMNS = 3;
  private static final int PANEL_W = 300;
  private static final int PANEL_H = 190;
  private static final int MARGIN_L = 62;
  private static final int MARGIN_B = 34;
  private static final int MARGIN_T = 24;
  private static final int HEADER = 56;
  private static final String[] PALETTE = {"#1f5f9f", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd"};

  private Charts() {}

  /**
   * One line.
   *
   * @param name legend text; the same name has the same color in every panel
   * @param points {x, y} pairs in x order; non-finite values are skipped
   */
  record Series(String name, List<double[]> points) {}

  /**
   * One panel.
   *
   * @param title above the panel
   * @param yLabel the y axis' unit
   * @param series its lines
   */
  record Panel(String title, String yLabel, List<Series> series) {}

  /** The chart; {@code logX} draws the x axis in decades (all x must then be positive). */
  static String svg(String title, String xLabel, boolean logX, List<Panel> panels) {
    List<String> names = new java.util.ArrayList<>();
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    for (Panel p : panels) {
      for (Series s : p.series()) {
        if (!names.contains(s.name())) {
          names.add(s.name());
        }
        for (double[] pt : s.points()) {
          if (Double.isFinite(pt[0]) && (!logX || pt[0] > 0)) {
            xMin = Math.min(xMin, pt[0]);
            xMax = Math.max(xMax, pt[0]);
          }
        }
      }
    }
    if (!(xMin <= xMax)) {
      xMin = logX ? 1 : 0;
      xMax = logX ? 10 : 1;
    }
    if (logX) {
      xMin = Math.pow(10, Math.floor(Math.log10(xMin)));
      xMax = Math.pow(10, Math.ceil(Math.log10(xMax) + 1e-9));
    } else if (xMax == xMin) {
      xMax = xMin + 1;
    }
    int rows = Math.max(1, (panels.size() + COLUMNS - 1) / COLUMNS);
    int cols = Math.max(1, Math.min(COLUMNS, panels.size()));
    int cellW = MARGIN_L + PANEL_W + 16;
    int cellH = MARGIN_T + PANEL_H + MARGIN_B;
    int width = cols * cellW + 10;
    int height = HEADER + rows * cellH + 10;
    StringBuilder b = new StringBuilder();
    b.append(
        fmt(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n",
            width, height, width, height));
    b.append(fmt("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
    b.append(
        fmt(
            "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
            Reports.xml(title)));
    for (int i = 0; i < names.size(); i++) {
      int x = 10 + i * 150;
      b.append(
          fmt(
              "<rect x=\"%d\" y=\"32\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"38\">%s</text>\n",
              x, color(i), x + 18, Reports.xml(names.get(i))));
    }
    for (int p = 0; p < panels.size(); p++) {
      Panel panel = panels.get(p);
      int ox = (p % COLUMNS) * cellW + MARGIN_L;
      int oy = HEADER + (p / COLUMNS) * cellH + MARGIN_T;
      double yMax = 0;
      for (Series s : panel.series()) {
        for (double[] pt : s.points()) {
          if (Double.isFinite(pt[1])) {
            yMax = Math.max(yMax, pt[1]);
          }
        }
      }
      yMax = niceCeiling(yMax);
      b.append(
          fmt(
              "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n",
              ox, oy - 8, Reports.xml(panel.title())));
      b.append(
          fmt(
              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                  + " stroke=\"#999999\"/>\n",
              ox, oy, PANEL_W, PANEL_H));
      for (int g = 0; g <= 4; g++) {
        double v = yMax * g / 4;
        double y = oy + PANEL_H - PANEL_H * g / 4.0;
        b.append(
            fmt(
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eeeeee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                ox, y, ox + PANEL_W, y, ox - 4, y + 4, shortNumber(v)));
      }
      b.append(
          fmt(
              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">"
                  + "%s</text>\n",
              ox - 48, oy + PANEL_H / 2, ox - 48, oy + PANEL_H / 2, Reports.xml(panel.yLabel())));
      // x ticks: decades on a log axis, five steps on a linear one.
      if (logX) {
        for (double d = xMin; d <= xMax * 1.0001; d *= 10) {
          double x = ox + xPos(d, xMin, xMax, true);
          b.append(
              fmt(
                  "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eeeeee\"/>"
                      + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                  x, oy, x, oy + PANEL_H, x, oy + PANEL_H + 14, shortNumber(d)));
        }
      } else {
        for (int g = 0; g <= 5; g++) {
          double v = xMin + (xMax - xMin) * g / 5;
          double x = ox + xPos(v, xMin, xMax, false);
          b.append(
              fmt(
                  "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                  x, oy + PANEL_H + 14, shortNumber(v)));
        }
      }
      b.append(
          fmt(
              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
              ox + PANEL_W / 2, oy + PANEL_H + 28, Reports.xml(xLabel)));
      for (Series s : panel.series()) {
        String c = color(names.indexOf(s.name()));
        StringBuilder path = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        for (double[] pt : s.points()) {
          if (!Double.isFinite(pt[0]) || !Double.isFinite(pt[1]) || (logX && pt[0] <= 0)) {
            continue;
          }
          double x = ox + xPos(pt[0], xMin, xMax, logX);
          double y = oy + PANEL_H - (yMax == 0 ? 0 : PANEL_H * pt[1] / yMax);
          path.append(path.length() == 0 ? "M" : " L").append(fmt("%.1f %.1f", x, y));
          marks.append(fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", x, y, c));
        }
        if (path.length() > 0) {
          b.append(
              fmt(
                  "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>",
                  path.toString(), c));
          b.append(marks).append('\n');
        }
      }
    }
    return b.append("</svg>\n").toString();
  }

  private static double xPos(double v, double min, double max, boolean log) {
    double f =
        log
            ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
            : (v - min) / (max - min);
    return PANEL_W * f;
  }

  /** The smallest of 1, 2, 2.5, 5 times a power of ten at or above {@code v} (1 for 0). */
  static double niceCeiling(double v) {
    if (!(v > 0)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v * (1 - 1e-12)) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** 1.5k, 20M, 0.25, 300 and so on. */
  static String shortNumber(double v) {
    double a = Math.abs(v);
    if (a >= 1e9) {
      return trim(v / 1e9) + "G";
    }
    if (a >= 1e6) {
      return trim(v / 1e6) + "M";
    }
    if (a >= 1e3) {
      return trim(v / 1e3) + "k";
    }
    return trim(v);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  private static String color(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
