package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.confchange.ConfChange;
import io.ostraka.raft.confchange.ConfChange.Single;
import io.ostraka.raft.confchange.ConfChange.Transition;
import io.ostraka.raft.confchange.ConfChange.Type;
import org.junit.jupiter.api.Test;

/**
 * Membership changes (thesis chapter 4): single-step add and remove, joint consensus for
 * arbitrary changes with automatic and explicit leave, learners and their promotion, removing
 * the leader itself, and configurations that take effect on append and revert on truncation.
 */
class MembershipTest {

    @Test
    void addingAVoterCatchesItUpAndCountsItInTheQuorum() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.propose(1, "before");
        c.stabilize();
        c.addEmptyNode(4);
        assertThat(c.proposeConf(1, ConfChange.addVoter(4)).isAccepted()).isTrue();
        // Effective on append: the leader already counts 4 before the entry commits.
        assertThat(c.core(1).conf().voters()).containsExactly(1L, 2L, 3L, 4L);
        c.stabilize();
        assertThat(c.core(4).conf().voters()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(c.appliedData(4)).containsExactly("before");
        // With 4 voters the quorum is 3: losing two nodes stops commits.
        c.isolate(3);
        c.isolate(4);
        c.propose(1, "stuck");
        c.stabilize();
        assertThat(c.appliedData(1)).doesNotContain("stuck");
        assertThat(c.node(1).events).anyMatch(e -> e.type() == RaftEvent.Type.MEMBERSHIP_CHANGED);
    }

