package io.ostraka.kv;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads the primitives written by {@link WireWriter}, strictly: every length is checked against
 * the bytes that remain before anything is allocated, varints must be in their shortest form, and
 * any violation is a {@link MalformedException} naming the field — never an unchecked exception.
 * Strictness gives every valid message exactly one encoding.
 */
final class WireReader {
    private final byte[] input;
    private int position;

    WireReader(byte[] input) {
        this.input = input;
    }

    int position() {
        return position;
    }

    int remaining() {
        return input.length - position;
    }

    int u8(String field) throws MalformedException {
        if (position >= input.length) {
            throw truncated(field);
        }
        return input[position++] & 0xFF;
    }

    boolean bool(String field) throws MalformedException {
        int value = u8(field);
        if (value > 1) {
            throw new MalformedException(field + ": boolean byte " + value + " is neither 0 nor 1");
        }
        return value == 1;
    }

    long varint(String field) throws MalformedException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8(field);
            if (shift == 63 && b > 1) {
                throw new MalformedException(field + ": varint overflows 64 bits");
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) {
                    throw new MalformedException(field + ": varint not in shortest form");
                }
                return result;
            }
        }
        throw new MalformedException(field + ": varint longer than 10 bytes");
    }

    long zigzag(String field) throws MalformedException {
        long raw = varint(field);
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** A varint in {@code [min, max]}. */
    long varint(String field, long min, long max) throws MalformedException {
        long value = varint(field);
        if (Long.compareUnsigned(value, min) < 0 || Long.compareUnsigned(value, max) > 0) {
            throw new MalformedException(field + ": " + Long.toUnsignedString(value)
                    + " outside [" + min + ", " + max + "]");
        }
        return value;
    }

    /** A length-prefixed byte string of at most {@code maxBytes}. */
    byte[] bytes(String field, int maxBytes) throws MalformedException {
        long length = varint(field + " length");
        if (Long.compareUnsigned(length, maxBytes) > 0) {
            throw new MalformedException(field + ": length " + Long.toUnsignedString(length)
                    + " exceeds the maximum " + maxBytes);
        }
        if (length > remaining()) {
            throw truncated(field);
        }
        byte[] value = Arrays.copyOfRange(input, position, position + (int) length);
        position += (int) length;
        return value;
    }

    String string(String field, int maxBytes) throws MalformedException {
        byte[] raw = bytes(field, maxBytes);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedException(field + ": not valid UTF-8");
        }
    }

    void expectEnd(String what) throws MalformedException {
        if (position != input.length) {
            throw new MalformedException(remaining() + " trailing bytes after the " + what);
        }
    }

    private MalformedException truncated(String field) {
        return new MalformedException("truncated at byte " + position + " while reading " + field);
    }

    /** Input that does not follow the format; the message says where and why. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }
}
