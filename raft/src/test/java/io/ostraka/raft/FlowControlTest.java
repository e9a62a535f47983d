package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Flow control: at most {@code maxInflightMessages} unacknowledged APPENDs per follower, at
 * most {@code maxMessageBytes} of entries per APPEND (one entry always fits), and proposals
 * refused once the leader holds {@code maxUncommittedBytes} of uncommitted data.
 */
class FlowControlTest {

    @Test
    void theInFlightWindowCapsUnacknowledgedAppends() {
        Cluster c = Cluster.with(b -> b.maxInflightMessages(3).maxMessageBytes(1), 1, 2);
        c.elect(1);
        c.network.clear();
        for (int i = 0; i < 10; i++) {
            c.propose(1, "e" + i);
        }
        assertThat(c.queued(m -> m.type() == MessageType.APPEND && m.to() == 2 && !m.entries().isEmpty()))
                .as("window of 3").hasSize(3);
        c.stabilize();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.appliedData(2)).hasSize(10);
    }

    @Test
    void messagesAreSplitByBytesButAlwaysCarryOneEntry() {
        Cluster c = Cluster.with(b -> b.maxMessageBytes(100), 1, 2);
        c.elect(1);
        c.network.clear();
        c.core(1).propose(java.util.List.of(new byte[60], new byte[60], new byte[500]));
        c.process(1);
        java.util.List<Message> appends = c.queued(m -> m.type() == MessageType.APPEND);
        assertThat(appends).isNotEmpty();
        assertThat(appends.get(0).entries()).hasSize(1);
        c.stabilize();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.core(2).committed()).isEqualTo(c.core(1).lastIndex());
    }

    @Test
    void proposalsAreRefusedWhenTooMuchIsUncommitted() {
        Cluster c = Cluster.with(b -> b.maxUncommittedBytes(1000), 1, 2, 3);
        c.elect(1);
        c.isolate(1);
        assertThat(c.core(1).propose(new byte[800]).isAccepted()).isTrue();
        ProposeResult refused = c.core(1).propose(new byte[300]);
        assertThat(refused).isInstanceOfSatisfying(ProposeResult.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(ProposeResult.Reason.UNCOMMITTED_LIMIT);
            assertThat(r.detail()).contains("800");
        });
        c.heal();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.core(1).propose(new byte[300]).isAccepted()).as("room again once committed").isTrue();
    }

    @Test
    void aFollowerRefusesProposalsWithTheLeaderAsHint() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        ProposeResult r = c.core(2).propose("x".getBytes());
        assertThat(r).isEqualTo(new ProposeResult.Rejected(ProposeResult.Reason.NOT_LEADER, 1, "the leader is node 1"));
        assertThat(Cluster.of(1, 2).core(1).propose(new byte[1]))
                .isInstanceOfSatisfying(ProposeResult.Rejected.class, x -> assertThat(x.leaderHint()).isZero());
    }

    @Test
    void anUnreachablePeerDropsBackToProbing() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.propose(1, "a");
        c.stabilize();
        assertThat(c.core(1).status().peers().get(2L).state()).isEqualTo(io.ostraka.raft.tracker.ProgressState.REPLICATE);
        c.core(1).reportUnreachable(2);
        assertThat(c.core(1).status().peers().get(2L).state()).isEqualTo(io.ostraka.raft.tracker.ProgressState.PROBE);
        c.propose(1, "b");
        c.stabilize();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.appliedData(2)).containsExactly("a", "b");
    }
}
