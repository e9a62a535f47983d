package io.ostraka.raft;

import io.ostraka.raft.tracker.ProgressState;
import java.util.SortedMap;

/**
 * A point-in-time picture of a core, for status pages, tests and the simulator's checks.
 * {@code peers} is filled on the leader only.
 */
public record Status(
        long nodeId,
        long groupId,
        Role role,
        long term,
        long vote,
        long leader,
        long firstIndex,
        long lastIndex,
        long committed,
        long applied,
        ConfState conf,
        SortedMap<Long, PeerProgress> peers,
        long transferee,
        boolean leaseValid) {

    /** The leader's view of one member's replication. */
    public record PeerProgress(long match, long next, ProgressState state, boolean learner, boolean recentActive) {}
}
