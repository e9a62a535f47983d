package io.ostraka.node;

/** How a read is made safe before it touches the state machine (DESIGN.md, "Store"). */
public enum ReadLevel {
    /** ReadIndex: the leader confirms its leadership with a heartbeat round (batched). */
    LINEARIZABLE,
    /** The leader's lease, without a round trip; falls back to ReadIndex when the lease is not held. */
    LEASE,
    /** ReadIndex asked of the leader by a follower, then served locally by the follower. */
    FOLLOWER,
    /** Local state, possibly behind, never behind the caller's minimum index. */
    STALE
}
