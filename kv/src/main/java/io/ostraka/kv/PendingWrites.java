package io.ostraka.kv;

import java.util.Map;
import java.util.TreeMap;

/**
 * The writes of one command before they reach the store: reads see them on top of the store, and
 * {@link #commitTo} hands them over to the command's {@link KvWriteBatch}, or they are simply dropped. This is
 * how a batch is all-or-nothing on any store, including one where writes go to disk.
 */
final class PendingWrites {
    private final KvStore store;
    // A null value marks a pending delete. Ordered, so the batch (and any disk write) is deterministic.
    private final TreeMap<byte[], VersionedValue> writes = new TreeMap<>(Bytes.UNSIGNED_LEXICOGRAPHIC);
    // Whether each key read from the store had a value there: what the batch's key count needs.
    private final TreeMap<byte[], Boolean> presentInStore = new TreeMap<>(Bytes.UNSIGNED_LEXICOGRAPHIC);

    PendingWrites(KvStore store) {
        this.store = store;
    }

    VersionedValue get(byte[] key) {
        if (writes.containsKey(key)) {
            return writes.get(key);
        }
        VersionedValue stored = store.get(key);
        presentInStore.put(key, stored != null);
        return stored;
    }

    void put(byte[] key, VersionedValue value) {
        writes.put(key, value);
    }

    void delete(byte[] key) {
        writes.put(key, null);
    }

    /** Adds the staged writes, in key order, to {@code batch}. */
    void commitTo(KvWriteBatch batch) {
        for (Map.Entry<byte[], VersionedValue> write : writes.entrySet()) {
            byte[] key = write.getKey();
            Boolean present = presentInStore.get(key);
            if (present == null) {
                present = store.get(key) != null; // written without being read first
            }
            if (write.getValue() == null) {
                batch.delete(key, present);
            } else {
                batch.put(key, write.getValue(), present);
            }
        }
    }
}
