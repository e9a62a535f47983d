package io.ostraka.client;

import java.util.Objects;

/**
 * A failed request: a {@link ErrorCode} to switch on, a message, and where it applies the leader
 * hint or the request field at fault. Thrown by the blocking API and used to complete the
 * futures of the async one exceptionally.
 */
public final class OstrakaClientException extends RuntimeException {
    private final ErrorCode code;
    private final long leaderId;
    private final String leaderAddress;
    private final String field;
    private final int attempts;

    public OstrakaClientException(ErrorCode code, String message) {
        this(code, message, 0, "", "", 1, null);
    }

    OstrakaClientException(ErrorCode code, String message, long leaderId, String leaderAddress, String field,
                           int attempts, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.leaderId = leaderId;
        this.leaderAddress = leaderAddress == null ? "" : leaderAddress;
        this.field = field == null ? "" : field;
        this.attempts = attempts;
    }

    public ErrorCode code() {
        return code;
    }

    /** NOT_LEADER: the leader's node id, 0 when unknown. */
    public long leaderId() {
        return leaderId;
    }

    /** NOT_LEADER: the leader's client address, empty when unknown. */
    public String leaderAddress() {
        return leaderAddress;
    }

    /** INVALID_REQUEST: the request field at fault ("key", "value", "limit", "ops[2].put.key"), or empty. */
    public String field() {
        return field;
    }

    /** How many attempts the request made before this error. */
    public int attempts() {
        return attempts;
    }

    OstrakaClientException withAttempts(int count) {
        return new OstrakaClientException(code, getMessage(), leaderId, leaderAddress, field, count, getCause());
    }
}
