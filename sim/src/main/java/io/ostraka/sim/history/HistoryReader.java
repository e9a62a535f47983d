package io.ostraka.sim.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a JSON Lines history (one event object per line; blank lines are skipped) strictly:
 * unknown or ill-typed fields, missing fields and events that do not pair up are {@link
 * HistoryFormatException}s naming the line and field. The format is documented in
 * docs/verification.md, "History format and checker".
 */
public final class HistoryReader {
  static final Set<String> FIELDS = Set.of(
      "process", "type", "f", "key", "value", "version", "expected_version", "time",
      "consistency");

  private HistoryReader() {}

  public static History read(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader);
    }
  }

  public static History read(String text) {
    try {
      return read(new StringReader(text));
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  public static History read(Reader reader) throws IOException {
    HistoryBuilder builder = History.builder();
    BufferedReader lines = new BufferedReader(reader);
    int lineNumber = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      lineNumber++;
      if (!line.isBlank()) {
        builder.append(parseEvent(line, lineNumber), lineNumber);
      }
    }
    return builder.build();
  }

  /** Parses one line into an event, checking fields but not how it pairs with other lines. */
  static Event parseEvent(String line, int lineNumber) {
    Object json;
    try {
      json = JsonParser.parse(line);
    } catch (JsonParser.JsonSyntaxException e) {
      throw new HistoryFormatException(lineNumber, null, e.getMessage());
    }
    if (!(json instanceof Map<?, ?> object)) {
      throw new HistoryFormatException(lineNumber, null, "expected a JSON object per line");
    }
    Fields fields = new Fields(object, lineNumber);
    fields.rejectUnknown();
    long process = fields.requiredLong("process");
    if (process < 0 || process > Integer.MAX_VALUE) {
      throw new HistoryFormatException(lineNumber, "process", "must be an int >= 0");
    }
    OpType type = fields.requiredEnum("type", OpType::fromWireName, "invoke, ok, fail, info");
    KvFunction f = fields.requiredEnum("f", KvFunction::fromWireName, "get, put, delete, cas");
    String key = fields.requiredString("key");
    if (type == OpType.OK && f == KvFunction.GET && !object.containsKey("value")) {
      throw new HistoryFormatException(lineNumber, "value",
          "missing: an ok get states the value read (null if absent)");
    }
    String value = fields.optionalString("value");
    long version = fields.optionalVersion("version");
    long expectedVersion = fields.optionalVersion("expected_version");
    Consistency consistency = object.containsKey("consistency")
        ? fields.requiredEnum("consistency", Consistency::fromWireName,
            "linearizable, lease, follower, stale")
        : null;
    long time = fields.requiredLong("time");
    return new Event((int) process, type, f, key, value, version, expectedVersion, consistency,
        time);
  }

  /** Typed access to one line's members, with errors naming the field. */
  private record Fields(Map<?, ?> object, int line) {
    void rejectUnknown() {
      for (Object name : object.keySet()) {
        if (!FIELDS.contains(name)) {
          throw new HistoryFormatException(line, (String) name,
              "unknown field (known: process, type, f, key, value, version, expected_version,"
                  + " time, consistency)");
        }
      }
    }

    Object required(String name) {
      if (!object.containsKey(name)) {
        throw new HistoryFormatException(line, name, "missing");
      }
      Object value = object.get(name);
      if (value == null) {
        throw new HistoryFormatException(line, name, "must not be null");
      }
      return value;
    }

    long requiredLong(String name) {
      Object value = required(name);
      if (!(value instanceof Long number)) {
        throw new HistoryFormatException(line, name, "must be an integer, not " + show(value));
      }
      return number;
    }

    String requiredString(String name) {
      Object value = required(name);
      if (!(value instanceof String string)) {
        throw new HistoryFormatException(line, name, "must be a string, not " + show(value));
      }
      return string;
    }

    <E> E requiredEnum(String name, Function<String, Optional<E>> parse, String known) {
      String wire = requiredString(name);
      return parse.apply(wire).orElseThrow(() -> new HistoryFormatException(line, name,
          "unknown value \"" + wire + "\" (known: " + known + ")"));
    }

    String optionalString(String name) {
      Object value = object.get(name);
      if (value != null && !(value instanceof String)) {
        throw new HistoryFormatException(line, name,
            "must be a string or null, not " + show(value));
      }
      return (String) value;
    }

    long optionalVersion(String name) {
      if (!object.containsKey(name)) {
        return Event.NO_VERSION;
      }
      if (object.get(name) == null) {
        throw new HistoryFormatException(line, name, "must be a whole number >= 0 or left out, not null");
      }
      long version = requiredLong(name);
      if (version < 0) {
        throw new HistoryFormatException(line, name, "must be >= 0, not " + version);
      }
      return version;
    }

    private static String show(Object value) {
      if (value instanceof String s) {
        return "the string " + JsonText.quote(s);
      }
      if (value instanceof Map) {
        return "an object";
      }
      if (value instanceof java.util.List) {
        return "an array";
      }
      return String.valueOf(value);
    }
  }
}
