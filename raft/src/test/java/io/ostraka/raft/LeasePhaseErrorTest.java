package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * With leaseDriftMarginTicks = 0 and perfect clocks, the lease must not
 * outlive follower stickiness: tick quantisation lets a follower's
 * T-th tick after the heartbeat come just after T - 1 of the leader's ticks, so the core takes one tick off.
 */
class LeasePhaseErrorTest {

    @Test
    void zeroDriftMarginLeaseOutlivesStickinessByTickPhase() {
        Cluster c = Cluster.with(b -> b.leaseReads(true).leaseDriftMarginTicks(0), 1, 2, 3);
        c.elect(1);
        c.propose(1, "old");
        c.settle();
        c.cut(1, 3);
        for (int i = 0; i < 25; i++) { // 3 times out; its pre-votes are ignored by sticky 2
            c.tick(3, 1);
            c.stabilize();
        }
        // Leader tick N: a round goes out, 2 receives it just before its own tick boundary.
        c.tick(1, 1);
        c.stabilize();
        assertThat(c.core(1).leaseValid()).isTrue();
        c.cut(1, 2); // then the leader is cut off
        int T = 10;
        // Real time: 2's ticks come just after receipt; the leader's T-1 ticks interleave.
        for (int i = 0; i < T - 1; i++) {
            c.tick(2, 1);
            c.tick(1, 1);
            c.stabilize();
        }
        c.tick(2, 1); // 2's T-th tick: no longer sticky, while the leader's T-th tick has not come yet
        // 3 campaigns (its timer is long expired); elections run on message delivery.
        c.core(3).tick();
        c.process(3);
        for (int i = 0; i < 30 && !c.core(3).isLeader(); i++) {
            c.tick(3, 1);
            c.stabilize();
        }
        boolean both = c.core(1).isLeader() && c.core(1).leaseValid() && c.core(3).isLeader();
        assertThat(both).as("node 1 lease valid=%s while node 3 leader=%s (term %d)",
                c.core(1).leaseValid(), c.core(3).isLeader(), c.core(3).term()).isFalse();
    }
}
