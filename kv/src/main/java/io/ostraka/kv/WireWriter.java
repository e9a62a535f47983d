package io.ostraka.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Appends the primitives of the KV wire format (see docs/kv.md) to a growable byte array. */
final class WireWriter {
    private byte[] buffer;
    private int length;

    WireWriter(int initialBytes) {
        buffer = new byte[Math.max(16, initialBytes)];
    }

    WireWriter u8(int value) {
        ensure(1);
        buffer[length++] = (byte) value;
        return this;
    }

    /** Unsigned LEB128, 1..10 bytes, always the shortest form. */
    WireWriter varint(long value) {
        ensure(10);
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            buffer[length++] = (byte) ((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        buffer[length++] = (byte) rest;
        return this;
    }

    /** A signed value, zigzag-mapped so small magnitudes of either sign stay short. */
    WireWriter zigzag(long value) {
        return varint((value << 1) ^ (value >> 63));
    }

    /** A varint length, then the bytes. */
    WireWriter bytes(byte[] value) {
        varint(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buffer, length, value.length);
        length += value.length;
        return this;
    }

    WireWriter string(String value) {
        return bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, length);
    }

    private void ensure(int more) {
        if (buffer.length - length < more) {
            long wanted = Math.max((long) buffer.length * 2, (long) length + more);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("encoding exceeds " + (Integer.MAX_VALUE - 8) + " bytes");
            }
            buffer = Arrays.copyOf(buffer, (int) wanted);
        }
    }
}
