package io.ostraka.client;

/** How fresh a read must be (docs/client.md, "Consistency"). */
public enum Consistency {
    /** The default: linearizable, through a ReadIndex round on the leader. */
    LINEARIZABLE,
    /** Served by the leader inside its lease; assumes bounded clock drift. */
    LEASE,
    /** Linearizable, served by a follower after asking the leader for a read index. */
    FOLLOWER,
    /** The answering node's local state: possibly behind, but never behind what this client has seen. */
    STALE
}
