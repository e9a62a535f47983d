package io.ostraka.raft;

import java.util.List;

/**
 * The core's read-only view of the stable (durable) part of its log. Implemented by the
 * durable log engine and by {@link MemoryLog}; the core never writes through it — it hands
 * writes to the runtime in {@link Ready} and reads them back here after {@link RaftCore#advance}.
 *
 * <p>Contract, checked by the shared contract tests:
 * <ul>
 *   <li>{@code firstIndex() >= 1} and {@code lastIndex() >= firstIndex() - 1}; the log is empty
 *       when they are equal plus one.</li>
 *   <li>{@code term(i)} is defined for {@code firstIndex()-1 <= i <= lastIndex()}; at
 *       {@code firstIndex()-1} it is the term of the compaction point (0 for a fresh log). Below
 *       that it throws {@link LogCompactedException}; above, {@link IndexOutOfBoundsException}.</li>
 *   <li>{@code entries(lo, hi, maxBytes)} returns the entries {@code [lo, hi)} in order, stopping
 *       before the entry that would take the total over {@code maxBytes} but always returning at
 *       least one entry when the range is not empty.</li>
 *   <li>{@code snapshot().index() >= firstIndex() - 1}: whatever was compacted is covered by the
 *       latest snapshot.</li>
 * </ul>
 */
public interface LogView {
    /** The last persisted hard state; {@link HardState#EMPTY} for a new node. */
    HardState hardState();

    /** The latest snapshot's metadata; {@link SnapshotMetadata#EMPTY} when there is none. */
    SnapshotMetadata snapshot();

    long firstIndex();

    long lastIndex();

    long term(long index);

    List<Entry> entries(long fromInclusive, long toExclusive, long maxBytes);

    /** Thrown when asking for an index that compaction has discarded. */
    final class LogCompactedException extends RuntimeException {
        public LogCompactedException(long index, long firstIndex) {
            super("index " + index + " is compacted; first index is " + firstIndex);
        }
    }
}
