package io.ostraka.client;

/**
 * Why a request failed: the server's error codes with the same names as everywhere in Ostraka
 * (NOT_LEADER, NO_QUORUM, TIMEOUT, STOPPED, INVALID_REQUEST), the session errors, the increment
 * outcomes the blocking API turns into exceptions, and two of the client's own.
 */
public enum ErrorCode {
    /** The node asked is not the leader (the client retries at the hint; seen only when retries ran out). */
    NOT_LEADER(true),
    /** No quorum or no known leader. Retried. */
    NO_QUORUM(true),
    /** The request did not complete within its deadline. A write may or may not have applied. */
    TIMEOUT(true),
    /** The node is shutting down. Retried at another node. */
    STOPPED(true),
    /** Malformed or over a limit; {@link OstrakaClientException#field()} names the field. Not retried. */
    INVALID_REQUEST(false),
    /** The session was forgotten by the cluster while a write of it was being retried; the write may have applied. */
    SESSION_EXPIRED(false),
    /** The session already applied a later write (a client bug: writes of a session are serialized). */
    STALE_SEQUENCE(false),
    /** An increment of a value that is not a decimal 64-bit integer. */
    WRONG_TYPE(false),
    /** An increment that would leave the signed 64-bit range. */
    OVERFLOW(false),
    /** No node could be reached (connection refused, reset, DNS). Retried. */
    UNAVAILABLE(true),
    /** An unexpected failure of the server or of the client itself; the message says what. */
    INTERNAL(false);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether the client retries a request that failed this way (until its deadline). */
    public boolean isRetryable() {
        return retryable;
    }
}
