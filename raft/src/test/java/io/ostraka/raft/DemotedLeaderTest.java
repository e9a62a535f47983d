package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.confchange.ConfChange;
import org.junit.jupiter.api.Test;

/** Demoting the leader to a learner should behave like removing it (thesis §4.2.2). */
class DemotedLeaderTest {

    @Test
    void aLeaderBeingDemotedToLearnerRefusesProposals() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.propose(1, "a");
        c.settle();
        assertThat(c.proposeConf(1, ConfChange.addLearner(1)).isAccepted()).isTrue();
        assertThat(c.core(1).conf().isVoter(1)).isFalse();
        assertThat(c.core(1).propose("x".getBytes()).isAccepted())
                .as("a leader that is no longer a voter takes no new work").isFalse();
    }
}
