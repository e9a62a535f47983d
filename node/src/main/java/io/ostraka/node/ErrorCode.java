package io.ostraka.node;

/**
 * The errors a caller can act on, with the same names in every API and on the wire
 * (DESIGN.md, "Runtime"): Java futures, gRPC status details, RESP error replies.
 */
public enum ErrorCode {
    /** This node is not the leader; retry at the leader hint if one is given. */
    NOT_LEADER,
    /** No quorum is reachable (or no leader is known): the group cannot make progress now. */
    NO_QUORUM,
    /** The request did not complete in time; a write may or may not have taken effect. */
    TIMEOUT,
    /** The node is shutting down or stopped. */
    STOPPED,
    /** The request is malformed or not allowed; the message says why. Retrying will not help. */
    INVALID_REQUEST
}
