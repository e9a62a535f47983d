package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A follower that acknowledged the leader's lease round and then restarts has forgotten its
 * leader (lead = NONE), yet the leader's lease counts on it refusing votes for an election
 * timeout: with lease reads, a restarted core refuses votes for its first election timeout.
 */
class LeaseRestartTest {

    @Test
    void aRestartedFollowerMustNotHelpElectANewLeaderDuringTheOldLeadersLease() {
        Cluster c = Cluster.with(b -> b.leaseReads(true).leaseDriftMarginTicks(2), 1, 2, 3);
        c.elect(1);
        c.propose(1, "old");
        c.settle();
        // Node 3 loses contact with the leader; node 2 keeps it.
        c.cut(1, 3);
        // 3 times out (its pre-votes are ignored by 2, which is sticky); 1 and 2 are not ticked.
        for (int i = 0; i < 25; i++) {
            c.tick(3, 1);
            c.stabilize();
        }
        assertThat(c.leader()).isEqualTo(1);
        // The leader sends a round, 2 acknowledges it: the lease starts now.
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.core(1).leaseValid()).isTrue();
        // 2 crashes and comes back at once (everything it acknowledged was durable).
        c.crashAndRestart(2);
        // 3 times out again; only a few ticks pass.
        for (int i = 0; i < 25 && !c.core(3).isLeader(); i++) {
            c.tick(3, 1);
            c.stabilize();
        }
        c.propose(3, "new");
        c.stabilize();
        boolean leaseStillHeld = c.core(1).isLeader() && c.core(1).leaseValid();
        boolean newLeader = c.core(3).isLeader() && c.core(3).term() > c.core(1).term();
        // A lease read on 1 now returns the old commit index although 3 committed "new".
        c.core(1).leaseRead(99);
        c.process(1);
        assertThat(leaseStillHeld && newLeader)
                .as("lease safety: node 1 holds its lease (term %d) while node 3 leads term %d; "
                        + "1 answered lease read at %s, 3 committed %d",
                        c.core(1).term(), c.core(3).term(), c.node(1).readStates, c.core(3).committed())
                .isFalse();
    }
}