    @Test
    void removingAVoterShrinksTheQuorum() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.proposeConf(1, ConfChange.remove(3));
        c.stabilize();
        assertThat(c.core(2).conf().voters()).containsExactly(1L, 2L);
        c.isolate(3);
        c.propose(1, "x");
        c.settle();
        assertThat(c.appliedData(2)).containsExactly("x");
        c.tick(3, 100);
        c.stabilize();
        assertThat(c.core(3).role()).as("a removed node no longer campaigns").isEqualTo(Role.FOLLOWER);
    }

    @Test
    void aRemovedVoterLearnsThatItsRemovalCommitted() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        long index = ((ProposeResult.Accepted) c.proposeConf(1, ConfChange.remove(3))).firstIndex();
        c.stabilize();
        // The leader stops replicating to 3 at the commit; it sends the commit first, so 3 applies
        // its own removal instead of waiting forever with the change uncommitted.
        assertThat(c.core(3).committed()).isGreaterThanOrEqualTo(index);
        assertThat(c.core(3).applied()).isGreaterThanOrEqualTo(index);
        c.tick(1, 20);
        c.stabilize();
        assertThat(c.core(1).status().peers()).doesNotContainKey(3L);
    }

    @Test
    void jointConsensusReplacesTwoVotersAndLeavesAutomatically() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.addEmptyNode(4);
        c.addEmptyNode(5);
        ConfChange swap = ConfChange.of(Transition.AUTO,
                new Single(Type.ADD_VOTER, 4), new Single(Type.ADD_VOTER, 5),
                new Single(Type.REMOVE, 2), new Single(Type.REMOVE, 3));
        assertThat(c.proposeConf(1, swap).isAccepted()).isTrue();
        assertThat(c.core(1).conf().isJoint()).isTrue();
        assertThat(c.core(1).conf().votersOutgoing()).containsExactly(1L, 2L, 3L);
        c.stabilize();
        // Entering committed under both majorities; the leader then proposed leaving.
        assertThat(c.core(1).conf().isJoint()).isFalse();
        assertThat(c.core(1).conf().voters()).containsExactly(1L, 4L, 5L);
        assertThat(c.core(4).conf().voters()).containsExactly(1L, 4L, 5L);
        c.isolate(2);
        c.isolate(3);
        c.propose(1, "new-config");
        c.settle();
        assertThat(c.appliedData(5)).containsExactly("new-config");
    }

    @Test
    void inAJointConfigurationBothMajoritiesAreNeeded() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.addEmptyNode(4);
        c.addEmptyNode(5);
        c.isolate(4);
        c.isolate(5);
        ConfChange grow = ConfChange.of(Transition.JOINT_EXPLICIT,
                new Single(Type.ADD_VOTER, 4), new Single(Type.ADD_VOTER, 5), new Single(Type.REMOVE, 3));
        c.proposeConf(1, grow);
        c.stabilize();
        // Old majority {1,2} acknowledged, new majority of {1,2,4,5} needs 3: not committed.
        assertThat(c.core(1).committed()).isLessThan(c.core(1).lastIndex());
        c.heal();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.core(1).committed()).isEqualTo(c.core(1).lastIndex());
        assertThat(c.core(1).conf().isJoint()).as("explicit: stays joint until asked").isTrue();
        assertThat(c.proposeConf(1, ConfChange.leaveJoint()).isAccepted()).isTrue();
        c.stabilize();
        assertThat(c.core(1).conf().voters()).containsExactly(1L, 2L, 4L, 5L);
        assertThat(c.core(1).conf().isJoint()).isFalse();
    }

    @Test
    void removingTheLeaderHandsOverAndStepsDownOnceCommitted() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        assertThat(c.proposeConf(1, ConfChange.remove(1)).isAccepted()).isTrue();
        // On append the leader stops counting itself but keeps leading until the change commits.
        assertThat(c.core(1).isLeader()).isTrue();
        assertThat(c.core(1).propose("x".getBytes()).isAccepted()).as("a leader being removed takes no new work").isFalse();
        c.stabilize();
        assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
        long newLeader = c.leader();
        assertThat(newLeader).isIn(2L, 3L);
        c.propose(newLeader, "after");
        c.stabilize();
        assertThat(c.appliedData(2)).containsExactly("after");
        c.tick(1, 100);
        assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void aLearnerReplicatesWithoutVotingAndCanBePromoted() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.addEmptyNode(4);
        c.proposeConf(1, ConfChange.addLearner(4));
        c.stabilize();
        c.propose(1, "a");
        c.settle();
        assertThat(c.appliedData(4)).containsExactly("a");
        assertThat(c.core(1).status().peers().get(4L).learner()).isTrue();
        // The learner does not count: with 2 and 3 down nothing commits even though 4 has it.
        c.isolate(2);
        c.isolate(3);
        c.propose(1, "b");
        c.stabilize();
        assertThat(c.appliedData(1)).containsExactly("a");
        c.heal();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.proposeConf(1, ConfChange.addVoter(4)).isAccepted()).isTrue();
        c.stabilize();
        assertThat(c.core(4).conf().voters()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(c.core(4).conf().learners()).isEmpty();
    }

    @Test
    void aSecondChangeIsRefusedWhileTheFirstIsUncommitted() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(2);
        c.isolate(3);
        assertThat(c.proposeConf(1, ConfChange.addLearner(4)).isAccepted()).isTrue();
        ProposeResult second = c.proposeConf(1, ConfChange.addLearner(5));
        assertThat(second).isInstanceOfSatisfying(ProposeResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(ProposeResult.Reason.CONF_CHANGE_PENDING));
    }

    @Test
    void invalidChangesAreRefusedWithAReason() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        ProposeResult leave = c.proposeConf(1, ConfChange.leaveJoint());
        assertThat(leave).isInstanceOfSatisfying(ProposeResult.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(ProposeResult.Reason.INVALID_CONF_CHANGE);
            assertThat(r.detail()).contains("not in a joint configuration");
        });
        ProposeResult removeAll = c.proposeConf(1, ConfChange.of(Transition.AUTO,
                new Single(Type.REMOVE, 1), new Single(Type.REMOVE, 2), new Single(Type.REMOVE, 3)));
        assertThat(removeAll).isInstanceOfSatisfying(ProposeResult.Rejected.class,
                r -> assertThat(r.detail()).contains("removes every voter"));
        assertThat(c.proposeConf(2, ConfChange.addVoter(9))).isInstanceOfSatisfying(ProposeResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(ProposeResult.Reason.NOT_LEADER));
    }

    @Test
    void anUncommittedConfigurationRevertsWhenItsEntryIsTruncated() {
        Cluster c = Cluster.with(b -> b.preVote(false), 1, 2, 3);
        c.elect(1);
        c.isolate(1);
        c.proposeConf(1, ConfChange.addLearner(7)); // appended on 1 only
        assertThat(c.core(1).conf().learners()).containsExactly(7L);
        for (int i = 0; i < 50 && c.leader() == 1; i++) {
            c.tick(2, 1);
            c.tick(3, 1);
            c.stabilize();
        }
        long newLeader = c.core(2).isLeader() ? 2 : 3;
        c.propose(newLeader, "overwrites");
        c.stabilize();
        c.heal();
        c.tick(newLeader, 1);
        c.stabilize();
        assertThat(c.core(1).conf().learners()).as("the learner entry was replaced").isEmpty();
        assertThat(c.appliedData(1)).containsExactly("overwrites");
    }

    @Test
    void configurationIsRecoveredFromTheLogOnRestart() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.proposeConf(1, ConfChange.addLearner(4));
        c.stabilize();
        c.crashAndRestart(2);
        assertThat(c.core(2).conf().learners()).containsExactly(4L);
        assertThat(c.core(2).conf().voters()).containsExactly(1L, 2L, 3L);
    }
}
