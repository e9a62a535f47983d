package io.ostraka.raft;

/**
 * What became of a proposal: appended at an index (not yet committed), or refused with a
 * reason the caller can act on. Refusals are values, not exceptions: they are normal operation.
 */
public sealed interface ProposeResult {

    /** Appended to the leader's log as entries {@code firstIndex..lastIndex} of {@code term}. */
    record Accepted(long firstIndex, long lastIndex, long term) implements ProposeResult {}

    /** Refused; {@code leaderHint} is the known leader (0 if none), {@code detail} says why. */
    record Rejected(Reason reason, long leaderHint, String detail) implements ProposeResult {}

    enum Reason {
        /** This node is not the leader; retry at {@code leaderHint} if known. */
        NOT_LEADER,
        /** Leadership is being transferred; retry shortly, probably at another node. */
        TRANSFER_IN_PROGRESS,
        /** The leader holds too much uncommitted data; back off and retry. */
        UNCOMMITTED_LIMIT,
        /** A membership change is still uncommitted, or the leader has not committed in its term yet. */
        CONF_CHANGE_PENDING,
        /** The membership change is not valid against the current configuration. */
        INVALID_CONF_CHANGE
    }

    default boolean isAccepted() {
        return this instanceof Accepted;
    }
}
