package io.ostraka.node;

import io.ostraka.raft.SnapshotMetadata;

/**
 * Latencies and counts the runtime measures for a metrics system (DESIGN.md "Observability"),
 * without depending on one: the server implements this with Prometheus, tests with a recorder.
 * Durations come from the node's injected {@link Clock}, never from the core.
 *
 * <p>Called on the event loop that owns the group, so implementations must be fast and must not
 * block. One that throws loses that measurement (the node logs it) and nothing else. Set one with
 * {@link RaftNode#setMetrics} before opening groups.
 */
public interface RaftMetrics {
    /** Measures nothing. */
    RaftMetrics NONE = new RaftMetrics() {};

    /**
     * A proposal made on this node (as leader) committed: {@code nanos} from when the loop took
     * the proposal to when its entry came back committed, before it is applied.
     */
    default void committed(long groupId, long nanos) {}

    /** A batch of {@code entries} committed entries was applied to the state machine in {@code nanos}. */
    default void applied(long groupId, int entries, long nanos) {}

    /**
     * A read at {@code level} (not STALE) was served: {@code nanos} from when the loop took it to
     * when the query ran — the ReadIndex (or lease) confirmation plus waiting for the apply.
     */
    default void readServed(long groupId, ReadLevel level, long nanos) {}

    /** This node wrote a snapshot of its state machine at {@code snapshot}, taking {@code nanos}. */
    default void snapshotTaken(long groupId, SnapshotMetadata snapshot, long nanos) {}

    /** This node installed a snapshot received from the leader. */
    default void snapshotInstalled(long groupId, SnapshotMetadata snapshot) {}
}
