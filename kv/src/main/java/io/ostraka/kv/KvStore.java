package io.ostraka.kv;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the state machine keeps its keys, and — for a durable store — its applied index and
 * session table. Implementations: {@link MemoryKvStore} (tests, the simulator,
 * {@code --storage=memory}) and {@code io.ostraka.kv.rocks.RocksKvStore} (the server's default).
 *
 * <p>The shape follows what RocksDB offers cheaply: point reads, an atomic {@link #write} of a
 * whole {@link KvWriteBatch} (one RocksDB {@code WriteBatch} per applied command carrying the data,
 * the applied index and the session changes, so a crash never leaves half a command, nor a command
 * without its dedup record), and ordered iteration for scans and snapshots. Keys are ordered by
 * {@link Bytes#UNSIGNED_LEXICOGRAPHIC}, RocksDB's default bytewise order.
 *
 * <p>Arrays handed to a store are owned by it afterwards; arrays it returns must not be modified.
 * A store is used from one thread (the state machine's apply thread); it is not thread-safe.
 * Storage failures (disk full, I/O errors) surface as {@link java.io.UncheckedIOException}.
 */
public interface KvStore extends AutoCloseable {
    /** The value stored under {@code key}, or {@code null} if the key is absent. */
    VersionedValue get(byte[] key);

    /** Stores {@code value} under {@code key}, replacing any previous value. */
    void put(byte[] key, VersionedValue value);

    /** Removes {@code key}; returns whether it was present. */
    boolean delete(byte[] key);

    /**
     * Applies every put and delete of {@code batch} in order, its session changes, and its applied
     * index if set — all or nothing.
     */
    void write(KvWriteBatch batch);

    /**
     * Up to {@code limit} entries with {@code start <= key < end}, in key order; {@code end == null}
     * means no upper bound. An empty range ({@code start >= end}) yields an empty list.
     *
     * @throws IllegalArgumentException if {@code limit < 0}
     */
    default List<KvEntry> scan(byte[] start, byte[] end, int limit) {
        return scan(start, end, limit, Long.MAX_VALUE);
    }

    /**
     * As {@link #scan(byte[], byte[], int)}, but stops after the entry that brings the keys and
     * values read to {@code maxBytes} or more (one entry at least): a scan never holds more than
     * about that, however large the values in its range.
     */
    List<KvEntry> scan(byte[] start, byte[] end, int limit, long maxBytes);

    /** The number of keys with {@code start <= key < end} ({@code end == null}: no upper bound). */
    long count(byte[] start, byte[] end);

    /** The number of keys stored. */
    long size();

    /**
     * Visits every entry in key order, as of the moment of the call (a RocksDB implementation uses
     * an iterator over a RocksDB snapshot). Used to write state-machine snapshots.
     */
    void forEachEntry(EntryVisitor visitor) throws IOException;

    /** Removes every key (not the applied index or sessions). */
    void clear();

    /** The applied index last written with a batch; 0 for a new store. */
    long appliedIndex();

    /** Visits the stored sessions in id order (used when a state machine opens the store). */
    void forEachSession(Consumer<KvSession> visitor);

    /**
     * Starts moving buffered writes to disk in the background and returns at once (RocksDB: a
     * memtable flush on its own threads). A hint before a snapshot; the in-memory store has nothing
     * to move.
     */
    default void startBackgroundFlush() {}

    /** Releases what the store holds (native handles, files); the in-memory store holds nothing. */
    @Override
    default void close() {}

    /** Receives entries from {@link #forEachEntry}; may fail with the I/O of whatever it writes to. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(byte[] key, VersionedValue value) throws IOException;
    }
}
