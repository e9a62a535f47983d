package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Leader election (Raft §5.2): randomized timeouts, majority votes, votes persisted before the
 * reply leaves, split votes resolved by the next timeout, and the up-to-date check of §5.4.1.
 */
class ElectionTest {

    @Test
    void aSingleNodeElectsItselfAndCommitsAlone() {
        Cluster c = Cluster.of(1);
        c.tick(1, 30);
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
        assertThat(c.propose(1, "x").isAccepted()).isTrue();
        assertThat(c.appliedData(1)).containsExactly("x");
    }

    @Test
    void threeNodesElectOneLeaderByTimeout() {
        Cluster c = Cluster.of(1, 2, 3);
        for (int i = 0; i < 40 && c.leader() == 0; i++) {
            c.tickAll(1);
            c.stabilize();
        }
        long leader = c.leader();
        assertThat(leader).isNotZero();
        for (long id : c.nodes.keySet()) {
            assertThat(c.core(id).leader()).as("node %d knows the leader", id).isEqualTo(leader);
        }
    }

    @Test
    void electionTimeoutIsRandomizedWithinOneToTwoTimeouts() {
        // Node 1 alone (others cut off) must start campaigning between T and 2T ticks.
        for (long seed = 1; seed <= 20; seed++) {
            Cluster c = Cluster.with(b -> b.preVote(false), 1, 2, 3);
            c.setSeed(seed);
            c.isolate(1);
            int ticks = 0;
            while (c.core(1).role() == Role.FOLLOWER) {
                c.tick(1, 1);
                ticks++;
            }
            assertThat(ticks).isBetween(10, 19);
        }
    }

    @Test
    void voteIsInTheSameReadyAsTheGrantSoItIsPersistedFirst() {
        Cluster c = Cluster.with(b -> b.preVote(false), 1, 2, 3);
        c.core(1).campaign();
        c.process(1);
        Message vote = c.queued(m -> m.to() == 2).get(0);
        c.network.clear();
        c.core(2).step(vote);
        Ready rd = c.core(2).ready();
        assertThat(rd.hardState().vote()).isEqualTo(1);
        assertThat(rd.mustSync()).isTrue();
        assertThat(rd.messages()).singleElement().satisfies(m -> {
            assertThat(m.type()).isEqualTo(MessageType.VOTE_RESPONSE);
            assertThat(m.reject()).isFalse();
        });
    }

    @Test
    void splitVoteIsResolvedByALaterTimeout() {
        Cluster c = Cluster.with(b -> b.preVote(false), 1, 2, 3, 4);
        // 1 and 3 campaign at the same time in a 4-node group: 1 gets {1,2}, 3 gets {3,4}.
        c.core(1).campaign();
        c.process(1);
        c.core(3).campaign();
        c.process(3);
        c.deliverMatching(m -> m.type() == MessageType.VOTE && m.from() == 1 && m.to() == 2);
        c.deliverMatching(m -> m.type() == MessageType.VOTE && m.from() == 3 && m.to() == 4);
        c.stabilize();
        assertThat(c.leader()).as("nobody has 3 of 4 votes").isZero();
        assertThat(c.core(1).term()).isEqualTo(c.core(3).term());
        for (int i = 0; i < 60 && c.leader() == 0; i++) {
            c.tickAll(1);
            c.stabilize();
        }
        assertThat(c.leader()).isNotZero();
        assertThat(c.core(c.leader()).term()).isGreaterThan(2);
    }

    @Test
    void aCandidateWithAStaleLogCannotWin() {
        Cluster c = Cluster.with(b -> b.preVote(false).checkQuorum(false), 1, 2, 3);
        c.elect(1);
        c.isolate(3);
        c.propose(1, "a");
        c.stabilize();
        c.heal();
        // 3 missed "a": 1 and 2 refuse it (§5.4.1), so it cannot become leader.
        c.core(3).campaign();
        c.process(3);
        c.stabilize();
        assertThat(c.core(3).role()).isNotEqualTo(Role.LEADER);
        assertThat(c.node(3).events).anyMatch(e -> e.type() == RaftEvent.Type.VOTE_REQUESTED);
    }

    @Test
    void aLearnerNeverCampaigns() {
        Cluster c = Cluster.of(1, 2);
        c.elect(1);
        c.addEmptyNode(3);
        assertThat(c.proposeConf(1, io.ostraka.raft.confchange.ConfChange.addLearner(3)).isAccepted()).isTrue();
        c.stabilize();
        c.isolate(3);
        c.tick(3, 100);
        assertThat(c.core(3).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.core(3).conf().learners()).containsExactly(3L);
    }
}
