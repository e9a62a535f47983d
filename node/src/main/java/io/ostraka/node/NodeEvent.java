package io.ostraka.node;

import io.ostraka.raft.RaftEvent;
import java.util.Objects;

/**
 * Something that happened on a node which operators want to see (DESIGN.md "Observability"):
 * handed to {@link RaftListener#onNodeEvent}, logged on the {@code io.ostraka.events} logger, and
 * streamed by the server at {@code /events}.
 *
 * <p>Two sources feed it. The core's {@link RaftEvent}s (elections, step-downs, membership,
 * leadership transfers, a snapshot arriving from the leader) are translated one to one, except
 * that a transfer's start and abort become two types. The runtime adds what only it knows:
 * snapshots taken or installed ({@code Snapshot*}), and the transport's progress streaming a
 * snapshot to a follower ({@code SnapshotTransfer*}).
 *
 * @param type       what happened
 * @param nodeId     the node reporting it
 * @param groupId    the Raft group
 * @param term       the reporting node's current term (for a step-down, the new term)
 * @param index      the log index concerned: the snapshot's index for snapshot events, the
 *                   configuration entry's for a membership change, else the node's last index
 * @param peer       the other node involved (candidate, new leader, transferee, snapshot's
 *                   sender or receiver), 0 if none
 * @param detail     a short explanation for people ("observed", "pre-vote", "take", an error…)
 * @param bytes      snapshot transfers: bytes streamed so far; else 0
 * @param totalBytes snapshot transfers: the snapshot's size in bytes; else 0
 * @param timeMillis wall-clock time the node published it, in milliseconds since the epoch
 */
public record NodeEvent(Type type, long nodeId, long groupId, long term, long index, long peer, String detail,
                        long bytes, long totalBytes, long timeMillis) {

    public NodeEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
    }

    public enum Type {
        /** This node started an election; {@code detail} "pre-vote" or "vote". */
        VOTE_REQUESTED("VoteRequested"),
        /** This node voted for {@code peer}. */
        VOTE_GRANTED("VoteGranted"),
        /** {@code peer} became leader; {@code detail} "this node" or "observed". */
        LEADER_ELECTED("LeaderElected"),
        /** This node stopped leading; {@code peer} is the new leader if known. */
        STEPPED_DOWN("SteppedDown"),
        /** The configuration changed at {@code index}; {@code detail} is the new configuration. */
        MEMBERSHIP_CHANGED("MembershipChanged"),
        /** This leader started handing leadership to {@code peer}. */
        LEADERSHIP_TRANSFER_STARTED("LeadershipTransferStarted"),
        /** The transfer to {@code peer} was given up; {@code detail} says why. */
        LEADERSHIP_TRANSFER_ABORTED("LeadershipTransferAborted"),
        /** A transfer this node started completed: it now follows {@code peer}. */
        LEADERSHIP_TRANSFERRED("LeadershipTransferred"),
        /** A snapshot at {@code index} arrived from {@code peer} and is to be installed. */
        SNAPSHOT_RECEIVED("SnapshotReceived"),
        /** Taking ({@code detail} "take") or installing ("install", from {@code peer}) a snapshot started. */
        SNAPSHOT_STARTED("SnapshotStarted"),
        /** The snapshot at {@code index} was taken ("take") or installed ("install"). */
        SNAPSHOT_FINISHED("SnapshotFinished"),
        /** Taking or installing a snapshot failed; {@code detail} "take: error" or "install: error". */
        SNAPSHOT_FAILED("SnapshotFailed"),
        /** Streaming the snapshot at {@code index} to {@code peer} started (resuming at {@code bytes}). */
        SNAPSHOT_TRANSFER_STARTED("SnapshotTransferStarted"),
        /** {@code bytes} of {@code totalBytes} streamed to {@code peer} (reported every tenth or so). */
        SNAPSHOT_TRANSFER_PROGRESS("SnapshotTransferProgress"),
        /** {@code peer} received and stored the snapshot. */
        SNAPSHOT_TRANSFER_FINISHED("SnapshotTransferFinished"),
        /** Streaming to {@code peer} failed; {@code detail} says why. The core retries later. */
        SNAPSHOT_TRANSFER_FAILED("SnapshotTransferFailed");

        private final String eventName;

        Type(String eventName) {
            this.eventName = eventName;
        }

        /** The name used in logs and as the server-sent event's name, e.g. "LeaderElected". */
        public String eventName() {
            return eventName;
        }
    }

    /** The type a core event becomes: transfers split into started and aborted. */
    static Type typeOf(RaftEvent event) {
        return switch (event.type()) {
            case VOTE_REQUESTED -> Type.VOTE_REQUESTED;
            case VOTE_GRANTED -> Type.VOTE_GRANTED;
            case LEADER_ELECTED -> Type.LEADER_ELECTED;
            case STEPPED_DOWN -> Type.STEPPED_DOWN;
            case MEMBERSHIP_CHANGED -> Type.MEMBERSHIP_CHANGED;
            case LEADERSHIP_TRANSFER -> "started".equals(event.detail()) ? Type.LEADERSHIP_TRANSFER_STARTED
                    : Type.LEADERSHIP_TRANSFER_ABORTED;
            case LEADERSHIP_TRANSFERRED -> Type.LEADERSHIP_TRANSFERRED;
            case SNAPSHOT_RECEIVED -> Type.SNAPSHOT_RECEIVED;
        };
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(type.eventName()).append(" group ").append(groupId)
                .append(" node ").append(nodeId).append(" term ").append(term).append(" index ").append(index);
        if (peer != 0) {
            s.append(" peer ").append(peer);
        }
        if (totalBytes != 0) {
            s.append(" bytes ").append(bytes).append('/').append(totalBytes);
        }
        if (!detail.isEmpty()) {
            s.append(": ").append(detail);
        }
        return s.toString();
    }
}
