package io.ostraka.server.resp;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A RESP2 reply. Simple strings and errors are single lines: any CR or LF in their text is
 * replaced by a space when encoded, so a message that quotes client bytes cannot break framing.
 */
public sealed interface RespReply {
    RespReply OK = new Simple("OK");
    RespReply NIL = new Bulk(null);
    RespReply NIL_ARRAY = new Array(null);
    RespReply EMPTY_ARRAY = new Array(List.of());

    /** Appends the wire form of this reply to {@code out}. */
    void writeTo(ByteBuf out);

    /** An upper estimate of the encoded size, to size buffers. */
    int sizeHint();

    static RespReply simple(String text) {
        return new Simple(text);
    }

    /** An error; {@code text} starts with its code ({@code ERR}, {@code WRONGTYPE}, ...). */
    static RespReply error(String text) {
        return new Error(text);
    }

    static RespReply integer(long value) {
        return new Int(value);
    }

    static RespReply bulk(byte[] bytes) {
        return new Bulk(bytes);
    }

    static RespReply bulk(String text) {
        return new Bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    static RespReply array(List<RespReply> items) {
        return new Array(items);
    }

    /** A flat array of alternating field names and values (RESP2 form of a map). */
    static RespReply fields(Object... namesAndValues) {
        List<RespReply> items = new ArrayList<>(namesAndValues.length);
        for (Object item : namesAndValues) {
            if (item instanceof RespReply reply) {
                items.add(reply);
            } else if (item instanceof Long || item instanceof Integer) {
                items.add(integer(((Number) item).longValue()));
            } else {
                items.add(bulk(String.valueOf(item)));
            }
        }
        return array(items);
    }

    record Simple(String text) implements RespReply {
        public Simple {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public void writeTo(ByteBuf out) {
            out.writeByte('+');
            writeLine(out, text);
        }

        @Override
        public int sizeHint() {
            return text.length() * 3 + 3;
        }
    }

    record Error(String text) implements RespReply {
        public Error {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public void writeTo(ByteBuf out) {
            out.writeByte('-');
            writeLine(out, text);
        }

        @Override
        public int sizeHint() {
            return text.length() * 3 + 3;
        }
    }

    record Int(long value) implements RespReply {
        @Override
        public void writeTo(ByteBuf out) {
            out.writeByte(':');
            writeLine(out, Long.toString(value));
        }

        @Override
        public int sizeHint() {
            return 23;
        }
    }

    /** A bulk string; {@code bytes == null} is the nil bulk ({@code $-1}). */
    record Bulk(byte[] bytes) implements RespReply {
        @Override
        public void writeTo(ByteBuf out) {
            if (bytes == null) {
                out.writeBytes(Wire.NIL_BULK);
                return;
            }
            out.writeByte('$');
            writeLine(out, Integer.toString(bytes.length));
            out.writeBytes(bytes);
            out.writeBytes(Wire.CRLF);
        }

        @Override
        public int sizeHint() {
            return bytes == null ? 5 : bytes.length + 16;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bulk b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes == null ? "Bulk[nil]" : "Bulk[" + new String(bytes, StandardCharsets.UTF_8) + "]";
        }
    }

    /** An array; {@code items == null} is the nil array ({@code *-1}). */
    record Array(List<RespReply> items) implements RespReply {
        public Array {
            items = items == null ? null : List.copyOf(items);
        }

        @Override
        public void writeTo(ByteBuf out) {
            if (items == null) {
                out.writeBytes(Wire.NIL_ARRAY);
                return;
            }
            out.writeByte('*');
            writeLine(out, Integer.toString(items.size()));
            for (RespReply item : items) {
                item.writeTo(out);
            }
        }

        @Override
        public int sizeHint() {
            int size = 16;
            if (items != null) {
                for (RespReply item : items) {
                    size += item.sizeHint();
                }
            }
            return size;
        }
    }

    private static void writeLine(ByteBuf out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\r' || bytes[i] == '\n') {
                bytes[i] = ' ';
            }
        }
        out.writeBytes(bytes);
        out.writeBytes(Wire.CRLF);
    }

    /** Constant encodings, kept out of the public interface. */
    final class Wire {
        private static final byte[] CRLF = {'\r', '\n'};
        private static final byte[] NIL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] NIL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);

        private Wire() {}
    }
}
