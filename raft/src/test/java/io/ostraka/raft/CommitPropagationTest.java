package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How followers learn the commit index: with the next APPEND or heartbeat the leader sends them,
 * and at the latest at the leader's next tick — never by a broadcast of its own the moment the
 * commit advances, which with a single client cost two messages and two wake-ups per follower per
 * write. A follower's ReadIndex still needs no tick: the heartbeats of its round carry the commit.
 */
class CommitPropagationTest {

    /**
     * Three nodes, 1 leading with everything settled; heartbeats every 5 ticks, so the ticks in
     * between are not heartbeat ticks.
     */
    private static Cluster cluster() {
        Cluster c = Cluster.with(b -> b.electionTimeoutTicks(20).heartbeatTicks(5), 1, 2, 3);
        c.elect(1);
        c.settle();
        return c;
    }

    @Test
    void aCommitAdvanceIsNotBroadcastButReachesFollowersAtTheNextTick() {
        Cluster c = cluster();
        c.propose(1, "a");
        int delivered = c.stabilize();
        long committed = c.core(1).committed();
        assertThat(c.appliedData(1)).containsExactly("a");
        assertThat(delivered).as("two APPENDs and their two answers, nothing after the commit").isEqualTo(4);
        assertThat(c.core(2).committed()).isLessThan(committed);
        assertThat(c.core(3).committed()).isLessThan(committed);

        c.tick(1, 1);
        assertThat(c.queued(m -> true)).hasSize(2).allSatisfy(m -> {
            assertThat(m.type()).isEqualTo(MessageType.APPEND);
            assertThat(m.entries()).isEmpty();
            assertThat(m.commit()).isEqualTo(committed);
        });
        c.stabilize();
        assertThat(c.appliedData(2)).containsExactly("a");
        assertThat(c.appliedData(3)).containsExactly("a");

        c.tick(1, 1);
        assertThat(c.queued(m -> true)).as("nothing is owed any more").isEmpty();
    }

    @Test
    void theNextAppendCarriesTheCommitSoTheTickOwesNothing() {
        Cluster c = cluster();
        c.propose(1, "a");
        c.stabilize();
        c.propose(1, "b");
        c.stabilize();
        assertThat(c.appliedData(2)).as("b's APPEND told 2 that a is committed").containsExactly("a");
        c.tick(1, 1);
        assertThat(c.queued(m -> true)).hasSize(2);
        c.stabilize();
        assertThat(c.appliedData(2)).containsExactly("a", "b");
        assertThat(c.appliedData(3)).containsExactly("a", "b");
    }

    @Test
    void aFollowerThatHasNotAcknowledgedAnEntryIsNotToldItIsCommitted() {
        Cluster c = cluster();
        c.isolate(3);
        c.propose(1, "a");
        c.stabilize();
        c.tick(1, 1);
        assertThat(c.queued(m -> m.to() == 3)).as("3 has nothing it could apply").isEmpty();
        c.stabilize();
        assertThat(c.appliedData(2)).containsExactly("a");
    }

    @Test
    void aFollowersReadIndexArrivesAfterTheCommitItWaitsFor() {
        Cluster c = cluster();
        c.propose(1, "a");
        c.stabilize();
        long committed = c.core(1).committed();
        assertThat(c.core(2).committed()).isLessThan(committed);
        assertThat(c.core(2).readIndex(9)).isTrue();
        c.process(2);
        c.stabilize(); // no tick: the read's heartbeat round carries the commit index
        assertThat(c.node(2).readStates).containsExactly(new ReadState(9, committed));
        assertThat(c.core(2).committed()).isEqualTo(committed);
        assertThat(c.appliedData(2)).containsExactly("a");
    }
}
