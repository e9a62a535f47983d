package io.ostraka.raft;

/** The role of a node in its group. */
public enum Role {
    FOLLOWER(0),
    PRE_CANDIDATE(1),
    CANDIDATE(1),
    LEADER(2);

    /** The value of the {@code raft_role} metric: 0 follower, 1 candidate, 2 leader. */
    public final int metricValue;

    Role(int metricValue) {
        this.metricValue = metricValue;
    }
}
