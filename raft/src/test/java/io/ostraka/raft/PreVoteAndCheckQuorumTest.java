package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Pre-vote (thesis §9.6) and check-quorum with leader stickiness (thesis §6.2, §4.2.3): a node
 * that was partitioned away cannot depose a healthy leader when it returns, a leader that lost
 * its quorum steps down, and followers that hear from a live leader ignore vote requests.
 */
class PreVoteAndCheckQuorumTest {

    @Test
    void preVoteStopsARejoiningPartitionedNodeFromDeposingTheLeader() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        long term = c.core(1).term();
        c.isolate(3);
        c.tick(3, 100); // many election timeouts: pre-votes only, the term stays put
        c.stabilize();
        assertThat(c.core(3).term()).isEqualTo(term);
        assertThat(c.core(3).role()).isEqualTo(Role.PRE_CANDIDATE);

        c.heal();
        c.tick(3, 30);
        c.stabilize();
        c.tickAll(2);
        c.stabilize();
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
        assertThat(c.core(1).term()).isEqualTo(term);
        assertThat(c.core(3).leader()).isEqualTo(1);
    }

    @Test
    void withoutPreVoteTheSameRejoinBumpsTheTermAndDisruptsTheLeader() {
        Cluster c = Cluster.with(b -> b.preVote(false).checkQuorum(false), 1, 2, 3);
        c.elect(1);
        long term = c.core(1).term();
        c.isolate(3);
        c.tick(3, 100);
        assertThat(c.core(3).term()).isGreaterThan(term + 3);
        c.heal();
        c.tickAll(1);
        c.stabilize();
        assertThat(c.core(1).term()).as("the old leader was forced to a later term").isGreaterThan(term);
    }

    @Test
    void aLeaderThatLostItsQuorumStepsDownAfterAnElectionTimeout() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(1);
        c.tick(1, 9);
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
        c.tick(1, 12);
        assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.node(1).events).anyMatch(e -> e.type() == RaftEvent.Type.STEPPED_DOWN);
    }

    @Test
    void withoutCheckQuorumAnIsolatedLeaderStaysLeader() {
        Cluster c = Cluster.with(b -> b.checkQuorum(false), 1, 2, 3);
        c.elect(1);
        c.isolate(1);
        c.tick(1, 50);
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
    }

    @Test
    void followersThatHearFromTheLeaderIgnoreVoteRequests() {
        Cluster c = Cluster.with(b -> b.preVote(false), 1, 2, 3);
        c.elect(1);
        long term = c.core(1).term();
        // 3 is cut off from 1 only: it times out and campaigns, but 2 still hears from 1.
        c.cut(1, 3);
        for (int i = 0; i < 30; i++) {
            c.tickAll(1);
            c.stabilize();
        }
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
        assertThat(c.core(2).term()).as("2 ignored the higher-term vote requests").isEqualTo(term);
        assertThat(c.core(3).term()).isGreaterThan(term);
    }

    @Test
    void aStaleLeaderLearnsTheNewTermFromAFollowerReply() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(1);
        long newLeader = 0;
        for (int i = 0; i < 50 && newLeader == 0; i++) { // 2 and 3 time out; 1 does not tick
            c.tick(2, 1);
            c.tick(3, 1);
            c.stabilize();
            newLeader = c.core(2).isLeader() ? 2 : c.core(3).isLeader() ? 3 : 0;
        }
        assertThat(newLeader).isNotZero();
        c.heal();
        c.propose(1, "lost"); // the old leader still thinks it leads (it has not ticked)
        c.stabilize();
        assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.core(1).term()).isEqualTo(c.core(newLeader).term());
        c.tick(newLeader, 1);
        c.stabilize();
        assertThat(c.appliedData(newLeader)).doesNotContain("lost");
        assertThat(c.appliedData(1)).doesNotContain("lost");
    }

    @Test
    void aPreCandidateThatLosesFallsBackToFollower() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.propose(1, "a");
        c.stabilize();
        c.isolate(3);
        c.propose(1, "b");
        c.stabilize();
        // 3's log is behind; 1 and 2 are not in lease after an election timeout without contact.
        c.heal();
        c.cut(1, 2);
        c.cut(1, 3);
        c.tickAll(25);
        c.stabilize();
        assertThat(c.core(3).role()).isNotEqualTo(Role.LEADER);
    }
}
