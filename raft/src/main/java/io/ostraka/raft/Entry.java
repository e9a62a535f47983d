package io.ostraka.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One log entry. Entries do not repeat their group id: they only ever travel inside a
 * container that names the group (a {@link Message}, a WAL record batch).
 *
 * <p>The payload array is owned by the entry once constructed; callers must not mutate it.
 */
public record Entry(long term, long index, EntryType type, byte[] data) {
    private static final byte[] EMPTY = new byte[0];

    public Entry {
        Objects.requireNonNull(type, "type");
        Invariants.check(term >= 0 && index >= 0, "entry term %d / index %d negative", term, index);
        data = data == null ? EMPTY : data;
    }

    public static Entry normal(long term, long index, byte[] data) {
        return new Entry(term, index, EntryType.NORMAL, data);
    }

    /** Bytes this entry counts for flow control: its payload plus a fixed header estimate. */
    public long sizeBytes() {
        return data.length + 24L;
    }

    public boolean isEmptyNormal() {
        return type == EntryType.NORMAL && data.length == 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry e
                && e.term == term
                && e.index == index
                && e.type == type
                && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(term, index, type, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return index + "/" + term + (type == EntryType.CONF_CHANGE ? " conf" : "") + " (" + data.length + " B)";
    }
}
