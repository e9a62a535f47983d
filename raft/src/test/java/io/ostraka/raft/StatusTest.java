package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.tracker.ProgressState;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link Status#handOverCandidate}: whom a leader that is stepping away hands leadership to. */
class StatusTest {
    private static Status.PeerProgress peer(long match, boolean recentActive) {
        return new Status.PeerProgress(match, match + 1, ProgressState.REPLICATE, false, recentActive);
    }

    private static Status leaderStatus(TreeMap<Long, Status.PeerProgress> peers) {
        ConfState conf = new ConfState(Set.of(1L, 2L, 3L), Set.of(4L), Set.of(), Set.of(), false);
        return new Status(1, 1, Role.LEADER, 2, 1, 1, 1, 10, 10, 10, conf, peers, 0, false);
    }

    @Test
    void theMostCaughtUpVoterHeardFromRecentlyWinsAndLearnersNever() {
        TreeMap<Long, Status.PeerProgress> peers = new TreeMap<>();
        peers.put(1L, peer(10, true)); // the leader itself
        peers.put(2L, peer(9, false)); // most caught up among voters, but silent lately
        peers.put(3L, peer(7, true));
        peers.put(4L, new Status.PeerProgress(10, 11, ProgressState.REPLICATE, true, true)); // a learner
        assertThat(leaderStatus(peers).handOverCandidate()).isEqualTo(3);

        peers.put(2L, peer(9, true));
        assertThat(leaderStatus(peers).handOverCandidate()).isEqualTo(2);

        peers.put(3L, peer(9, true));
        assertThat(leaderStatus(peers).handOverCandidate()).as("a tie goes to the lower id").isEqualTo(2);
    }

    @Test
    void withNoOtherVoterThereIsNoCandidate() {
        TreeMap<Long, Status.PeerProgress> peers = new TreeMap<>();
        peers.put(1L, peer(10, true));
        peers.put(4L, new Status.PeerProgress(10, 11, ProgressState.REPLICATE, true, true));
        assertThat(leaderStatus(peers).handOverCandidate()).isZero();
        assertThat(leaderStatus(new TreeMap<>()).handOverCandidate()).as("a follower's status has no peers").isZero();
    }
}
