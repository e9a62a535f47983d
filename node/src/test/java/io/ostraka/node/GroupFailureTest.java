package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.log.SnapshotStore;
import io.ostraka.log.segment.NioFileIo;
import io.ostraka.raft.MemoryLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group whose work throws stops loudly — callers get STOPPED, {@code failure()} says why —
 * while the event loop it shares keeps serving the other groups. (Before, the exception escaped
 * and killed the loop thread, wedging every group on it without a word.)
 */
class GroupFailureTest {
    @TempDir
    Path dir;

    /** A state machine whose snapshots always fail with a programming error. */
    static final class BrokenSnapshots extends StateMachineAdapter {
        @Override
        public void snapshotTo(Path directory) {
            throw new IllegalStateException("snapshot layout not supported");
        }
    }

    /** Delegates to a counter; lets a test override one method. */
    static class StateMachineAdapter implements StateMachine {
        final CounterMachine counter = new CounterMachine();

        @Override
        public byte[] apply(long index, byte[] command) {
            return counter.apply(index, command);
        }

        @Override
        public long appliedIndex() {
            return counter.appliedIndex();
        }

        @Override
        public void snapshot(java.io.OutputStream out) throws java.io.IOException {
            counter.snapshot(out);
        }

        @Override
        public void restore(long index, java.io.InputStream in) throws java.io.IOException {
            counter.restore(index, in);
        }
    }

    /** A state machine whose first snapshot fails with an I/O error (a full disk, say). */
    static final class FirstSnapshotFails extends StateMachineAdapter {
        private boolean failedOnce;

        @Override
        public void snapshot(java.io.OutputStream out) throws java.io.IOException {
            if (!failedOnce) {
                failedOnce = true;
                throw new java.io.IOException("no space left on device");
            }
            super.snapshot(out);
        }
    }

    @Test
    void anAskedForSnapshotThatFailsToBeTakenFailsItsCallerAndTheGroupGoesOn() throws Exception {
        LocalTransport.Network network = new LocalTransport.Network();
        SnapshotStore snapshots = new SnapshotStore(dir, NioFileIo.INSTANCE, 2);
        NodeOptions options = NodeCluster.fast(1).withSnapshots(1_000_000, 0).withRequestTimeout(Duration.ofHours(1));
        try (RaftNode node = RaftNode.start(options, network.join(1, snapshots), Clock.SYSTEM)) {
            RaftGroup g = node.openGroup(new GroupSpec(1, new FirstSnapshotFails(), RaftStorage.memory(new MemoryLog()),
                    snapshots, List.of(MemberInfo.ofPeer(1, "node-1")), 1));
            g.awaitLeader(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            g.propose(CounterMachine.add(1)).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> g.triggerSnapshot().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class)
                    .hasMessageContaining("no space left on device");
            assertThat(g.failure()).isNull();
            assertThat(g.triggerSnapshot().get(10, TimeUnit.SECONDS).index()).isGreaterThanOrEqualTo(2);
        } finally {
            network.close();
        }
    }

    private static void assertStopped(java.util.concurrent.CompletableFuture<?> f) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(OstrakaException.class)
                .satisfies(e -> assertThat(((OstrakaException) e.getCause()).code()).isEqualTo(ErrorCode.STOPPED));
    }

    @Test
    void aFailingGroupStopsAndItsLoopKeepsServingOthers() throws Exception {
        LocalTransport.Network network = new LocalTransport.Network();
        SnapshotStore snapshots = new SnapshotStore(dir, NioFileIo.INSTANCE, 2);
        NodeOptions options = NodeCluster.fast(1).withSnapshots(5, 0).withEventLoops(1);
        try (RaftNode node = RaftNode.start(options, network.join(1, snapshots), Clock.SYSTEM)) {
            List<MemberInfo> members = List.of(MemberInfo.ofPeer(1, "node-1"));
            RaftGroup broken = node.openGroup(new GroupSpec(1, new BrokenSnapshots(), RaftStorage.memory(new MemoryLog()), snapshots, members, 1));
            RaftGroup healthy = node.openGroup(new GroupSpec(2, new CounterMachine(), RaftStorage.memory(new MemoryLog()), snapshots, members, 2));
            broken.awaitLeader(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            healthy.awaitLeader(Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 10 && broken.failure() == null; i++) {
                broken.propose(CounterMachine.add(1)).exceptionally(e -> null).get(10, TimeUnit.SECONDS);
            }
            // The policy's snapshot is taken a little after it falls due (see StateMachine#prepareSnapshot).
            NodeCluster.await(() -> broken.failure() != null, "the failing snapshot to stop the group");
            assertThat(broken.failure()).hasMessageContaining("snapshot layout not supported");
            assertThatThrownBy(() -> broken.propose(CounterMachine.add(1)).join()).hasCauseInstanceOf(OstrakaException.class)
                    .satisfies(e -> assertThat(((OstrakaException) e.getCause()).code()).isEqualTo(ErrorCode.STOPPED));
            // Nothing else a stopped group is asked to do happens either.
            assertStopped(broken.triggerSnapshot());
            assertStopped(broken.transferLeadership(2));
            assertThat(CounterMachine.result(healthy.propose(CounterMachine.add(7)).get(10, TimeUnit.SECONDS))).isEqualTo(7);
        } finally {
            network.close();
        }
    }
}
