package io.ostraka.node;

import io.ostraka.raft.Message;
import java.util.List;

/**
 * What a {@link Transport} delivers to the local node. Called from transport threads; the
 * node hands everything to the event loop owning the group, so implementations never block.
 */
public interface Inbound {
    /** Messages received from peers, possibly for several groups. */
    void receive(List<Message> messages);

    /** A message to {@code peerId} of {@code groupId} could not be queued or delivered. */
    void reportUnreachable(long groupId, long peerId);

    /**
     * {@code peerId}'s process is not running: its address refuses connections (as after a
     * crash or a stop). Not sent for timeouts or unreachable hosts, which a partition causes.
     */
    default void reportPeerDown(long peerId) {
    }

    /** The snapshot stream to {@code peerId} of {@code groupId} finished ({@code delivered}) or failed. */
    void reportSnapshot(long groupId, long peerId, boolean delivered);

    /** How a snapshot stream to a peer is progressing, for events and logs; ignored by default. */
    default void snapshotTransfer(SnapshotTransfer progress) {
    }
}
