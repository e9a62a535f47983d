package io.ostraka.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.log.SnapshotStore;
import io.ostraka.log.segment.NioFileIo;
import io.ostraka.raft.MemoryLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/** {@link RaftGroup#awaitLeader} fails with STOPPED when its node closes, before or during the wait. */
class AwaitLeaderCloseTest {
    @TempDir
    Path dir;

    // Node 1 of a three-voter group whose peers never start: no leader, ever. Repeated, since
    // close() used to drop a pending poll only when it came within the poll interval.
    @RepeatedTest(3)
    void waitersFailWithStoppedWhenTheNodeCloses() throws Exception {
        LocalTransport.Network network = new LocalTransport.Network();
        SnapshotStore snapshots = new SnapshotStore(dir, NioFileIo.INSTANCE, 2);
        RaftNode node = RaftNode.start(NodeOptions.defaults(1), network.join(1, snapshots), Clock.SYSTEM);
        RaftGroup g = node.openGroup(new GroupSpec(1, new CounterMachine(), RaftStorage.memory(new MemoryLog()), snapshots,
                List.of(MemberInfo.ofPeer(1, "a"), MemberInfo.ofPeer(2, "b"), MemberInfo.ofPeer(3, "c")), 1));
        try {
            CompletableFuture<Long> during = g.awaitLeader(Duration.ofMinutes(1));
            node.close();
            assertStopped(during);
            assertStopped(g.awaitLeader(Duration.ofMinutes(1)));
        } finally {
            node.close();
            network.close();
        }
    }

    private static void assertStopped(CompletableFuture<Long> f) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(OstrakaException.class)
                .satisfies(e -> assertThat(((OstrakaException) e).code()).isEqualTo(ErrorCode.STOPPED));
    }
}
