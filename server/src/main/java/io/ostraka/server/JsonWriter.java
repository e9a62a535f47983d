package io.ostraka.server;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer (RFC 8259) for the admin endpoints, so the server needs no JSON
 * library: compact output, strings escaped, and nesting checked — a value where a name is due,
 * or an unclosed object, is a programming error and throws.
 */
public final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    /** One entry per open container: true for an object; the counts say whether a comma is due. */
    private final Deque<Boolean> open = new ArrayDeque<>();
    private final Deque<Integer> counts = new ArrayDeque<>();
    private boolean nameWritten;

    public JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        open.push(true);
        counts.push(0);
        return this;
    }

    public JsonWriter endObject() {
        close(true, '}');
        return this;
    }

    public JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        open.push(false);
        counts.push(0);
        return this;
    }

    public JsonWriter endArray() {
        close(false, ']');
        return this;
    }

    public JsonWriter name(String name) {
        if (open.isEmpty() || !open.peek() || nameWritten) {
            throw new IllegalStateException("a name is not allowed here: " + name);
        }
        comma();
        quote(name);
        out.append(':');
        nameWritten = true;
        return this;
    }

    public JsonWriter value(String value) {
        if (value == null) {
            return nullValue();
        }
        beforeValue();
        quote(value);
        return this;
    }

    public JsonWriter value(long value) {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter value(boolean value) {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    /** {@code name} then {@code value}: the common case. */
    public JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    /** The document; every container must be closed. */
    @Override
    public String toString() {
        if (!open.isEmpty()) {
            throw new IllegalStateException(open.size() + " unclosed JSON container(s)");
        }
        return out.toString();
    }

    private void beforeValue() {
        if (open.isEmpty()) {
            if (out.length() > 0) {
                throw new IllegalStateException("a JSON document has one top-level value");
            }
            return;
        }
        if (open.peek()) {
            if (!nameWritten) {
                throw new IllegalStateException("a value in an object needs a name first");
            }
            nameWritten = false;
        } else {
            comma();
        }
    }

    private void comma() {
        int count = counts.pop();
        if (count > 0) {
            out.append(',');
        }
        counts.push(count + 1);
    }

    private void close(boolean object, char bracket) {
        if (open.isEmpty() || open.peek() != object || nameWritten) {
            throw new IllegalStateException("cannot close " + (object ? "an object" : "an array") + " here");
        }
        open.pop();
        counts.pop();
        out.append(bracket);
    }

    private void quote(String s) {
        out.append('"').append(escape(s)).append('"');
    }

    /** The JSON string escape of {@code s}, without the quotes. */
    public static String escape(String s) {
        StringBuilder e = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> e.append("\\\"");
                case '\\' -> e.append("\\\\");
                case '\n' -> e.append("\\n");
                case '\r' -> e.append("\\r");
                case '\t' -> e.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        e.append(String.format("\\u%04x", (int) c));
                    } else {
                        e.append(c);
                    }
                }
            }
        }
        return e.toString();
    }
}
