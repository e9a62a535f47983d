package io.ostraka.kv;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a {@link KvStateMachine}'s store lives, and how a restored state replaces it. A restore
 * never writes into the current store: it fills a separate <em>staging</em> store, checks it
 * completely, and only then {@link #install installs} it, so a corrupt snapshot leaves the current
 * state untouched. {@link MemoryKvStorage} makes fresh in-memory stores;
 * {@code io.ostraka.kv.rocks.RocksKvStorage} makes RocksDB directories and swaps them atomically.
 *
 * <p>A storage with a cheaper native snapshot form (RocksDB checkpoints) says so with
 * {@link #writesNativeSnapshots()}; the state machine then uses it for
 * {@link KvStateMachine#snapshotTo} / {@link KvStateMachine#restoreFrom}. The stream form
 * ({@link KvStateMachine#snapshot}) stays portable between storages.
 */
public interface KvStorage extends Closeable {
    /** Opens the store holding the current state (empty, at applied index 0, when new). */
    KvStore openCurrent() throws IOException;

    /** A new, empty store apart from the current one, for a snapshot to be restored into. */
    KvStore createStaging() throws IOException;

    /**
     * Makes {@code staging} the current state: closes {@code current} and returns the store that now
     * holds the state (which may be a reopened {@code staging}). On failure the state machine must
     * not be used any more.
     */
    KvStore install(KvStore current, KvStore staging) throws IOException;

    /** Throws away a staging store after a failed restore. */
    void discard(KvStore staging);

    /** Whether {@link #writeNativeSnapshot} and {@link #openNativeSnapshot} are supported. */
    default boolean writesNativeSnapshots() {
        return false;
    }

    /** Writes {@code current}, which is at {@code appliedIndex}, as a native snapshot into the empty {@code directory}. */
    default void writeNativeSnapshot(KvStore current, long appliedIndex, Path directory) throws IOException {
        throw new UnsupportedOperationException("this storage has no native snapshots");
    }

    /** Whether {@code directory} holds a native snapshot (rather than the portable stream file). */
    default boolean isNativeSnapshot(Path directory) {
        return false;
    }

    /**
     * Verifies the native snapshot in {@code directory} (taken at {@code index}) and returns it as a
     * staging store, ready for {@link #install}.
     *
     * @throws CorruptSnapshotException if it is damaged or of another index; nothing current changed
     */
    default KvStore openNativeSnapshot(long index, Path directory) throws IOException {
        throw new UnsupportedOperationException("this storage has no native snapshots");
    }

    /** Releases what the storage itself holds (locks); stores are closed by their owner. */
    @Override
    default void close() throws IOException {}
}
