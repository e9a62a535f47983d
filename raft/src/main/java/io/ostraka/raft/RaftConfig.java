package io.ostraka.raft;

/**
 * Options of one Raft core. Times are in ticks; the runtime decides how long a tick is
 * (100 ms by default, so the defaults mean a 1 s election timeout and 100 ms heartbeats).
 *
 * @param nodeId                  this node's id, positive
 * @param groupId                 the Raft group this core belongs to
 * @param electionTimeoutTicks    T: followers time out after a random duration in [T, 2T)
 * @param heartbeatTicks          the leader's heartbeat interval; less than T / 2
 * @param preVote                 run a pre-vote round before a real election (thesis §9.6)
 * @param checkQuorum             leaders step down without quorum contact; followers ignore
 *                                vote requests while they hear from a live leader
 * @param leaseReads              allow lease-based reads (needs checkQuorum)
 * @param leaseDriftMarginTicks   how much shorter than T - 1 the lease is, to absorb clock drift
 * @param maxMessageBytes         most entry bytes in one APPEND (one entry always fits)
 * @param maxInflightMessages     unacknowledged APPENDs per follower in REPLICATE state
 * @param maxInflightBytes        unacknowledged entry bytes per follower (0 = unlimited)
 * @param maxUncommittedBytes     proposals are refused while the leader holds this many
 *                                uncommitted bytes (0 = unlimited)
 * @param maxApplyBytes           most committed-entry bytes handed out in one Ready
 * @param appliedIndex            on restart, the index the state machine has applied
 */
public record RaftConfig(
        long nodeId,
        long groupId,
        int electionTimeoutTicks,
        int heartbeatTicks,
        boolean preVote,
        boolean checkQuorum,
        boolean leaseReads,
        int leaseDriftMarginTicks,
        long maxMessageBytes,
        int maxInflightMessages,
        long maxInflightBytes,
        long maxUncommittedBytes,
        long maxApplyBytes,
        long appliedIndex) {

    public RaftConfig {
        require(nodeId > 0, "nodeId", nodeId, "must be positive");
        require(groupId >= 0, "groupId", groupId, "must not be negative");
        require(electionTimeoutTicks >= 2, "electionTimeoutTicks", electionTimeoutTicks, "must be at least 2");
        require(heartbeatTicks >= 1, "heartbeatTicks", heartbeatTicks, "must be at least 1");
        require(heartbeatTicks * 2 <= electionTimeoutTicks, "heartbeatTicks", heartbeatTicks,
                "must be at most half of electionTimeoutTicks (" + electionTimeoutTicks + ")");
        require(!leaseReads || checkQuorum, "leaseReads", leaseReads,
                "requires checkQuorum, which is what keeps followers from electing a new leader during the lease");
        require(leaseDriftMarginTicks >= 0 && leaseDriftMarginTicks < electionTimeoutTicks - 1,
                "leaseDriftMarginTicks", leaseDriftMarginTicks, "must be in [0, electionTimeoutTicks - 1)");
        require(maxMessageBytes > 0, "maxMessageBytes", maxMessageBytes, "must be positive");
        require(maxInflightMessages > 0, "maxInflightMessages", maxInflightMessages, "must be positive");
        require(maxInflightBytes >= 0, "maxInflightBytes", maxInflightBytes, "must not be negative");
        require(maxUncommittedBytes >= 0, "maxUncommittedBytes", maxUncommittedBytes, "must not be negative");
        require(maxApplyBytes > 0, "maxApplyBytes", maxApplyBytes, "must be positive");
        require(appliedIndex >= 0, "appliedIndex", appliedIndex, "must not be negative");
    }

    private static void require(boolean ok, String name, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(name + "=" + value + ": " + rule);
        }
    }

    /** Defaults for node {@code nodeId} of group {@code groupId}. */
    public static Builder builder(long nodeId, long groupId) {
        return new Builder(nodeId, groupId);
    }

    public Builder toBuilder() {
        return new Builder(nodeId, groupId).electionTimeoutTicks(electionTimeoutTicks).heartbeatTicks(heartbeatTicks)
                .preVote(preVote).checkQuorum(checkQuorum).leaseReads(leaseReads)
                .leaseDriftMarginTicks(leaseDriftMarginTicks).maxMessageBytes(maxMessageBytes)
                .maxInflightMessages(maxInflightMessages).maxInflightBytes(maxInflightBytes)
                .maxUncommittedBytes(maxUncommittedBytes).maxApplyBytes(maxApplyBytes).appliedIndex(appliedIndex);
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private final long nodeId;
        private final long groupId;
        private int electionTimeoutTicks = 10;
        private int heartbeatTicks = 1;
        private boolean preVote = true;
        private boolean checkQuorum = true;
        private boolean leaseReads = false;
        private int leaseDriftMarginTicks = 1;
        private long maxMessageBytes = 1L << 20;
        private int maxInflightMessages = 256;
        private long maxInflightBytes = 32L << 20;
        private long maxUncommittedBytes = 64L << 20;
        private long maxApplyBytes = 16L << 20;
        private long appliedIndex = 0;

        private Builder(long nodeId, long groupId) {
            this.nodeId = nodeId;
            this.groupId = groupId;
        }

        public Builder electionTimeoutTicks(int v) { electionTimeoutTicks = v; return this; }
        public Builder heartbeatTicks(int v) { heartbeatTicks = v; return this; }
        public Builder preVote(boolean v) { preVote = v; return this; }
        public Builder checkQuorum(boolean v) { checkQuorum = v; return this; }
        public Builder leaseReads(boolean v) { leaseReads = v; return this; }
        public Builder leaseDriftMarginTicks(int v) { leaseDriftMarginTicks = v; return this; }
        public Builder maxMessageBytes(long v) { maxMessageBytes = v; return this; }
        public Builder maxInflightMessages(int v) { maxInflightMessages = v; return this; }
        public Builder maxInflightBytes(long v) { maxInflightBytes = v; return this; }
        public Builder maxUncommittedBytes(long v) { maxUncommittedBytes = v; return this; }
        public Builder maxApplyBytes(long v) { maxApplyBytes = v; return this; }
        public Builder appliedIndex(long v) { appliedIndex = v; return this; }

        public RaftConfig build() {
            return new RaftConfig(nodeId, groupId, electionTimeoutTicks, heartbeatTicks, preVote, checkQuorum,
                    leaseReads, leaseDriftMarginTicks, maxMessageBytes, maxInflightMessages, maxInflightBytes,
                    maxUncommittedBytes, maxApplyBytes, appliedIndex);
        }
    }
}
