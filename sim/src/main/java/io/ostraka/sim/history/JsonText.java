package io.ostraka.sim.history;

import java.util.Locale;

/** Writing JSON (and EDN, whose string syntax we use the common subset of) string literals. */
final class JsonText {
  private JsonText() {}

  /** A double-quoted literal: escapes quote, backslash and control characters. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  static String quoteOrNull(String s) {
    return s == null ? "null" : quote(s);
  }
}
