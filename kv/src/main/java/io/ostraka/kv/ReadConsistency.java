package io.ostraka.kv;

/** How fresh a read must be (DESIGN.md, "Store"). */
public enum ReadConsistency {
    /** Default: linearizable through a batched ReadIndex round on the leader. */
    LINEARIZABLE,
    /** Served by the leader inside its lease without a round trip; assumes bounded clock drift. */
    LEASE,
    /** Linearizable, served by a follower after asking the leader for a read index. */
    FOLLOWER,
    /** Local state, possibly behind; never behind the caller's {@code minIndex}. */
    STALE
}
