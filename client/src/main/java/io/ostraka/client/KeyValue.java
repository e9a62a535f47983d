package io.ostraka.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stored key with its value and metadata: {@code version} is 1 on create and +1 on every
 * write; {@code createIndex} and {@code modIndex} are the log indexes of the writes that created
 * the key and last changed it. Arrays are not copied.
 */
public record KeyValue(byte[] key, byte[] value, long version, long createIndex, long modIndex) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    public String keyUtf8() {
        return new String(key, StandardCharsets.UTF_8);
    }

    public String valueUtf8() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && Arrays.equals(key, kv.key) && Arrays.equals(value, kv.value)
                && version == kv.version && createIndex == kv.createIndex && modIndex == kv.modIndex;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), version, createIndex, modIndex);
    }

    @Override
    public String toString() {
        return "KeyValue[" + keyUtf8() + "=" + valueUtf8() + ", version=" + version + ", createIndex=" + createIndex
                + ", modIndex=" + modIndex + "]";
    }
}
