package io.ostraka.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of puts and deletes that a {@link KvStore} applies atomically — the portable
 * form of a RocksDB {@code WriteBatch}. Each applied command produces at most one batch.
 */
public final class KvWriteBatch {
    // A null value marks a delete.
    private final List<byte[]> keys = new ArrayList<>();
    private final List<VersionedValue> values = new ArrayList<>();

    public KvWriteBatch put(byte[] key, VersionedValue value) {
        keys.add(Objects.requireNonNull(key, "key"));
        values.add(Objects.requireNonNull(value, "value"));
        return this;
    }

    public KvWriteBatch delete(byte[] key) {
        keys.add(Objects.requireNonNull(key, "key"));
        values.add(null);
        return this;
    }

    public int size() {
        return keys.size();
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** Replays the batch in the order it was built. */
    public void forEach(Visitor visitor) {
        for (int i = 0; i < keys.size(); i++) {
            VersionedValue value = values.get(i);
            if (value == null) {
                visitor.delete(keys.get(i));
            } else {
                visitor.put(keys.get(i), value);
            }
        }
    }

    /** Receives the operations of a batch. */
    public interface Visitor {
        void put(byte[] key, VersionedValue value);

        void delete(byte[] key);
    }
}
