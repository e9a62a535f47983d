package io.ostraka.raft;

/**
 * Something that happened in the core which operators want to see (DESIGN.md "Observability").
 * Handed out in {@link Ready#events()}; {@code peer} is the other node involved, or 0.
 */
public record RaftEvent(Type type, long term, long index, long peer, String detail) {
    public enum Type {
        /** This node started an election (or a pre-vote round). */
        VOTE_REQUESTED,
        /** This node granted its vote to {@code peer}. */
        VOTE_GRANTED,
        /** {@code peer} became leader ({@code peer} may be this node). */
        LEADER_ELECTED,
        /** This node stopped being leader. */
        STEPPED_DOWN,
        /** The configuration changed on append of the entry at {@code index}; {@code detail} is the new config. */
        MEMBERSHIP_CHANGED,
        /** A leadership transfer to {@code peer} started ({@code detail} "started") or was aborted. */
        LEADERSHIP_TRANSFER,
        /**
         * A transfer this node started, as leader, completed: it has stepped down and now follows
         * {@code peer}, the transferee. (If someone else was elected instead, the transfer is
         * reported aborted.)
         */
        LEADERSHIP_TRANSFERRED,
        /** A snapshot at {@code index} from {@code peer} is to be installed. */
        SNAPSHOT_RECEIVED
    }
}
