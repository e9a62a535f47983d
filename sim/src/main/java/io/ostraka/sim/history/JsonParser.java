package io.ostraka.sim.history;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) parser for one line of a history. Objects become {@link
 * LinkedHashMap}s (duplicate names are an error), arrays {@link List}s, integers that fit {@link
 * Long}s, other numbers {@link BigDecimal}s, {@code null} Java null. We parse ourselves rather than
 * take a dependency so that every error can name the column, and nothing is silently coerced.
 */
final class JsonParser {
  private static final int DEPTH_MAX = 64;

  private final String text;
  private int position;

  private JsonParser(String text) {
    this.text = text;
  }

  /** Parses exactly one JSON value spanning the whole text (surrounding whitespace allowed). */
  static Object parse(String text) {
    JsonParser parser = new JsonParser(text);
    parser.skipWhitespace();
    Object value = parser.value(0);
    parser.skipWhitespace();
    if (parser.position != text.length()) {
      throw parser.error("unexpected text after the JSON value");
    }
    return value;
  }

  private Object value(int depth) {
    if (depth > DEPTH_MAX) {
      throw error("nested deeper than " + DEPTH_MAX);
    }
    if (position >= text.length()) {
      throw error("unexpected end of line");
    }
    char c = text.charAt(position);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character '" + c + "'");
      }
    };
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> members = new LinkedHashMap<>();
    position++;
    skipWhitespace();
    if (peek('}')) {
      position++;
      return members;
    }
    while (true) {
      skipWhitespace();
      if (!peek('"')) {
        throw error("expected a member name in double quotes");
      }
      int nameAt = position;
      String name = string();
      if (members.containsKey(name)) {
        position = nameAt;
        throw error("duplicate member \"" + name + "\"");
      }
      skipWhitespace();
      expect(':');
      skipWhitespace();
      members.put(name, value(depth + 1));
      skipWhitespace();
      if (peek(',')) {
        position++;
      } else {
        expect('}');
        return members;
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> elements = new ArrayList<>();
    position++;
    skipWhitespace();
    if (peek(']')) {
      position++;
      return elements;
    }
    while (true) {
      skipWhitespace();
      elements.add(value(depth + 1));
      skipWhitespace();
      if (peek(',')) {
        position++;
      } else {
        expect(']');
        return elements;
      }
    }
  }

  private String string() {
    position++; // opening quote
    StringBuilder out = new StringBuilder();
    while (true) {
      if (position >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(position++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (position >= text.length()) {
        throw error("unterminated escape");
      }
      char escaped = text.charAt(position++);
      switch (escaped) {
        case '"', '\\', '/' -> out.append(escaped);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(unicodeEscape());
        default -> {
          position--;
          throw error("invalid escape \\" + escaped);
        }
      }
    }
  }

  private char unicodeEscape() {
    if (position + 4 > text.length()) {
      throw error("truncated \\u escape");
    }
    int code = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(position), 16);
      if (digit < 0) {
        throw error("invalid hex digit in \\u escape");
      }
      code = code * 16 + digit;
      position++;
    }
    return (char) code;
  }

  private Object number() {
    int start = position;
    if (peek('-')) {
      position++;
    }
    if (peek('0')) {
      position++;
    } else if (!digits()) {
      throw error("invalid number");
    }
    boolean integral = true;
    if (peek('.')) {
      integral = false;
      position++;
      if (!digits()) {
        throw error("invalid number: digits expected after '.'");
      }
    }
    if (peek('e') || peek('E')) {
      integral = false;
      position++;
      if (peek('+') || peek('-')) {
        position++;
      }
      if (!digits()) {
        throw error("invalid number: digits expected in exponent");
      }
    }
    String literal = text.substring(start, position);
    if (integral) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException tooBig) {
        // falls through to BigDecimal
      }
    }
    try {
      return new BigDecimal(literal);
    } catch (NumberFormatException e) {
      // An exponent beyond an int, say: a number no history field can hold.
      position = start;
      throw error("number out of range: " + (literal.length() > 40 ? literal.substring(0, 40) + "..." : literal));
    }
  }

  private boolean digits() {
    int start = position;
    while (position < text.length() && text.charAt(position) >= '0'
        && text.charAt(position) <= '9') {
      position++;
    }
    return position > start;
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, position)) {
      throw error("invalid literal");
    }
    position += word.length();
    return value;
  }

  private boolean peek(char c) {
    return position < text.length() && text.charAt(position) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error(position >= text.length() ? "unexpected end of line, expected '" + c + "'"
          : "expected '" + c + "' but found '" + text.charAt(position) + "'");
    }
    position++;
  }

  private void skipWhitespace() {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return;
      }
      position++;
    }
  }

  private JsonSyntaxException error(String problem) {
    return new JsonSyntaxException(position + 1, problem);
  }

  /** Malformed JSON, at a 1-based column. */
  static final class JsonSyntaxException extends RuntimeException {
    JsonSyntaxException(int column, String problem) {
      super("malformed JSON at column " + column + ": " + problem);
    }
  }
}
