package io.ostraka.raft.quorum;

/** The outcome of counting votes against a configuration. */
public enum VoteResult {
    /** Not decided yet: enough voters have not answered to win or to lose. */
    PENDING,
    LOST,
    WON
}
