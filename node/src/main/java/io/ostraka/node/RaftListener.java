package io.ostraka.node;

import io.ostraka.raft.RaftEvent;

/**
 * Observes a node: its events (elections, step-downs, membership, leadership transfers,
 * snapshots taken, installed and streamed — see {@link NodeEvent}) and applied commands.
 * Called on the event loop that owns the group: return quickly, never block. A listener that
 * throws is logged and skipped; it cannot stop the group.
 */
public interface RaftListener {
    /** Every event of the node, core and runtime ones alike. */
    default void onNodeEvent(NodeEvent event) {}

    /** The core's events only, untranslated (kept for existing listeners; prefer {@link #onNodeEvent}). */
    default void onEvent(long nodeId, long groupId, RaftEvent event) {}

    default void onApplied(long groupId, long index, byte[] command) {}
}
