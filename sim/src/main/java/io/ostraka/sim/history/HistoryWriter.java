package io.ostraka.sim.history;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes a history as JSON Lines, the format {@link HistoryReader} reads: fields in a fixed
 * order, {@code value} always present, {@code version}, {@code expected_version} and {@code
 * consistency} only when known.
 */
public final class HistoryWriter {
  private HistoryWriter() {}

  public static void write(History history, Writer out) throws IOException {
    for (Event event : history.events()) {
      out.write(toJson(event));
      out.write('\n');
    }
  }

  public static String toJsonLines(History history) {
    StringWriter out = new StringWriter();
    try {
      write(history, out);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toString();
  }

  public static String toJson(Event event) {
    StringBuilder json = new StringBuilder(128);
    json.append("{\"process\":").append(event.process())
        .append(",\"type\":\"").append(event.type().wireName())
        .append("\",\"f\":\"").append(event.f().wireName())
        .append("\",\"key\":").append(JsonText.quote(event.key()))
        .append(",\"value\":").append(JsonText.quoteOrNull(event.value()));
    if (event.hasVersion()) {
      json.append(",\"version\":").append(event.version());
    }
    if (event.hasExpectedVersion()) {
      json.append(",\"expected_version\":").append(event.expectedVersion());
    }
    if (event.consistency() != null) {
      json.append(",\"consistency\":\"").append(event.consistency().wireName()).append('"');
    }
    return json.append(",\"time\":").append(event.timeNanos()).append('}').toString();
  }
}
