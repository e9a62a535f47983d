package io.ostraka.sim.history;

/**
 * A history that cannot be checked: malformed JSON, a missing or ill-typed field, or events that
 * do not pair up. The message names the line (1-based; for histories built in memory, the event's
 * position + 1) and, where one is to blame, the field.
 */
public final class HistoryFormatException extends RuntimeException {
  private final int lineNumber;
  private final String field;

  public HistoryFormatException(int lineNumber, String field, String problem) {
    super(format(lineNumber, field, problem));
    this.lineNumber = lineNumber;
    this.field = field;
  }

  private static String format(int lineNumber, String field, String problem) {
    return field == null
        ? "line " + lineNumber + ": " + problem
        : "line " + lineNumber + ", field \"" + field + "\": " + problem;
  }

  public int lineNumber() {
    return lineNumber;
  }

  /** The field at fault, or null when the line as a whole is. */
  public String field() {
    return field;
  }
}
