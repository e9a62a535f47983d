package io.ostraka.kv;

import java.io.IOException;
import java.util.List;

/**
 * Where the state machine keeps its keys. Two implementations are planned: {@link MemoryKvStore}
 * (tests, the simulator, {@code --storage=memory}) and a RocksDB store for the server.
 *
 * <p>The shape follows what RocksDB offers cheaply: point reads, an atomic {@link #write} of a
 * whole {@link KvWriteBatch} (one RocksDB {@code WriteBatch} per applied command, so a crash never
 * leaves half a command), and ordered iteration for scans and snapshots. Keys are ordered by
 * {@link Bytes#UNSIGNED_LEXICOGRAPHIC}, RocksDB's default bytewise order.
 *
 * <p>Arrays handed to a store are owned by it afterwards; arrays it returns must not be modified.
 * A store is used from one thread (the state machine's apply thread); it is not thread-safe.
 */
public interface KvStore {
    /** The value stored under {@code key}, or {@code null} if the key is absent. */
    VersionedValue get(byte[] key);

    /** Stores {@code value} under {@code key}, replacing any previous value. */
    void put(byte[] key, VersionedValue value);

    /** Removes {@code key}; returns whether it was present. */
    boolean delete(byte[] key);

    /** Applies every put and delete of {@code batch}, in order, atomically. */
    default void write(KvWriteBatch batch) {
        batch.forEach(new KvWriteBatch.Visitor() {
            @Override
            public void put(byte[] key, VersionedValue value) {
                KvStore.this.put(key, value);
            }

            @Override
            public void delete(byte[] key) {
                KvStore.this.delete(key);
            }
        });
    }

    /**
     * Up to {@code limit} entries with {@code start <= key < end}, in key order; {@code end == null}
     * means no upper bound. An empty range ({@code start >= end}) yields an empty list.
     *
     * @throws IllegalArgumentException if {@code limit < 0}
     */
    List<KvEntry> scan(byte[] start, byte[] end, int limit);

    /** The number of keys with {@code start <= key < end} ({@code end == null}: no upper bound). */
    long count(byte[] start, byte[] end);

    /** The number of keys stored. */
    long size();

    /**
     * Visits every entry in key order, as of the moment of the call (a RocksDB implementation uses
     * an iterator over a RocksDB snapshot). Used to write state-machine snapshots.
     */
    void forEachEntry(EntryVisitor visitor) throws IOException;

    /** Removes every key. */
    void clear();

    /** Receives entries from {@link #forEachEntry}; may fail with the I/O of whatever it writes to. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(byte[] key, VersionedValue value) throws IOException;
    }
}
