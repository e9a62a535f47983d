package io.ostraka.kv;

import java.util.Arrays;
import java.util.Objects;

/** One key and its stored value, as returned by scans. Arrays are shared, not copied. */
public record KvEntry(byte[] key, VersionedValue value) {
    public KvEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** Bytes of key and value: what a scan's byte budget counts. */
    public long sizeBytes() {
        return key.length + value.value().length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KvEntry that && Arrays.equals(key, that.key) && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + value.hashCode();
    }

    @Override
    public String toString() {
        return Bytes.display(key) + "=" + value;
    }
}
