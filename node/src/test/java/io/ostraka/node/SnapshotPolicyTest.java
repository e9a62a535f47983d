package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot policy beyond the entry count: a group also snapshots after a number of applied
 * command bytes, and after an interval when anything was applied since the last snapshot.
 */
class SnapshotPolicyTest {
    @TempDir
    Path dir;

    @Test
    void aGroupSnapshotsAfterTheConfiguredBytesLongBeforeTheEntryCount() throws Exception {
        // Entry count far away (1M); 8-byte commands with a 40-byte threshold: a snapshot within a few entries.
        try (NodeCluster c = new NodeCluster(dir, true, 1, o -> o.withSnapshots(1_000_000, 0)
                .withSnapshotPolicy(40, Duration.ZERO).withTiming(Duration.ofMillis(10), 50, 1))) {
            long leader = c.awaitLeader();
            RaftMetricsTest.Recorder taken = new RaftMetricsTest.Recorder();
            c.nodes.get(leader).setMetrics(taken);
            for (int i = 0; i < 12; i++) {
                c.group(leader).propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);
            }
            NodeCluster.await(() -> !taken.taken.isEmpty(), "a snapshot taken by bytes");
            // The entry count (1M) and the interval (off) cannot have caused it.
            assertThat(taken.taken.peek().index()).isLessThanOrEqualTo(14);
        }
    }

    @Test
    void aGroupSnapshotsAgainAfterTheIntervalOnceMoreWasApplied() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, true, 1, o -> o.withSnapshots(1_000_000, 0)
                .withSnapshotPolicy(0, Duration.ofMillis(200)).withTiming(Duration.ofMillis(10), 50, 1))) {
            long leader = c.awaitLeader();
            RaftMetricsTest.Recorder taken = new RaftMetricsTest.Recorder();
            c.nodes.get(leader).setMetrics(taken);
            c.group(leader).propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);
            NodeCluster.await(() -> !taken.taken.isEmpty(), "a snapshot taken by time");
            long first = taken.taken.peek().index();
            c.group(leader).propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);
            NodeCluster.await(() -> taken.taken.stream().anyMatch(s -> s.index() > first), "the next one after more applies");
        }
    }

    @Test
    void aPolicySnapshotIsPreparedFirstAndTakenAfterTheDelay() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, true, 1, o -> o.withSnapshots(5, 0)
                .withTiming(Duration.ofMillis(10), 50, 1))) {
            long leader = c.awaitLeader();
            CounterMachine machine = c.machines.get(leader);
            for (int i = 0; i < 8; i++) {
                c.group(leader).propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);
            }
            NodeCluster.await(() -> !machine.snapshotAt.isEmpty(), "the policy's snapshot");
            assertThat(machine.preparedAt).isNotEmpty();
            assertThat(machine.snapshotAt.get(0) - machine.preparedAt.get(0))
                    .as("taken at least the preparation delay after prepareSnapshot")
                    .isGreaterThanOrEqualTo(GroupRunner.SNAPSHOT_PREPARE_NANOS);
        }
    }

    /*
     * With the policy out of the way (a million entries), so that no policy snapshot can land
     * between the proposal and the request on a slow machine: an asked-for snapshot is taken at
     * once, without preparation, at the applied index; asked again with nothing applied since,
     * the answer is that same snapshot, even before the log has recorded it.
     */
    @Test
    void anAskedForSnapshotIsTakenAtOnceAndAskingAgainAnswersTheSameOne() throws Exception {
        try (NodeCluster c = new NodeCluster(dir, true, 1, o -> o.withSnapshots(1_000_000, 0)
                .withTiming(Duration.ofMillis(10), 50, 1))) {
            long leader = c.awaitLeader();
            CounterMachine machine = c.machines.get(leader);
            for (int i = 0; i < 3; i++) {
                c.group(leader).propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);
            }
            long asked = System.nanoTime();
            java.util.concurrent.CompletableFuture<io.ostraka.raft.SnapshotMetadata> first = c.group(leader).triggerSnapshot();
            java.util.concurrent.CompletableFuture<io.ostraka.raft.SnapshotMetadata> again = c.group(leader).triggerSnapshot();
            io.ostraka.raft.SnapshotMetadata meta = first.get(10, TimeUnit.SECONDS);
            // Asked on the loop, where the snapshot was taken: nothing can apply in between.
            long applied = c.group(leader).read(ReadLevel.STALE, 0, StateMachine::appliedIndex).get(10, TimeUnit.SECONDS);
            assertThat(meta.index()).isEqualTo(applied);
            assertThat(machine.preparedAt).as("an explicit snapshot is not prepared").isEmpty();
            assertThat(machine.snapshotAt).hasSize(1);
            assertThat(machine.snapshotAt.get(0)).isGreaterThanOrEqualTo(asked);
            assertThat(again.get(10, TimeUnit.SECONDS)).isEqualTo(meta);
            assertThat(machine.snapshotAt).as("nothing applied in between: no second snapshot").hasSize(1);
        }
    }
}
