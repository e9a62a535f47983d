package io.ostraka.raft;

import java.util.List;

/**
 * A {@link LogView} that can also be written synchronously: the shape of an in-memory store,
 * and what the contract tests exercise. Writes here are what a runtime does with a {@link Ready}.
 */
public interface LogStore extends LogView {
    /**
     * Appends entries, first discarding every stored entry at or after {@code entries.get(0).index()}.
     * The first new index must be at most {@code lastIndex() + 1} and above the commit point the
     * caller knows of; entries must have consecutive indexes.
     */
    void append(List<Entry> entries);

    void setHardState(HardState hardState);

    /** Replaces the whole log by a snapshot: afterwards {@code firstIndex() == snapshot.index() + 1}. */
    void installSnapshot(SnapshotMetadata snapshot);

    /**
     * Records that the state machine took a snapshot covering {@code snapshot.index()} (which is in
     * the log) and discards entries up to {@code snapshot.index() - trailingEntries}.
     */
    void createSnapshot(SnapshotMetadata snapshot, long trailingEntries);
}
