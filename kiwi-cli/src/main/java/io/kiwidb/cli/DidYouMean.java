package io.kiwidb.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Suggestions for a mistyped command or option: the known names closest to what was typed, by edit
 * distance (insertions, deletions, substitutions and swaps of two neighbours each count one), or
 * the one name it is the start of. Only close names are suggested, so a word that resembles nothing
 * gets no suggestion rather than a random one.
 *
 * <p>Thread safety: stateless.
 */
final class DidYouMean {
  private DidYouMean() {}

  /**
   * The names closest to {@code typed}, best first (ties in {@code names} order), at most three.
   */
  static List<String> suggest(String typed, Collection<String> names) {
    String t = typed.toLowerCase(Locale.ROOT);
    String bare = stripDashes(t);
    // A typo is at most one edit in a short word and two in a longer one.
    int allowed = bare.length() <= 4 ? 1 : 2;
    int best = Integer.MAX_VALUE;
    List<String> found = new ArrayList<>();
    for (String name : names) {
      String n = name.toLowerCase(Locale.ROOT);
      int d = distance(bare, stripDashes(n));
      if (d > allowed || d >= stripDashes(n).length()) {
        continue;
      }
      if (d < best) {
        best = d;
        found.clear();
      }
      if (d == best && !found.contains(name)) {
        found.add(name);
      }
    }
    if (found.isEmpty() && bare.length() >= 2) {
      List<String> prefixed = new ArrayList<>();
      for (String name : names) {
        if (stripDashes(name.toLowerCase(Locale.ROOT)).startsWith(bare)
            && !prefixed.contains(name)) {
          prefixed.add(name);
        }
      }
      if (prefixed.size() == 1) {
        return prefixed;
      }
    }
    return found.size() > 3 ? found.subList(0, 3) : found;
  }

  /** "did you mean 'get'?", "did you mean 'get' or 'del'?", or "" when nothing is close. */
  static String phrase(String typed, Collection<String> names) {
    List<String> s = suggest(typed, names);
    if (s.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("did you mean ");
    for (int i = 0; i < s.size(); i++) {
      if (i > 0) {
        sb.append(i == s.size() - 1 ? " or " : ", ");
      }
      sb.append('\'').append(s.get(i)).append('\'');
    }
    return sb.append('?').toString();
  }

  private static String stripDashes(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == '-') {
      i++;
    }
    return s.substring(i);
  }

  /** The optimal-string-alignment distance (Damerau-Levenshtein without repeated edits). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
