package io.ostraka.node;

import java.util.Objects;

/**
 * An operational error as a value: a code the caller switches on, a human message, and for
 * {@link ErrorCode#NOT_LEADER} the leader to retry at (node id and address when known).
 */
public final class OstrakaException extends RuntimeException {
    private final ErrorCode code;
    private final long leaderId;
    private final String leaderAddress;

    public OstrakaException(ErrorCode code, String message) {
        this(code, message, 0, null);
    }

    public OstrakaException(ErrorCode code, String message, long leaderId, String leaderAddress) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.leaderId = leaderId;
        this.leaderAddress = leaderAddress;
    }

    public static OstrakaException notLeader(long leaderId, String leaderAddress) {
        String where = leaderId == 0 ? "no leader is known" : "the leader is node " + leaderId
                + (leaderAddress == null ? "" : " at " + leaderAddress);
        return new OstrakaException(ErrorCode.NOT_LEADER, "not the leader: " + where, leaderId, leaderAddress);
    }

    public ErrorCode code() {
        return code;
    }

    /** The leader's node id, 0 when unknown. */
    public long leaderId() {
        return leaderId;
    }

    /** The leader's client-facing address when known, else null. */
    public String leaderAddress() {
        return leaderAddress;
    }
}
