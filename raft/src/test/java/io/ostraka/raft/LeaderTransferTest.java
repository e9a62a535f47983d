package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Leadership transfer (thesis §3.10): the leader brings the target up to date, sends
 * TIMEOUT_NOW, refuses proposals meanwhile, and gives up after an election timeout.
 */
class LeaderTransferTest {

    @Test
    void transferToAnUpToDateFollowerIsImmediate() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.core(1).transferLeadership(2);
        c.process(1);
        assertThat(c.queued(m -> m.type() == MessageType.TIMEOUT_NOW)).hasSize(1);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(2);
        assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.node(1).events).anyMatch(e -> e.type() == RaftEvent.Type.LEADERSHIP_TRANSFER && e.detail().equals("started"));
        assertThat(c.node(1).events).filteredOn(e -> e.type() == RaftEvent.Type.LEADERSHIP_TRANSFERRED).singleElement()
                .satisfies(e -> {
                    assertThat(e.peer()).isEqualTo(2);
                    assertThat(e.term()).isEqualTo(c.core(2).term());
                });
        assertThat(c.node(2).events).noneMatch(e -> e.type() == RaftEvent.Type.LEADERSHIP_TRANSFERRED);
    }

    @Test
    void aTransferOvertakenByAnotherElectionIsReportedAborted() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(3);
        c.propose(1, "a");
        c.stabilize();
        c.core(1).transferLeadership(3); // 3 is unreachable: it cannot catch up
        c.process(1);
        c.stabilize();
        c.heal();
        c.isolate(1); // and now the leader is cut off before its transfer times out: 2 and 3 elect 2
        for (int i = 0; i < 100 && c.core(2).role() != Role.LEADER; i++) {
            c.tick(2, 1);
            c.tick(3, 1);
            c.stabilize();
        }
        assertThat(c.core(2).role()).isEqualTo(Role.LEADER);
        c.heal();
        c.tick(2, 1);
        c.stabilize();
        c.tick(2, 1);
        c.stabilize();
        assertThat(c.core(1).leader()).isEqualTo(2);
        assertThat(c.node(1).events).noneMatch(e -> e.type() == RaftEvent.Type.LEADERSHIP_TRANSFERRED);
        assertThat(c.node(1).events).anyMatch(e -> e.type() == RaftEvent.Type.LEADERSHIP_TRANSFER && e.peer() == 3
                && e.detail().equals("aborted: node 2 was elected"));
    }

    @Test
    void aLaggingTargetIsCaughtUpFirstAndProposalsAreRefusedMeanwhile() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(3);
        c.propose(1, "a");
        c.propose(1, "b");
        c.stabilize();
        c.heal();
        c.core(1).transferLeadership(3);
        c.process(1);
        ProposeResult refused = c.core(1).propose("c".getBytes());
        assertThat(refused).isInstanceOfSatisfying(ProposeResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(ProposeResult.Reason.TRANSFER_IN_PROGRESS));
        c.stabilize();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(3);
        assertThat(c.appliedData(3)).containsExactly("a", "b");
    }

    @Test
    void aTransferThatCannotCompleteIsAbortedAfterAnElectionTimeout() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(3);
        c.propose(1, "a");
        c.stabilize();
        c.core(1).transferLeadership(3); // 3 is unreachable: it can never catch up
        c.process(1);
        assertThat(c.core(1).status().transferee()).isEqualTo(3);
        c.cut(1, 3);
        for (int i = 0; i < 10; i++) {
            c.tick(1, 1);
            c.stabilize();
        }
        assertThat(c.core(1).status().transferee()).isZero();
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
        assertThat(c.propose(1, "after").isAccepted()).isTrue();
        assertThat(c.node(1).events).anyMatch(e -> e.type() == RaftEvent.Type.LEADERSHIP_TRANSFER && e.detail().startsWith("aborted"));
    }

    @Test
    void transferRequestsDoNotKeepAnIsolatedLeaderFromSteppingDown() {
        // Each transfer gets its own election timeout; check-quorum keeps its own clock. Before,
        // a transfer restarted the shared clock, so requests arriving more often than an election
        // timeout (alternating targets, so none is a repeat) kept a cut-off leader in office.
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(1);
        for (int i = 0; i < 40 && c.core(1).role() == Role.LEADER; i++) {
            c.core(1).transferLeadership(i % 2 == 0 ? 2 : 3);
            c.process(1);
            c.tick(1, 1);
        }
        assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.node(1).events).anyMatch(e -> e.type() == RaftEvent.Type.STEPPED_DOWN);
    }

    @Test
    void aFollowerForwardsATransferRequestToTheLeader() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.core(3).transferLeadership(3);
        c.process(3);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(3);
    }

    @Test
    void transferToALearnerOrToItselfIsIgnored() {
        Cluster c = Cluster.of(1, 2);
        c.elect(1);
        c.addEmptyNode(3);
        c.proposeConf(1, io.ostraka.raft.confchange.ConfChange.addLearner(3));
        c.stabilize();
        c.core(1).transferLeadership(3);
        c.core(1).transferLeadership(1);
        c.process(1);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(1);
        assertThat(c.core(1).status().transferee()).isZero();
    }

    @Test
    void aSecondTransferSupersedesTheFirst() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(3);
        c.propose(1, "a");
        c.stabilize();
        c.core(1).transferLeadership(3);
        c.core(1).transferLeadership(2);
        c.process(1);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(2);
    }
}
