package io.ostraka.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's replicated state, driven by the runtime with committed log entries.
 *
 * <p>Determinism is the contract: given the same sequence of {@code apply} calls (and the same
 * snapshot to start from), every replica must reach the same state and return the same
 * results. Implementations must not read clocks, randomness or anything outside the command.
 * The runtime calls every method from one thread.
 */
public interface StateMachine {
    /**
     * Applies the command committed at {@code index} and returns its result, which is handed to
     * the proposer's future. Indexes increase strictly; entries the core uses internally (leader
     * no-ops, membership changes) are not passed here.
     */
    byte[] apply(long index, byte[] command);

    /**
     * Applies a run of commands committed at {@code firstIndex}, {@code firstIndex + 1}, ... and
     * returns their results in order. The runtime hands over every run of consecutive commands a
     * Ready commits, so a store can write them together; the outcome must be exactly that of
     * calling {@link #apply} for each in turn, which the default does.
     */
    default List<byte[]> applyAll(long firstIndex, List<byte[]> commands) {
        List<byte[]> results = new ArrayList<>(commands.size());
        for (int k = 0; k < commands.size(); k++) {
            results.add(apply(firstIndex + k, commands.get(k)));
        }
        return results;
    }

    /** The index of the last command applied (or restored from a snapshot); 0 for a new machine. */
    long appliedIndex();

    /** Writes the whole state as of {@link #appliedIndex()}. */
    void snapshot(OutputStream out) throws IOException;

    /** Replaces the whole state with a snapshot written by {@link #snapshot}, taken at {@code index}. */
    void restore(long index, InputStream in) throws IOException;

    /**
     * Writes a snapshot as files into an empty {@code directory} (a snapshot store entry). The
     * default writes one file with {@link #snapshot(OutputStream)}; a store with a cheaper native
     * form (RocksDB checkpoints) overrides this and {@link #restoreFrom}.
     */
    default void snapshotTo(Path directory) throws IOException {
        try (OutputStream out = Files.newOutputStream(directory.resolve(SNAPSHOT_FILE))) {
            snapshot(out);
        }
    }

    /**
     * A snapshot is due soon: start, in the background and without blocking, whatever makes
     * {@link #snapshotTo} cheaper (RocksDB flushes its memtables). The runtime calls this on the
     * loop when the snapshot policy fires and takes the snapshot a little later (200 ms), so the
     * loop is not stalled by the flush. Not called for a snapshot asked for explicitly.
     */
    default void prepareSnapshot() {}

    /** Restores from a directory written by {@link #snapshotTo}, taken at {@code index}. */
    default void restoreFrom(long index, Path directory) throws IOException {
        try (InputStream in = Files.newInputStream(directory.resolve(SNAPSHOT_FILE))) {
            restore(index, in);
        }
    }

    /** The file the default directory form uses. */
    String SNAPSHOT_FILE = "state.bin";
}
