package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime end to end in one JVM: real RaftNodes with event loops, the durable log engine or
 * memory, proposals and reads through futures, errors as values, failover, restart recovery,
 * snapshots with catch-up of a new member, membership changes and leadership transfer.
 */
class RaftNodeTest {
    @TempDir
    Path dir;

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    private static long valueAt(RaftGroup g, ReadLevel level, long minIndex) throws Exception {
        CompletableFuture<Long> f = g.read(level, minIndex, sm -> ((CounterMachine) sm).value());
        return get(f);
    }

    @Test
    void threeDurableNodesElectALeaderAndReplicate() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, true, 3, o -> o)) {
            long leader = c.awaitLeader();
            List<CompletableFuture<Applied>> writes = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                writes.add(c.group(leader).propose(CounterMachine.add(i)));
            }
            long last = 0;
            for (CompletableFuture<Applied> w : writes) {
                last = CounterMachine.result(get(w));
            }
            assertThat(last).isEqualTo(50 * 51 / 2);
            NodeCluster.await(() -> c.machines.values().stream().allMatch(m -> m.value() == 1275), "all replicas to apply");
        }
    }

    /**
     * A proposal completes on the loop thread in the middle of an iteration, before the status is
     * published: a callback that runs there and asks for the applied index must see its write.
     */
    @Test
    void theAppliedIndexCoversAWriteByTheTimeItsFutureCompletes() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o)) {
            RaftGroup g = c.group(c.awaitLeader());
            List<CompletableFuture<long[]>> seen = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                seen.add(g.propose(CounterMachine.add(i)).thenApply(a -> new long[] {a.index(), g.appliedIndex()}));
            }
            for (CompletableFuture<long[]> f : seen) {
                long[] indexes = get(f);
                assertThat(indexes[1]).as("applied index when write %d completed", indexes[0])
                        .isGreaterThanOrEqualTo(indexes[0]);
            }
        }
    }

    @Test
    void aFollowerRefusesProposalsWithTheLeaderAsHint() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o)) {
            long leader = c.awaitLeader();
            long follower = leader == 1 ? 2 : 1;
            NodeCluster.await(() -> c.group(follower).leader() == leader, "the follower to know the leader");
            assertThatThrownBy(() -> c.group(follower).propose(CounterMachine.add(1)).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(OstrakaException.class)
                    .satisfies(e -> {
                        OstrakaException cause = (OstrakaException) e.getCause();
                        assertThat(cause.code()).isEqualTo(ErrorCode.NOT_LEADER);
                        assertThat(cause.leaderId()).isEqualTo(leader);
                    });
        }
    }

    @Test
    void anEmptyCommandIsRefusedAsInvalidNotCommittedAndReportedLost() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 1, o -> o)) {
            long leader = c.awaitLeader();
            assertThatThrownBy(() -> c.group(leader).propose(new byte[0]).join())
                    .hasCauseInstanceOf(OstrakaException.class)
                    .satisfies(e -> assertThat(((OstrakaException) e.getCause()).code()).isEqualTo(ErrorCode.INVALID_REQUEST))
                    .hasMessageContaining("must not be empty");
            assertThat(CounterMachine.result(get(c.group(leader).propose(CounterMachine.add(3))))).isEqualTo(3);
        }
    }

    @Test
    void readsAtEveryLevelSeeAcknowledgedWrites() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o.withLeaseReads(true, 2))) {
            long leader = c.awaitLeader();
            long follower = leader == 3 ? 2 : 3;
            Applied a = get(c.group(leader).propose(CounterMachine.add(41)));
            CounterMachine leaderMachine = c.machines.get(leader);
            assertThat(valueAt(c.group(leader), ReadLevel.LINEARIZABLE, 0)).isEqualTo(41L);
            assertThat(valueAt(c.group(leader), ReadLevel.LEASE, 0)).isEqualTo(41L);
            NodeCluster.await(() -> c.group(follower).leader() == leader, "the follower to know the leader");
            assertThat(valueAt(c.group(follower), ReadLevel.FOLLOWER, 0)).isEqualTo(41L);
            assertThat(valueAt(c.group(follower), ReadLevel.STALE, a.index())).isEqualTo(41L);
            assertThat(leaderMachine.value()).isEqualTo(41);
        }
    }

    @Test
    void theClusterFailsOverWhenTheLeaderStops() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, true, 3, o -> o)) {
            long first = c.awaitLeader();
            get(c.group(first).propose(CounterMachine.add(5)));
            c.stop(first);
            long second = c.awaitLeader();
            assertThat(second).isNotEqualTo(first);
            assertThat(CounterMachine.result(get(c.group(second).propose(CounterMachine.add(1))))).isEqualTo(6);
            c.start(first, true);
            NodeCluster.await(() -> c.machines.get(first).value() == 6, "the restarted node to catch up");
        }
    }

    @Test
    void aDurableNodeRecoversItsStateFromTheLogAfterRestart() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, true, 1, o -> o)) {
            c.awaitLeader();
            for (int i = 0; i < 20; i++) {
                get(c.group(1).propose(CounterMachine.add(2)));
            }
            c.stop(1);
            c.start(1, true);
            c.awaitLeader();
            NodeCluster.await(() -> c.machines.get(1L).value() == 40, "replay of the committed log");
            assertThat(CounterMachine.result(get(c.group(1).propose(CounterMachine.add(2))))).isEqualTo(42);
        }
    }

    @Test
    void aNewMemberCatchesUpThroughASnapshotAndVotes() throws Exception {
        // A durable leader sends nothing while an fsync is outstanding: under a loaded build (2 cores,
        // coverage on) a slow fsync outlasted the 100 ms election timeout and moved leadership in
        // the middle of the writes. 500 ms leaves room; this test is about snapshots, not elections.
        try (NodeCluster c = new NodeCluster(dir, true, 3, o -> o.withSnapshots(10, 0).withTiming(Duration.ofMillis(10), 50, 1))) {
            long leader = c.awaitLeader();
            for (int i = 0; i < 40; i++) {
                get(c.group(leader).propose(CounterMachine.add(1)));
            }
            NodeCluster.await(() -> c.group(leader).status().firstIndex() > 2, "compaction behind a snapshot");
            c.start(4, false);
            get(c.group(leader).addLearner(MemberInfo.ofPeer(4, "node-4")));
            NodeCluster.await(() -> c.machines.get(4L).value() == 40, "the learner to catch up");
            get(c.group(leader).promote(4));
            assertThat(c.group(leader).status().conf().voters()).contains(4L);
            get(c.group(leader).removeMember(leader == 1 ? 2 : 1));
            get(c.group(leader).propose(CounterMachine.add(1)));
            NodeCluster.await(() -> c.machines.get(4L).value() == 41, "the new voter to apply");
        }
    }

    @Test
    void leadershipCanBeTransferred() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o)) {
            long leader = c.awaitLeader();
            long target = leader == 1 ? 3 : 1;
            get(c.group(leader).propose(CounterMachine.add(1)));
            get(c.group(leader).transferLeadership(target));
            assertThat(c.group(target).isLeader()).isTrue();
            assertThat(CounterMachine.result(get(c.group(target).propose(CounterMachine.add(1))))).isEqualTo(2);
        }
    }

    @Test
    void aTransferTheLeaderGivesUpFailsWithTheReasonInsteadOfWaitingOutTheRequest() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o)) {
            long leader = c.awaitLeader();
            long target = leader == 1 ? 3 : 1;
            c.network.down.add(target); // it never hears TIMEOUT_NOW, so it never campaigns
            CompletableFuture<Void> transfer = c.group(leader).transferLeadership(target);
            assertThatThrownBy(() -> get(transfer)).hasCauseInstanceOf(OstrakaException.class)
                    .satisfies(e -> {
                        OstrakaException cause = (OstrakaException) e.getCause();
                        assertThat(cause.code()).isEqualTo(ErrorCode.TIMEOUT);
                        assertThat(cause.getMessage()).isEqualTo("leadership transfer to node " + target
                                + " was given up: timed out after an election timeout");
                    });
            assertThat(c.group(leader).isLeader()).isTrue();
            c.network.down.remove(target);
            assertThat(CounterMachine.result(get(c.group(leader).propose(CounterMachine.add(3))))).isEqualTo(3);
        }
    }

    @Test
    void requestsFailWithStoppedWhenTheNodeCloses() throws Exception {
        NodeCluster c = new NodeCluster(dir, false, 3, o -> o);
        long leader = c.awaitLeader();
        long follower = leader == 1 ? 2 : 1;
        c.network.down.add(follower);
        RaftGroup g = c.group(follower);
        CompletableFuture<Long> read = g.read(ReadLevel.STALE, 1_000_000, sm -> sm.appliedIndex());
        c.close();
        assertThatThrownBy(read::join).hasCauseInstanceOf(OstrakaException.class)
                .satisfies(e -> assertThat(((OstrakaException) e.getCause()).code()).isEqualTo(ErrorCode.STOPPED));
    }

    @Test
    void everyCallOnAClosedNodeFailsWithStoppedAndNoneHangs() throws Exception {
        NodeCluster c = new NodeCluster(dir, false, 3, o -> o);
        long leader = c.awaitLeader();
        RaftGroup g = c.group(leader);
        get(g.propose(CounterMachine.add(1)));
        // Calls racing with close: each completes one way or the other, none is left hanging.
        List<CompletableFuture<?>> racing = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread caller = new Thread(() -> {
            for (int i = 0; i < 200; i++) {
                racing.add(g.triggerSnapshot());
                racing.add(g.changeMembership(io.ostraka.raft.confchange.ConfChange.remove(99)));
                racing.add(g.propose(CounterMachine.add(1)));
            }
        });
        caller.start();
        c.close();
        caller.join();
        for (CompletableFuture<?> f : racing) {
            f.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
        }
        // After close: at once, with STOPPED.
        List<CompletableFuture<?>> late = List.of(g.triggerSnapshot(),
                g.changeMembership(io.ostraka.raft.confchange.ConfChange.remove(99)),
                g.transferLeadership(leader == 1 ? 2 : 1), g.propose(CounterMachine.add(1)),
                g.read(ReadLevel.LINEARIZABLE, 0, StateMachine::appliedIndex));
        for (CompletableFuture<?> f : late) {
            assertThat(f).isCompletedExceptionally();
            assertThatThrownBy(f::join).hasCauseInstanceOf(OstrakaException.class)
                    .satisfies(e -> assertThat(((OstrakaException) e.getCause()).code()).isEqualTo(ErrorCode.STOPPED));
        }
        assertThat(g.members()).containsKeys(1L, 2L, 3L);
    }
}
