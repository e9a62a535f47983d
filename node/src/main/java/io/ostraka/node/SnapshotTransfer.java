package io.ostraka.node;

import java.util.Objects;

/**
 * Progress of one outgoing snapshot stream, as a {@link Transport} reports it to
 * {@link Inbound#snapshotTransfer}: once when it starts, as it advances, and once when it ends
 * (just before {@link Inbound#reportSnapshot} tells the core).
 *
 * @param groupId    the group whose snapshot it is
 * @param peerId     the receiving node
 * @param index      the snapshot's last included index
 * @param phase      where the transfer is
 * @param sentBytes  bytes the receiver holds so far (a resumed transfer starts above 0)
 * @param totalBytes the snapshot's size
 * @param detail     why it failed (FAILED), else empty
 */
public record SnapshotTransfer(long groupId, long peerId, long index, Phase phase, long sentBytes, long totalBytes,
                               String detail) {
    public enum Phase { STARTED, PROGRESS, DELIVERED, FAILED }

    public SnapshotTransfer {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(detail, "detail");
    }

    NodeEvent.Type eventType() {
        return switch (phase) {
            case STARTED -> NodeEvent.Type.SNAPSHOT_TRANSFER_STARTED;
            case PROGRESS -> NodeEvent.Type.SNAPSHOT_TRANSFER_PROGRESS;
            case DELIVERED -> NodeEvent.Type.SNAPSHOT_TRANSFER_FINISHED;
            case FAILED -> NodeEvent.Type.SNAPSHOT_TRANSFER_FAILED;
        };
    }
}
