package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.SnapshotMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime reports what {@link RaftMetrics} promises: a propose→commit latency for each of the
 * leader's own proposals (and none on followers), every committed entry in some applied batch,
 * one read latency per served non-stale read at its level, and snapshots taken and installed.
 */
class RaftMetricsTest {
    @TempDir
    Path dir;

    /** Keeps every report; called on event loops, read by the test thread. */
    static final class Recorder implements RaftMetrics {
        final ConcurrentLinkedQueue<Long> committedNanos = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Integer> appliedBatches = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<ReadLevel> reads = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<SnapshotMetadata> taken = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<SnapshotMetadata> installed = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> durations = new ConcurrentLinkedQueue<>();

        @Override
        public void committed(long groupId, long nanos) {
            committedNanos.add(nanos);
            durations.add(nanos);
        }

        @Override
        public void applied(long groupId, int entries, long nanos) {
            appliedBatches.add(entries);
            durations.add(nanos);
        }

        @Override
        public void readServed(long groupId, ReadLevel level, long nanos) {
            reads.add(level);
            durations.add(nanos);
        }

        @Override
        public void snapshotTaken(long groupId, SnapshotMetadata snapshot, long nanos) {
            taken.add(snapshot);
            durations.add(nanos);
        }

        @Override
        public void snapshotInstalled(long groupId, SnapshotMetadata snapshot) {
            installed.add(snapshot);
        }

        int appliedEntries() {
            return appliedBatches.stream().mapToInt(Integer::intValue).sum();
        }
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    @Test
    void commitApplyAndReadLatenciesAreReportedWhereTheyHappen() throws Exception {
        // 500 ms elections: on a loaded build a leader change mid-test would fail the proposals.
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o.withTiming(Duration.ofMillis(10), 50, 1))) {
            long leader = c.awaitLeader();
            long follower = leader == 1 ? 2 : 1;
            Recorder onLeader = new Recorder();
            Recorder onFollower = new Recorder();
            c.nodes.get(leader).setMetrics(onLeader);
            c.nodes.get(follower).setMetrics(onFollower);
            for (int i = 0; i < 20; i++) {
                get(c.group(leader).propose(CounterMachine.add(1)));
            }
            NodeCluster.await(() -> c.machines.get(follower).value() == 20, "the follower to apply");
            get(c.group(leader).readBarrier(ReadLevel.LINEARIZABLE));
            get(c.group(follower).readBarrier(ReadLevel.FOLLOWER));
            get(c.group(follower).readBarrier(ReadLevel.STALE));

            assertThat(onLeader.committedNanos).as("one per proposal").hasSize(20);
            assertThat(onFollower.committedNanos).as("followers propose nothing").isEmpty();
            assertThat(onLeader.appliedEntries()).isGreaterThanOrEqualTo(20);
            NodeCluster.await(() -> onFollower.appliedEntries() >= 20, "the follower's applied batches");
            assertThat(onLeader.reads).containsExactly(ReadLevel.LINEARIZABLE);
            assertThat(onFollower.reads).as("stale reads are not ReadIndex reads").containsExactly(ReadLevel.FOLLOWER);
            assertThat(onLeader.durations).allSatisfy(n -> assertThat(n).isNotNegative());
            assertThat(onFollower.durations).allSatisfy(n -> assertThat(n).isNotNegative());
        }
    }

    @Test
    void snapshotsTakenAndInstalledAreReported() throws Exception {
        // 500 ms elections, as in RaftNodeTest: a slow fsync must not cost the leader its term mid-test.
        try (NodeCluster c = new NodeCluster(dir, true, 3, o -> o.withSnapshots(10, 0).withTiming(Duration.ofMillis(10), 50, 1))) {
            long leader = c.awaitLeader();
            Recorder onLeader = new Recorder();
            c.nodes.get(leader).setMetrics(onLeader);
            for (int i = 0; i < 40; i++) {
                get(c.group(leader).propose(CounterMachine.add(1)));
            }
            NodeCluster.await(() -> !onLeader.taken.isEmpty() && c.group(leader).status().firstIndex() > 2,
                    "a snapshot and compaction behind it");
            assertThat(onLeader.taken).allSatisfy(s -> assertThat(s.index()).isPositive());

            RaftNode learner = c.start(4, false);
            Recorder onLearner = new Recorder();
            learner.setMetrics(onLearner);
            get(c.group(leader).addLearner(MemberInfo.ofPeer(4, "node-4")));
            NodeCluster.await(() -> c.machines.get(4L).value() == 40, "the learner to catch up");
            // The install is reported after the state machine is restored: the value can be seen first.
            NodeCluster.await(() -> !onLearner.installed.isEmpty(), "it caught up through a snapshot");
            assertThat(List.copyOf(onLearner.installed).get(0).index()).isGreaterThan(2);
        }
    }

    @Test
    void aMetricsSystemThatThrowsCostsMeasurementsNotTheGroup() throws Exception {
        RaftMetrics broken = new RaftMetrics() {
            @Override
            public void committed(long groupId, long nanos) {
                throw new IllegalStateException("metrics backend is down");
            }

            @Override
            public void applied(long groupId, int entries, long nanos) {
                throw new IllegalStateException("metrics backend is down");
            }

            @Override
            public void readServed(long groupId, ReadLevel level, long nanos) {
                throw new IllegalStateException("metrics backend is down");
            }
        };
        try (NodeCluster c = new NodeCluster(dir, false, 3, o -> o.withTiming(Duration.ofMillis(10), 50, 1))) {
            long leader = c.awaitLeader();
            for (RaftNode n : c.nodes.values()) {
                n.setMetrics(broken);
            }
            for (int i = 0; i < 5; i++) {
                get(c.group(leader).propose(CounterMachine.add(1)));
            }
            get(c.group(leader).readBarrier(ReadLevel.LINEARIZABLE));
            assertThat(CounterMachine.result(get(c.group(leader).propose(CounterMachine.add(1))))).isEqualTo(6);
            NodeCluster.await(() -> c.machines.values().stream().allMatch(m -> m.value() == 6), "every replica to apply");
        }
    }
}
