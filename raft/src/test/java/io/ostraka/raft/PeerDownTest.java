package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.tracker.ProgressState;
import org.junit.jupiter.api.Test;

/**
 * {@link RaftCore#reportPeerDown}: when the transport finds the leader's process gone, its
 * followers elect a successor within a fraction of the election timeout instead of waiting it
 * out, while a wrong report cannot depose a live leader and lease reads keep their guarantee.
 */
class PeerDownTest {
    private static final int T = 10; // the default election timeout in ticks

    @Test
    void followersThatSeeTheLeaderGoElectASuccessorWithinAThirdOfTheTimeout() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        long term = c.core(1).term();
        c.isolate(1); // crashed
        c.core(2).reportPeerDown(1);
        c.core(3).reportPeerDown(1);
        assertThat(c.core(2).leader()).isZero();
        assertThat(c.core(3).leader()).isZero();
        electSuccessor(c, T / 3 + 1, "ticks to elect a successor");
        assertThat(Math.max(c.core(2).term(), c.core(3).term())).isEqualTo(term + 1);
    }

    @Test
    void aPreVoteThatMetAFollowerStillStickyIsRetriedQuicklyOnceItLearnsToo() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(1);
        c.core(2).reportPeerDown(1);
        // 2 campaigns before 3 notices: 3 still heard from 1 recently and rejects the pre-vote.
        while (c.core(2).role() != Role.PRE_CANDIDATE) {
            c.tick(2, 1);
            c.stabilize();
        }
        assertThat(c.core(2).role()).as("the pre-vote failed: 3 is sticky").isNotEqualTo(Role.LEADER);
        c.core(3).reportPeerDown(1);
        electSuccessor(c, T, "ticks to elect once 3 learned too");
    }

    @Test
    void theShortTimeoutsEndWhenALeaderAppears() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(1);
        c.core(2).reportPeerDown(1);
        c.core(3).reportPeerDown(1);
        long leader = electSuccessor(c, Integer.MAX_VALUE, "ticks to elect a successor");
        long follower = 5 - leader;
        // The new leader goes quiet too (no report this time): the follower waits a full timeout.
        c.isolate(leader);
        for (int i = 0; i < T - 1; i++) {
            c.tick(follower, 1);
            c.stabilize();
        }
        assertThat(c.core(follower).role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void withoutTheReportTheSameCrashTakesAtLeastTheElectionTimeout() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(1);
        for (int i = 0; i < T - 1; i++) {
            tickSurvivors(c);
        }
        assertThat(c.core(2).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.core(3).role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void aWrongReportAboutALiveLeaderCostsOneFailedPreVoteAndNothingElse() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        long term = c.core(1).term();
        c.core(2).reportPeerDown(1);
        for (int i = 0; i < 3 * T; i++) {
            c.tickAll(1);
            c.stabilize();
        }
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
        assertThat(c.core(1).term()).isEqualTo(term);
        assertThat(c.core(2).leader()).isEqualTo(1);
        assertThat(c.core(2).role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void withLeaseReadsTheReportIsIgnoredSoTheLeaseStaysSafe() {
        Cluster c = Cluster.with(b -> b.leaseReads(true).leaseDriftMarginTicks(2), 1, 2, 3);
        c.elect(1);
        c.isolate(1);
        c.core(2).reportPeerDown(1);
        c.core(3).reportPeerDown(1);
        assertThat(c.core(2).leader()).isEqualTo(1);
        for (int i = 0; i < T - 1; i++) {
            tickSurvivors(c);
        }
        assertThat(c.core(2).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.core(3).role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void aReportAboutAnotherFollowerChangesNothingOnAFollower() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.core(2).reportPeerDown(3);
        assertThat(c.core(2).leader()).isEqualTo(1);
    }

    @Test
    void onTheLeaderTheDownPeerFallsBackToProbing() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.core(1).propose("x".getBytes());
        c.process(1);
        c.stabilize();
        assertThat(c.core(1).status().peers().get(2L).state()).isEqualTo(ProgressState.REPLICATE);
        c.core(1).reportPeerDown(2);
        assertThat(c.core(1).status().peers().get(2L).state()).isEqualTo(ProgressState.PROBE);
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
    }

    @Test
    void aTransferToAPeerFoundDownIsGivenUpAtOnceAndProposalsFlowAgain() {
        Cluster c = Cluster.of(1, 2, 3);
        c.elect(1);
        c.isolate(2); // stopped: it will never campaign
        c.core(1).transferLeadership(2);
        c.process(1);
        assertThat(c.core(1).status().transferee()).isEqualTo(2);
        c.core(1).reportPeerDown(3); // a report about another peer leaves the transfer alone
        assertThat(c.core(1).status().transferee()).isEqualTo(2);
        c.core(1).reportPeerDown(2);
        c.process(1);
        assertThat(c.core(1).status().transferee()).isZero();
        assertThat(c.node(1).events).anyMatch(e -> e.type() == RaftEvent.Type.LEADERSHIP_TRANSFER && e.peer() == 2
                && e.detail().equals("aborted: node 2 is down"));
        assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
        assertThat(c.core(1).propose("after".getBytes())).isInstanceOf(ProposeResult.Accepted.class);
    }

    /** One tick for the survivors 2 and 3 of a cluster whose leader 1 is gone, then delivery. */
    private static void tickSurvivors(Cluster c) {
        c.tick(2, 1);
        c.tick(3, 1);
        c.stabilize();
    }

    /** Ticks 2 and 3 until one of them leads, in fewer than {@code limit} ticks; returns it. */
    private static long electSuccessor(Cluster c, int limit, String what) {
        int ticks = 0;
        while (c.core(2).role() != Role.LEADER && c.core(3).role() != Role.LEADER) {
            tickSurvivors(c);
            ticks++;
            assertThat(ticks).as("%s%n%s", what, c.dump()).isLessThan(limit);
        }
        return c.core(2).role() == Role.LEADER ? 2 : 3;
    }
}
