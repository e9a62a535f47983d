package io.ostraka.kv;

import io.ostraka.raft.Invariants;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stored value with its metadata, as etcd keeps it: {@code version} counts writes since the key
 * was (re)created, {@code createIndex} and {@code modIndex} are the Raft indexes of the command
 * that created the key and of the one that last wrote it.
 *
 * <p>The value array is not copied: whoever builds a {@code VersionedValue} hands the array over
 * and nobody mutates it afterwards.
 */
public record VersionedValue(byte[] value, long version, long createIndex, long modIndex) {
    // Invariant: version >= 1 and 1 <= createIndex <= modIndex.
    // A key written v times since creation has version v; a delete removes it entirely.
    public VersionedValue {
        Objects.requireNonNull(value, "value");
        Invariants.check(version >= 1, "version %d < 1", version);
        Invariants.check(createIndex >= 1, "createIndex %d < 1", createIndex);
        Invariants.check(modIndex >= createIndex, "modIndex %d < createIndex %d", modIndex, createIndex);
    }

    /** The value written at {@code index} by a key's creation. */
    public static VersionedValue created(byte[] value, long index) {
        return new VersionedValue(value, 1, index, index);
    }

    /** This key overwritten with {@code newValue} at {@code index}: version + 1, same createIndex. */
    public VersionedValue updated(byte[] newValue, long index) {
        Invariants.check(index >= modIndex, "update at index %d before modIndex %d", index, modIndex);
        return new VersionedValue(newValue, Math.addExact(version, 1), createIndex, index);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VersionedValue that
                && version == that.version
                && createIndex == that.createIndex
                && modIndex == that.modIndex
                && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(value), version, createIndex, modIndex);
    }

    @Override
    public String toString() {
        return "VersionedValue[value=" + Bytes.display(value) + ", version=" + version
                + ", createIndex=" + createIndex + ", modIndex=" + modIndex + "]";
    }
}
