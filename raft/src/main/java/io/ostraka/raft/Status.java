package io.ostraka.raft;

import io.ostraka.raft.tracker.ProgressState;
import java.util.Map;
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

    /**
     * On a leader, the voter best placed to take over: one heard from within the last election
     * timeout before one that was not, then the most caught up; ties go to the lowest id. 0 when
     * there is no other voter (or this is not a leader).
     */
    public long handOverCandidate() {
        long best = 0;
        PeerProgress bestPeer = null;
        for (Map.Entry<Long, PeerProgress> e : peers.entrySet()) {
            PeerProgress peer = e.getValue();
            if (e.getKey() == nodeId || !conf.voters().contains(e.getKey())) {
                continue;
            }
            boolean better = bestPeer == null
                    || (peer.recentActive() != bestPeer.recentActive() ? peer.recentActive() : peer.match() > bestPeer.match());
            if (better) {
                best = e.getKey();
                bestPeer = peer;
            }
        }
        return best;
    }

    /** The leader's view of one member's replication. */
    public record PeerProgress(long match, long next, ProgressState state, boolean learner, boolean recentActive) {}
}
