package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * ReadIndex (thesis §6.4): a read is released at the commit index once a quorum acknowledged a
 * heartbeat round sent after the read arrived; reads that arrive before the next Ready share a
 * round; a follower's read is answered by the leader; nothing is released before the leader
 * committed an entry of its term; a deposed leader never releases a read.
 */
class ReadIndexTest {

    @Test
    void aReadIsReleasedAfterAQuorumAcknowledgesOneHeartbeatRound() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.propose(1, "a");
        c.stabilize();
        assertThat(c.core(1).readIndex(42)).isTrue();
        c.process(1);
        assertThat(c.node(1).readStates).isEmpty();
        c.stabilize();
        assertThat(c.node(1).readStates).containsExactly(new ReadState(42, c.core(1).committed()));
    }

    @Test
    void readsArrivingBeforeTheNextReadyShareOneHeartbeatRound() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.core(1).readIndex(1);
        c.core(1).readIndex(2);
        c.core(1).readIndex(3);
        c.process(1);
        assertThat(c.queued(m -> m.type() == MessageType.HEARTBEAT)).as("one round: one heartbeat per follower").hasSize(2);
        // A read after the round left needs a round of its own.
        c.core(1).readIndex(4);
        c.process(1);
        assertThat(c.queued(m -> m.type() == MessageType.HEARTBEAT)).hasSize(4);
        c.stabilize();
        assertThat(c.node(1).readStates).extracting(ReadState::requestContext).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aSingleAcknowledgementIsEnoughInAThreeNodeGroup() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(3);
        c.core(1).readIndex(7);
        c.process(1);
        c.stabilize();
        assertThat(c.node(1).readStates).extracting(ReadState::requestContext).containsExactly(7L);
    }

    @Test
    void aFollowerReadIsAnsweredByTheLeader() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.propose(1, "a");
        c.stabilize();
        assertThat(c.core(2).readIndex(9)).isTrue();
        c.process(2);
        c.stabilize();
        assertThat(c.node(2).readStates).containsExactly(new ReadState(9, c.core(1).committed()));
    }

    @Test
    void aFollowerWithoutALeaderRefusesAtOnce() {
        Cluster c = Cluster.of(1, 2, 3);
        assertThat(c.core(2).readIndex(1)).isFalse();
    }

    @Test
    void aDeposedLeaderNeverReleasesAPendingRead() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(1);
        c.core(1).readIndex(5);
        c.process(1);
        c.stabilize();
        // 2 and 3 elect a new leader and commit a write the old leader never saw.
        long newLeader = 0;
        for (int i = 0; i < 50 && newLeader == 0; i++) {
            c.tick(2, 1);
            c.tick(3, 1);
            c.stabilize();
            newLeader = c.core(2).isLeader() ? 2 : c.core(3).isLeader() ? 3 : 0;
        }
        c.propose(newLeader, "newer");
        c.stabilize();
        c.heal();
        for (int i = 0; i < 5; i++) {
            c.tick(1, 1);
            c.stabilize();
        }
        assertThat(c.core(1).isLeader()).isFalse();
        assertThat(c.node(1).readStates).as("a stale read index must never come out").isEmpty();
    }

    @Test
    void noReadIsReleasedBeforeTheLeaderCommitsInItsTerm() {
        Cluster c = Cluster.of(1, 2, 3);
        c.core(1).campaign();
        c.process(1);
        // Win the election but hold back the appends that would commit the no-op.
        c.stabilizeExcept(m -> m.type() == MessageType.APPEND);
        assertThat(c.core(1).isLeader()).isTrue();
        c.core(1).readIndex(3);
        c.process(1);
        c.stabilizeExcept(m -> m.type() == MessageType.APPEND);
        assertThat(c.node(1).readStates).isEmpty();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.node(1).readStates).containsExactly(new ReadState(3, c.core(1).committed()));
    }

    @Test
    void aSingleNodeReleasesAtOnce() {
        Cluster c = Cluster.of(1);
        c.elect(1);
        c.core(1).readIndex(11);
        c.process(1);
        assertThat(c.node(1).readStates).containsExactly(new ReadState(11, 2));
    }

    @Test
    void staleHeartbeatAcknowledgementsDoNotConfirmANewerRead() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.tick(1, 1); // a periodic heartbeat round is sent…
        c.network.clear(); // …and its answers are lost
        c.core(1).readIndex(8);
        c.process(1);
        c.dropMatching(m -> m.type() == MessageType.HEARTBEAT);
        c.stabilize();
        assertThat(c.node(1).readStates).isEmpty();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.node(1).readStates).extracting(ReadState::requestContext).containsExactly(8L);
    }
}
