package io.ostraka.node;

import io.ostraka.raft.RaftEvent;

/**
 * Observes a node: Raft events (elections, step-downs, membership, transfers, snapshots) and
 * applied commands. Called on the event loop that owns the group: return quickly, never block.
 */
public interface RaftListener {
    default void onEvent(long nodeId, long groupId, RaftEvent event) {}

    default void onApplied(long groupId, long index, byte[] command) {}
}
