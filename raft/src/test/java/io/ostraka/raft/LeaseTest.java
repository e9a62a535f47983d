package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Leader lease (thesis §6.4.1), opt-in: a leader serves reads without a round trip while a
 * quorum acknowledged a heartbeat round sent less than (election timeout − 1 − drift margin) ticks
 * ago; otherwise lease reads fall back to ReadIndex. A transfer voids the lease.
 */
class LeaseTest {
    private static Cluster leaseCluster() {
        return Cluster.with(b -> b.leaseReads(true).leaseDriftMarginTicks(2), 1, 2, 3);
    }

    @Test
    void aFreshlyConfirmedLeaderAnswersLeaseReadsWithoutMessages() {
        Cluster c = leaseCluster();
        c.elect(1);
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.core(1).leaseValid()).isTrue();
        c.core(1).leaseRead(1);
        c.process(1);
        assertThat(c.network).isEmpty();
        assertThat(c.node(1).readStates).extracting(ReadState::requestContext).containsExactly(1L);
    }

    @Test
    void theLeaseExpiresAfterElectionTimeoutMinusDriftWithoutAcknowledgements() {
        Cluster c = leaseCluster();
        c.elect(1);
        c.tick(1, 1);
        c.stabilize(); // a round sent at tick 1 of the leader's clock is acknowledged
        c.isolate(1);
        c.tick(1, 6); // tick 7: still inside the lease, which ends at 1 + 10 - 1 - 2 = 8 (one tick of phase error)
        assertThat(c.core(1).leaseValid()).isTrue();
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.core(1).leaseValid()).isFalse();
        c.core(1).leaseRead(2);
        c.process(1);
        assertThat(c.node(1).readStates).as("falls back to ReadIndex, which cannot complete").isEmpty();
    }

    @Test
    void leaseIsOffUnlessConfigured() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.core(1).leaseValid()).isFalse();
        c.core(1).leaseRead(1);
        c.process(1);
        assertThat(c.queued(m -> m.type() == MessageType.HEARTBEAT)).hasSize(2);
    }

    @Test
    void aTransferInProgressVoidsTheLease() {
        Cluster c = leaseCluster();
        c.elect(1);
        c.tick(1, 1);
        c.stabilize();
        c.isolate(3);
        c.propose(1, "x");
        c.stabilize();
        c.core(1).transferLeadership(3);
        assertThat(c.core(1).leaseValid()).isFalse();
    }

    @Test
    void aTimeoutNowStillInFlightAfterAnAbortedTransferForfeitsTheLease() {
        // Found by the simulator's lease-safety check (seed 69): the transfer timed out, the
        // lease came back, and the delayed TIMEOUT_NOW then let the target win term+1.
        Cluster c = leaseCluster();
        c.elect(1);
        c.tick(1, 1);
        c.stabilize();
        c.core(1).transferLeadership(2);
        c.process(1);
        java.util.List<Message> inFlight = c.queued(m -> m.type() == MessageType.TIMEOUT_NOW);
        assertThat(inFlight).hasSize(1);
        c.dropMatching(m -> m.type() == MessageType.TIMEOUT_NOW); // delayed, not lost: delivered below
        for (int i = 0; i < 12; i++) { // the transfer times out and is aborted
            c.tick(1, 1);
            c.stabilize();
        }
        assertThat(c.core(1).status().transferee()).isZero();
        assertThat(c.core(1).leaseValid()).as("no lease for the rest of the term").isFalse();
        c.deliver(inFlight.get(0));
        c.stabilize();
        assertThat(c.leader()).isEqualTo(2);
    }

    @Test
    void leaseNeedsCheckQuorum() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> RaftConfig.builder(1, 1).leaseReads(true).checkQuorum(false).build())
                .hasMessageContaining("leaseReads").hasMessageContaining("checkQuorum");
    }
}
