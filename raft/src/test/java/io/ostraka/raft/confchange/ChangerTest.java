package io.ostraka.raft.confchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.Invariants;
import io.ostraka.raft.confchange.ConfChange.Single;
import io.ostraka.raft.confchange.ConfChange.Transition;
import io.ostraka.raft.confchange.ConfChange.Type;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of configuration changes, and the encoding stored in the log. */
class ChangerTest {
    private static final ConfState ABC = ConfState.ofVoters(1L, 2L, 3L);

    @Test
    void bootstrapAcceptsAnyNumberOfVoters() {
        ConfState c = Changer.apply(ConfState.EMPTY, ConfChange.of(Transition.AUTO,
                new Single(Type.ADD_VOTER, 1), new Single(Type.ADD_VOTER, 2), new Single(Type.ADD_LEARNER, 3)));
        assertThat(c.voters()).containsExactly(1L, 2L);
        assertThat(c.learners()).containsExactly(3L);
    }

    @Test
    void singleStepChangesAlterAtMostOneVoter() {
        assertThat(Changer.apply(ABC, ConfChange.addVoter(4)).voters()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(Changer.apply(ABC, ConfChange.remove(2)).voters()).containsExactly(1L, 3L);
        ConfState demoted = Changer.apply(ABC, ConfChange.addLearner(3));
        assertThat(demoted.voters()).containsExactly(1L, 2L);
        assertThat(demoted.learners()).containsExactly(3L);
        assertThatThrownBy(() -> Changer.simple(ABC, ConfChange.of(Transition.AUTO,
                new Single(Type.ADD_VOTER, 4), new Single(Type.ADD_VOTER, 5))))
                .isInstanceOf(ConfChangeException.class).hasMessageContaining("at most one voter");
    }

    @Test
    void severalVoterChangesGoThroughAJointConfiguration() {
        ConfState joint = Changer.apply(ABC, ConfChange.of(Transition.AUTO,
                new Single(Type.ADD_VOTER, 4), new Single(Type.REMOVE, 1)));
        assertThat(joint.isJoint()).isTrue();
        assertThat(joint.voters()).containsExactly(2L, 3L, 4L);
        assertThat(joint.votersOutgoing()).containsExactly(1L, 2L, 3L);
        assertThat(joint.autoLeave()).isTrue();
        ConfState left = Changer.apply(joint, ConfChange.leaveJoint());
        assertThat(left).isEqualTo(ConfState.ofVoters(2L, 3L, 4L));
    }

    @Test
    void aDemotedOutgoingVoterWaitsInLearnersNext() {
        ConfState joint = Changer.apply(ABC, ConfChange.of(Transition.JOINT_EXPLICIT,
                new Single(Type.ADD_LEARNER, 3), new Single(Type.ADD_VOTER, 4)));
        assertThat(joint.learnersNext()).containsExactly(3L);
        assertThat(joint.learners()).isEmpty();
        assertThat(joint.autoLeave()).isFalse();
        assertThat(joint.isVoter(3)).isTrue();
        ConfState left = Changer.apply(joint, ConfChange.leaveJoint());
        assertThat(left.learners()).containsExactly(3L);
        assertThat(left.voters()).containsExactly(1L, 2L, 4L);
    }

    @Test
    void jointChangesMustLeaveBeforeEnteringAgain() {
        ConfState joint = Changer.apply(ABC, ConfChange.of(Transition.JOINT_IMPLICIT, new Single(Type.ADD_VOTER, 4)));
        assertThatThrownBy(() -> Changer.apply(joint, ConfChange.of(Transition.JOINT_IMPLICIT, new Single(Type.ADD_VOTER, 5))))
                .hasMessageContaining("already in joint");
        assertThatThrownBy(() -> Changer.simple(joint, ConfChange.addVoter(5))).hasMessageContaining("joint");
        assertThatThrownBy(() -> Changer.apply(ABC, ConfChange.leaveJoint())).hasMessageContaining("not in a joint");
        assertThatThrownBy(() -> Changer.enterJoint(ConfState.EMPTY, ConfChange.addVoter(1))).hasMessageContaining("without voters");
    }

    @Test
    void removingEveryVoterIsRefused() {
        assertThatThrownBy(() -> Changer.apply(ConfState.ofVoters(1L), ConfChange.remove(1)))
                .hasMessageContaining("removes every voter");
    }

    @Test
    void encodingRoundTripsAndRejectsGarbage() {
        ConfChange cc = ConfChange.of(Transition.JOINT_EXPLICIT, new Single(Type.ADD_VOTER, 4), new Single(Type.REMOVE, 7))
                .withContext("host:7379".getBytes());
        assertThat(ConfChange.decode(cc.encode())).isEqualTo(cc);
        assertThat(ConfChange.decode(ConfChange.leaveJoint().encode()).isLeaveJoint()).isTrue();
        assertThat(cc.toString()).contains("ADD_VOTER");
        assertThatThrownBy(() -> ConfChange.decode(new byte[] {9})).isInstanceOf(Invariants.InvariantViolation.class);
        assertThatThrownBy(() -> ConfChange.decode(new byte[] {1, 0, 0, 0, 0, 5})).isInstanceOf(Invariants.InvariantViolation.class);
        assertThatThrownBy(() -> new Single(Type.ADD_VOTER, 0)).hasMessageContaining("positive");
    }

    @Test
    void confStateRejectsOverlapsAndDescribesItself() {
        assertThatThrownBy(() -> new ConfState(Set.of(1L), Set.of(1L), Set.of(), Set.of(), false))
                .hasMessageContaining("both a learner and a voter");
        assertThatThrownBy(() -> new ConfState(Set.of(1L), Set.of(), Set.of(), Set.of(2L), false))
                .hasMessageContaining("outside a joint");
        ConfState joint = Changer.apply(ABC, ConfChange.of(Transition.AUTO, new Single(Type.ADD_LEARNER, 1), new Single(Type.ADD_VOTER, 4)));
        assertThat(joint.toString()).contains("&&").contains("learnersNext").contains("autoLeave");
        assertThat(joint.allNodes()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(joint.contains(1)).isTrue();
    }
}
